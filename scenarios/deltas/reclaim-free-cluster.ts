import { defineScenario, type Kernel, type Vmstat, type VmstatCounter } from 'hugeswap'

// docs/kernel-facts.md#expected-deltas, row "reclaim, contiguous cluster found": one exclusive,
// fully written 2M THP on NVMe, zswap off, paged out. Baseline: the PMD is split into 512 swap PTEs
// (thp_split_pmd); series: one PMD swap entry (thp_swpout_pmd). Both write the folio in one piece
// (thp_swpout).
export default defineScenario({
  title: 'Expected deltas: reclaim with a free cluster',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const t = k.spawn('usemem')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    k.snapshot('PMD-mapped')
    const before = k.vmstat()
    t.madvise(r, 'pageout')
    k.snapshot('reclaimed')
    const after = k.vmstat()
    const pmd = k.variant.pmdSwap
    expectDeltas(k, 'reclaim', before, after, {
      thp_swpout: 1,
      pswpout: 512,
      thp_split_pmd: pmd ? 0 : 1,
      thp_swpout_pmd: pmd ? 1 : 0,
      thp_swpout_fallback: 0,
      thp_split_page: 0,
    })
    k.expect(after.thp_swpout_pmd !== undefined, 'thp_swpout_pmd exists with the series').toBe(pmd)
    k.expect(t.smaps(r).Swap, 'whole THP in swap').toBe(2048)
  },
})

/** Checks how much each named /proc/vmstat event moved between two reads: exactly `expected`. */
function expectDeltas(
  k: Kernel,
  step: string,
  before: Vmstat,
  after: Vmstat,
  expected: Partial<Record<VmstatCounter, number>>,
): void {
  for (const [name, value] of Object.entries(expected) as [VmstatCounter, number][]) {
    k.expect((after[name] ?? 0) - (before[name] ?? 0), `${step}: ${name}`).toBe(value)
  }
}
