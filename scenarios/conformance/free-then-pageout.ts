import { defineScenario } from 'hugeswap'

// MADV_FREE, then MADV_PAGEOUT: the lazily freed THP is discarded, not written to swap.
export default defineScenario({
  title: 'conformance: MADV_FREE then MADV_PAGEOUT',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('free')
    const r = t.mmap('4M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'free')
    t.madvise(r, 'pageout')
    t.read(r)
  },
})
