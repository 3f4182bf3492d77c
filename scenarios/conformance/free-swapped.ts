import { defineScenario } from 'hugeswap'

// MADV_FREE over swapped-out pages drops the swap entries; reads then see fresh zeroed memory.
export default defineScenario({
  title: 'conformance: MADV_FREE of swapped pages',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('free')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    t.madvise(r, 'free')
    t.read(r)
  },
})
