import { defineScenario } from 'hugeswap'

// UFFDIO_MOVE of a swapped-out THP. On NVMe the large folio stays in the swap cache behind 512
// swap PTEs (the PMD was split at swap-out), and move_pages_ptes() refuses such an entry with
// EBUSY: nothing moves. Read back and paged out again (clean: freed without I/O), the entries
// have no swap-cache folio and move one by one (move_swap_pte()); they read back at the
// destination.
export default defineScenario({
  title: 'conformance: UFFDIO_MOVE of a swapped-out THP, in the swap cache and out of it',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const t = k.spawn('uffd')
    const huge = t.mmap('2M', { advice: 'hugepage' })
    t.write(huge)
    t.madvise(huge, 'pageout')
    const dst = t.mmap('2M', { advice: 'hugepage' })
    t.uffdRegister(dst, ['wp'])
    k.expect(t.uffdMove(dst, huge), 'EBUSY: a large folio in the swap cache').toBe(-16)
    t.read(huge)
    t.madvise(huge, 'pageout')
    k.expect(t.uffdMove(dst, huge), 'every entry moved').toBe(2 * 1024 * 1024)
    t.read(dst)
  },
})
