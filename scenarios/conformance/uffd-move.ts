import { defineScenario } from 'hugeswap'

// UFFDIO_MOVE (6.8 and later) into ranges registered with userfaultfd: a PMD-mapped THP moves
// whole (move_pages_huge_pmd()) between PMD-aligned ranges; 4 KB pages, half of them swapped
// out, move PTE by PTE (move_present_pte(), move_swap_pte()). Nothing is copied or faulted in:
// the pages read back at the destination.
export default defineScenario({
  title: 'conformance: UFFDIO_MOVE of a THP and of present and swapped 4 KB pages',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('uffd')
    const huge = t.mmap('2M', { advice: 'hugepage' })
    t.write(huge)
    const hugeDst = t.mmap('2M', { advice: 'hugepage' })
    t.uffdRegister(hugeDst, ['wp'])
    t.uffdMove(hugeDst, huge)
    const small = t.mmap('256K', { advice: 'nohugepage' })
    t.write(small)
    t.madvise(small.sub(0, '128K'), 'pageout')
    const smallDst = t.mmap('256K', { advice: 'nohugepage' })
    t.uffdRegister(smallDst, ['wp'])
    t.uffdMove(smallDst, small)
    t.read(smallDst)
    t.read(hugeDst)
  },
})
