import { defineScenario, type Kernel, type Vmstat, type VmstatCounter } from 'hugeswap'

// docs/kernel-facts.md#expected-deltas, row "reclaim, no contiguous cluster" (F2): every swap
// cluster holds a long-lived 4 KB slot (machine.swap[0].fragmentation = 1), so folio_alloc_swap()
// cannot get 512 contiguous slots: the folio is split (thp_swpout_fallback, thp_split_page; its PMD
// mapping is split with it) and swapped out as 512 order-0 pages. Identical in all four variants:
// the fallback happens before the PMD decision.
export default defineScenario({
  title: 'Expected deltas: reclaim with no contiguous cluster',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G', fragmentation: 1 }] },
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
