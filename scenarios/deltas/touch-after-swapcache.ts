import { defineScenario, type Kernel, type Vmstat, type VmstatCounter } from 'hugeswap'

// docs/kernel-facts.md#expected-deltas, row "touching all 2 MB after the folio left the swap cache,
// async device": baseline faults page by page with readahead (window <= 8 pages with page-cluster
// 3, so at least 64 major faults; the other pages are readahead hits) and stays PTE-mapped; the
// series reads all 512 pages in one major fault and maps a PMD.
export default defineScenario({
  title: 'Expected deltas: touch all 2M after the folio left the swap cache (NVMe)',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const t = k.spawn('usemem')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    k.reclaim('2M')
    k.expect(k.meminfo().SwapCached, 'folio left the swap cache').toBe(0)
    k.snapshot('swapped out, not cached')
    const before = k.vmstat()
    t.read(r)
    k.snapshot('touched')
    const after = k.vmstat()
    if (k.variant.pmdSwap) {
      expectDeltas(k, 'touch', before, after, {
        pgfault: 1,
        pgmajfault: 1,
        pswpin: 512,
        swap_ra: 0,
        swap_ra_hit: 0,
      })
    } else {
      expectDeltas(k, 'touch', before, after, { pgfault: 512, pswpin: 512 })
      const major = after.pgmajfault - before.pgmajfault
      const ra = after.swap_ra - before.swap_ra
      k.expect(major, 'touch: pgmajfault (>= 512 / 8)').toBeGreaterThanOrEqual(64)
      k.expect(major, 'touch: pgmajfault (about 64)').toBeLessThanOrEqual(80)
      k.expect(major + ra, 'touch: every page read by a fault or by readahead').toBe(512)
      k.expect(after.swap_ra_hit - before.swap_ra_hit, 'touch: every readahead page hit').toBe(ra)
    }
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
