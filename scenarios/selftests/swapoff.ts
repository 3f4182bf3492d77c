import { defineScenario, type Kernel, type Range, type Task, type VmstatCounter } from 'hugeswap'

// pmd_swap.c `swapoff` (latest revision), PMD_SWAP_DEVICE being the only swap area: the swapped
// range is RWP-protected, then swapoff() brings it back. Before any touch the PMD must be mapped
// again (unuse_pmd(), unless zswap; baseline: unuse_pte_range(), PTE-mapped); the RWP fault is
// still delivered (the uffd bit survived); the pattern is intact; swapon() restores the area.
export default defineScenario({
  title: 'pmd_swap selftest: swapoff',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const t = k.spawn('pmd_swap')
    const r = allocFillSwapThp(k, t)
    t.uffdRegister(r, ['rwp'])
    t.uffdProtect(r, 'rwp')
    // 1 GiB less the swap header's page: 1048572 kB, as /proc/swaps says on a real kernel.
    const total = k.meminfo().SwapTotal
    k.swapoff(0)
    k.expect(t.smaps(r).AnonHugePages, 'check_huge_anon before any touch').toBe(
      pmdSwapOut(k) ? 2048 : 0,
    )
    k.expect(t.status().VmSwap, 'nothing left in swap').toBe(0)
    k.expect(
      t.pagemap(r).some((e) => e.swapped),
      'no page swapped',
    ).toBe(false)
    t.read(r.sub(0, '4K'))
    k.expect(
      t.uffdEvents().some((e) => e.rwp && !e.write),
      'RWP fault still delivered',
    ).toBe(true)
    t.uffdProtect(r, 'rwp', false)
    t.read(r)
    k.swapon(0)
    k.expect(k.meminfo().SwapTotal, 'swapon: the area is back').toBe(total)
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
