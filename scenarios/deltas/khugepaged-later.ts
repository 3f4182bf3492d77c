import { defineScenario, type Kernel, type Vmstat, type VmstatCounter } from 'hugeswap'

// docs/kernel-facts.md#expected-deltas, row "khugepaged later": after the swapped THP was touched
// back (from the device, folio gone from the swap cache), baseline holds 512 PTEs and no swap PTEs
// (<= max_ptes_swap), so khugepaged collapses it (thp_collapse_alloc); the series already has its
// PMD: nothing to do.
export default defineScenario({
  title: 'Expected deltas: khugepaged after swap-in',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const t = k.spawn('usemem')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    k.reclaim('2M')
    t.read(r)
    k.snapshot('swapped in')
    const before = k.vmstat()
    k.khugepaged(2)
    k.snapshot('after khugepaged')
    const after = k.vmstat()
    expectDeltas(k, 'khugepaged', before, after, {
      thp_collapse_alloc: k.variant.pmdSwap ? 0 : 1,
      thp_collapse_alloc_failed: 0,
      thp_scan_exceed_swap_pte: 0,
    })
    k.expect(t.smaps(r).AnonHugePages, 'PMD-mapped after khugepaged').toBe(2048)
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
