import { defineScenario } from 'hugeswap'

// Swapped out, read back from the swap cache (clean), swapped out again: the second
// MADV_PAGEOUT frees the clean folio without writing it.
export default defineScenario({
  title: 'conformance: MADV_PAGEOUT of a clean swap-cache folio',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const t = k.spawn('pageout')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    t.read(r)
    t.madvise(r, 'pageout')
    t.read(r)
  },
})
