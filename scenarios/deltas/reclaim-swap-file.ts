import { defineScenario, type Kernel, type Vmstat, type VmstatCounter } from 'hugeswap'

// docs/kernel-facts.md#expected-deltas, row "reclaim, no contiguous cluster" (F2), second trigger:
// a swap *file* on a filesystem (not SWP_BLKDEV) only hands out order-0 slots, so the THP is split
// before swap-out (thp_swpout_fallback, thp_split_page, the PMD mapping split with it) in all four
// variants.
export default defineScenario({
  title: 'Expected deltas: reclaim to a swap file',
  machine: { memory: '1G', swap: [{ type: 'file', size: '1G' }] },
  run(k) {
    const t = k.spawn('usemem')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    k.snapshot('PMD-mapped')
    const before = k.vmstat()
    t.madvise(r, 'pageout')
    k.snapshot('reclaimed')
    const after = k.vmstat()
    expectDeltas(k, 'reclaim', before, after, {
      thp_swpout_fallback: 1,
      thp_split_page: 1,
      thp_split_pmd: 1,
      pswpout: 512,
      thp_swpout: 0,
      thp_swpout_pmd: 0,
    })
    k.expect(t.smaps(r).Swap, 'every page in swap').toBe(2048)
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
