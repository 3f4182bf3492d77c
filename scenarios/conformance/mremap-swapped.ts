import { defineScenario } from 'hugeswap'

// mremap of swapped-out pages: the swap entries move with the mapping.
export default defineScenario({
  title: 'conformance: mremap of swapped pages',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('mremap')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    const moved = t.mremap(r)
    t.read(moved)
  },
})
