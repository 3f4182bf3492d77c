import { defineScenario, type Vmstat } from 'hugeswap'

// F6 (docs/kernel-facts.md#fallbacks): the PMD-order folio allocation at a PMD swap-in fails
// (fault_injection.thp_swapin_alloc = 1). do_huge_pmd_swap_page() splits the swap PMD into 512
// swap PTEs (thp_split_pmd) and the faults go through do_swap_page() with order-0 folios (mTHP
// orders are off). zram is synchronous (SWP_SYNCHRONOUS_IO): the folio left the swap cache at
// swap-out, so every 4 KB read is a major fault. Baselines are not affected (they never try a
// PMD-order swap-in). Series variants count 'F6-swapin-alloc-failed' once.
export default defineScenario({
  title: 'F6: PMD-order allocation fails at swap-in',
  machine: {
    memory: '1G',
    swap: [{ type: 'zram', size: '1G' }],
    fault_injection: { thp_swapin_alloc: 1 },
  },
  run(k) {
    const t = k.spawn('usemem')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    k.expect(k.meminfo().SwapCached, 'synchronous device: nothing in the swap cache').toBe(0)
    const s0 = k.vmstat()
    t.read(r)
    const s1 = k.vmstat()
    k.snapshot('swapped in')
    const pmd = k.variant.pmdSwap
    k.expect(delta(s0, s1, 'thp_split_pmd'), 'swap-in: thp_split_pmd').toBe(pmd ? 1 : 0)
    k.expect(delta(s0, s1, 'pgfault'), 'swap-in: pgfault (one per 4K page)').toBe(512)
    k.expect(delta(s0, s1, 'pgmajfault'), 'swap-in: pgmajfault').toBe(512)
    k.expect(delta(s0, s1, 'pswpin'), 'swap-in: pswpin').toBe(512)
    k.expect(t.smaps(r).AnonHugePages, 'AnonHugePages after swap-in').toBe(0)
    k.expect(t.smaps(r).Rss, 'Rss').toBe(2048)
  },
})

function delta(before: Vmstat, after: Vmstat, name: keyof Vmstat): number {
  return (after[name] ?? 0) - (before[name] ?? 0)
}
