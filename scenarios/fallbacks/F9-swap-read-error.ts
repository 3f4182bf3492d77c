import { defineScenario, type Vmstat } from 'hugeswap'

// F9 (docs/kernel-facts.md#fallbacks): the PMD-order read fails (fault_injection.swap_read_error =
// 1: the folio is not uptodate). The 2 MB folio is dropped from the swap cache, the swap PMD split
// (thp_split_pmd) and the pages read again one by one on the PTE path (the model applies the read
// error to the PMD-order read only). The failed read already counted 512 pswpin, so the range costs
// 1024. Series variants count 'F9-swap-read-error' once.
export default defineScenario({
  title: 'F9: swap-in read error',
  machine: {
    memory: '1G',
    swap: [{ type: 'zram', size: '1G' }],
    fault_injection: { swap_read_error: 1 },
  },
  run(k) {
    const t = k.spawn('usemem')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    const s0 = k.vmstat()
    t.read(r)
    const s1 = k.vmstat()
    k.snapshot('swapped in')
    const pmd = k.variant.pmdSwap
    k.expect(delta(s0, s1, 'thp_split_pmd'), 'swap-in: thp_split_pmd').toBe(pmd ? 1 : 0)
    k.expect(delta(s0, s1, 'pswpin'), 'swap-in: pswpin').toBe(pmd ? 1024 : 512)
    k.expect(t.smaps(r).AnonHugePages, 'AnonHugePages after swap-in').toBe(0)
    k.expect(t.smaps(r).Rss, 'Rss').toBe(2048)
  },
})

function delta(before: Vmstat, after: Vmstat, name: keyof Vmstat): number {
  return (after[name] ?? 0) - (before[name] ?? 0)
}
