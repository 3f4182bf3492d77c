import { defineScenario, type Vmstat } from 'hugeswap'

// F8 (docs/kernel-facts.md#fallbacks): between the swap-cache lookup and the folio lock of a PMD
// swap-in another thread swapped the range in and freed the slots (fault_injection.swapin_race = 1;
// the model injects it on a fault's first attempt). The fault returns and is retried; the retry
// swaps the whole PMD in. Nothing is split and nothing counted in /proc/vmstat (one pgfault for the
// whole fault): series variants count 'F8-swapin-race' once; baselines never reach the PMD path.
export default defineScenario({
  title: 'F8: racing swap-in, fault retried',
  machine: {
    memory: '1G',
    swap: [{ type: 'zram', size: '1G' }],
    fault_injection: { swapin_race: 1 },
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
    k.expect(delta(s0, s1, 'thp_split_pmd'), 'swap-in: thp_split_pmd').toBe(0)
    k.expect(delta(s0, s1, 'pgfault'), 'swap-in: pgfault').toBe(pmd ? 1 : 512)
    k.expect(delta(s0, s1, 'pswpin'), 'swap-in: pswpin').toBe(512)
    k.expect(t.smaps(r).AnonHugePages, 'AnonHugePages after swap-in').toBe(pmd ? 2048 : 0)
  },
})

function delta(before: Vmstat, after: Vmstat, name: keyof Vmstat): number {
  return (after[name] ?? 0) - (before[name] ?? 0)
}
