import { defineScenario } from 'hugeswap'

// MADV_FREE of pages a child read back from swap that its parent still has swapped out: the
// swap-cache folios cannot leave the swap cache (the parent's swap PTEs hold their slots), so
// madvise_free_pte_range() skips them, and the child's MADV_PAGEOUT then frees them as clean
// swap-cache folios. The parent reads its data back from swap.
export default defineScenario({
  title: 'conformance: MADV_FREE of swap-cache pages shared after fork',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const parent = k.spawn('parent')
    const r = parent.mmap('256K', { advice: 'nohugepage' })
    parent.write(r)
    // Written out, read back from the swap cache and paged out again: freed, only swapped.
    parent.madvise(r, 'pageout')
    parent.read(r)
    parent.madvise(r, 'pageout')
    const child = parent.fork()
    child.read(r)
    child.madvise(r, 'free')
    child.madvise(r, 'pageout')
    parent.read(r)
    child.read(r)
  },
})
