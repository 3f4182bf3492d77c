import { defineScenario } from 'hugeswap'

// munmap of the middle of a mapped THP: the PMD is split, the rest stays mapped.
export default defineScenario({
  title: 'conformance: munmap of part of a mapped THP',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('munmap')
    const r = t.mmap('4M', { advice: 'hugepage' })
    t.write(r)
    t.munmap(r.sub('512K', '512K'))
    t.read(r.sub(0, '512K'))
    t.munmap(r.sub('2M', '2M'))
  },
})
