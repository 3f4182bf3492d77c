import { defineScenario, type Kernel, type Vmstat, type VmstatCounter } from 'hugeswap'

// docs/kernel-facts.md#expected-deltas, row "first touch, folio still in swap cache": NVMe
// writeback leaves the 2M folio in the swap cache, so one fault maps it without I/O: with 512 PTEs
// in the baseline (still PTE-mapped), with one PMD in the series.
export default defineScenario({
  title: 'Expected deltas: first touch with the folio still in the swap cache',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const t = k.spawn('usemem')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    k.expect(k.meminfo().SwapCached, 'folio still in the swap cache').toBe(2048)
    k.snapshot('swapped out, cached')
    const before = k.vmstat()
    t.read(r)
    k.snapshot('touched')
    const after = k.vmstat()
    expectDeltas(k, 'touch', before, after, { pgfault: 1, pgmajfault: 0, pswpin: 0, swap_ra: 0 })
    k.expect(t.smaps(r).Rss, 'whole folio mapped').toBe(2048)
    k.expect(t.smaps(r).AnonHugePages, 'AnonHugePages').toBe(k.variant.pmdSwap ? 2048 : 0)
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
