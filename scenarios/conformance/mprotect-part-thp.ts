import { defineScenario } from 'hugeswap'

// mprotect of part of a mapped THP splits the VMA and the PMD; writing elsewhere still works.
export default defineScenario({
  title: 'conformance: mprotect of part of a mapped THP',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('mprotect')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.mprotect(r.sub(0, '1M'), 'r')
    t.write(r.sub('1M', '1M'))
    t.mprotect(r.sub(0, '1M'), 'rw')
    t.write(r)
  },
})
