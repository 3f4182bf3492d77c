import { defineScenario, type Kernel, type Range, type Task, type VmstatCounter } from 'hugeswap'

// pmd_swap.c `uffdio_move` (latest revision): UFFDIO_MOVE of the swapped 2M into a PMD-aligned
// MADV_HUGEPAGE destination registered MISSING|RWP moves the swap entry without faulting it in:
// move.move = 2M, dst fully swapped; the first read delivers an RWP fault; the pattern is intact;
// the PMD is restored at dst unless zswap (baseline and zswap: PTE-mapped). Baseline without
// zswap: EBUSY, nothing moves (see below).
export default defineScenario({
  title: 'pmd_swap selftest: uffdio_move',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const t = k.spawn('pmd_swap')
    const r = allocFillSwapThp(k, t)
    const dst = t.mmap('2M', { advice: 'hugepage' })
    t.uffdRegister(dst, ['missing', 'rwp'])
    // The split path on NVMe leaves the large folio in the swap cache behind 512 swap PTEs, and
    // move_pages_ptes() refuses such an entry ("For large folios, return -EBUSY immediately, as
    // split_folio() also returns -EBUSY when attempting to split unmapped large folios in the
    // swapcache"): held against 6.18 by scenarios/conformance/uffd-move-swapped-thp.ts. Under
    // zswap the folio was freed at swap-out, and the entries move one by one.
    if (!pmdSwapOut(k) && !k.machine.zswap) {
      k.expect(t.uffdMove(dst, r), 'move.move: EBUSY on the split path').toBe(-16)
      k.expect(t.smaps(r).Swap, 'nothing moved').toBe(2048)
      return
    }
    k.expect(t.uffdMove(dst, r), 'move.move').toBe(2 * 1024 * 1024)
    k.expect(allSwapped(t, dst), 'dst fully swapped (entry moved, not faulted)').toBe(true)
    k.expect(t.smaps(r).Swap, 'nothing left at src').toBe(0)
    t.read(dst.sub(0, '4K'))
    k.expect(
      t.uffdEvents().some((e) => e.rwp && !e.write),
      'RWP fault on first read',
    ).toBe(true)
    t.uffdProtect(dst, 'rwp', false)
    t.read(dst)
    k.expect(t.smaps(dst).AnonHugePages, 'check_huge_anon at dst').toBe(pmdSwapOut(k) ? 2048 : 0)
  },
})

// FIXTURE_SETUP(pmd_swap): alloc_fill_swap_thp() maps a PMD-aligned 2M with MADV_HUGEPAGE, fills
// it, requires AnonHugePages 2048, then MADV_PAGEOUT must swap every page out and (series, zswap
// never enabled) raise thp_swpout_pmd. Elsewhere reclaim splits the PMD as today's kernel does.
function allocFillSwapThp(k: Kernel, t: Task): Range {
  const r = t.mmap('2M', { advice: 'hugepage' })
  t.write(r)
  k.expect(t.smaps(r).AnonHugePages, 'setup: check_huge_anon before MADV_PAGEOUT').toBe(2048)
  const before = k.vmstat()
  t.madvise(r, 'pageout')
  const after = k.vmstat()
  const pmd = pmdSwapOut(k)
  const delta = (name: VmstatCounter): number => (after[name] ?? 0) - (before[name] ?? 0)
  k.expect(delta('thp_swpout_fallback'), 'setup: thp_swpout_fallback').toBe(0)
  k.expect(allSwapped(t, r), 'setup: check_swapped (pagemap bit 62)').toBe(true)
  k.expect(delta('thp_swpout_pmd'), 'setup: thp_swpout_pmd').toBe(pmd ? 1 : 0)
  k.expect(delta('thp_split_pmd'), 'setup: thp_split_pmd').toBe(pmd ? 0 : 1)
  k.expect(delta('zswpout'), 'setup: zswpout').toBe(k.machine.zswap ? 512 : 0)
  return r
}

/** Swap-out installs one PMD swap entry: the series is applied and zswap never enabled (F1). */
function pmdSwapOut(k: Kernel): boolean {
  return k.variant.pmdSwap && !k.machine.zswap
}

/** check_swapped(): pagemap bit 62 set (and 63 clear) on every 4 KB page of `r`. */
function allSwapped(t: Task, r: Range): boolean {
  return t.pagemap(r).every((e) => e.swapped && !e.present)
}
