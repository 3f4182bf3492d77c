import { defineScenario, type Vmstat } from 'hugeswap'

// F15 (docs/kernel-facts.md#fallbacks): swapoff's unuse_pmd() tries to read the whole 2 MB back and
// map a PMD; the PMD-order allocation fails (fault_injection.thp_swapin_alloc = 1, F6), so it
// splits the swap PMD (thp_split_pmd) and unuse_pte_range() brings the pages back one by one.
// Series variants count 'F6-swapin-alloc-failed' and 'F15-swapoff-split' once each.
export default defineScenario({
  title: 'F15: swapoff cannot bring a swap PMD back whole',
  machine: {
    memory: '1G',
    swap: [{ type: 'nvme', size: '1G' }],
    fault_injection: { thp_swapin_alloc: 1 },
  },
  run(k) {
    const t = k.spawn('usemem')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    k.reclaim('2M')
    k.expect(k.meminfo().SwapCached, 'swap cache dropped').toBe(0)
    const s0 = k.vmstat()
    k.swapoff(0)
    const s1 = k.vmstat()
    k.snapshot('swapoff')
    const pmd = k.variant.pmdSwap
    k.expect(delta(s0, s1, 'thp_split_pmd'), 'swapoff: thp_split_pmd').toBe(pmd ? 1 : 0)
    k.expect(delta(s0, s1, 'pswpin'), 'swapoff: pswpin').toBe(512)
    k.expect(t.status().VmSwap, 'nothing left in swap').toBe(0)
    k.expect(t.smaps(r).AnonHugePages, 'AnonHugePages after swapoff').toBe(0)
    k.expect(t.smaps(r).Rss, 'Rss').toBe(2048)
    t.read(r)
    k.swapon(0)
  },
})

function delta(before: Vmstat, after: Vmstat, name: keyof Vmstat): number {
  return (after[name] ?? 0) - (before[name] ?? 0)
}
