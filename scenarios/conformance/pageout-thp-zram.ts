import { defineScenario } from 'hugeswap'

// MADV_PAGEOUT of a whole THP to zram (synchronous): split PMD, folio written whole and freed;
// reading back swaps the pages in one by one.
export default defineScenario({
  title: 'conformance: MADV_PAGEOUT of a THP to zram, read back',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('pageout')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    t.read(r)
  },
})
