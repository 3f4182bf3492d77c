import { defineScenario } from 'hugeswap'

// mprotect of a swapped-out range: swap entries stay; a read swaps in read-only pages.
export default defineScenario({
  title: 'conformance: mprotect of swapped pages',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('mprotect')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    t.mprotect(r, 'r')
    t.read(r)
    t.mprotect(r, 'rw')
    t.write(r)
  },
})
