/**
 * Cost that grows with what changes, not with what exists (docs/performance.md): with PMD-level
 * swap entries, a THP written, paged out, dropped from the swap cache, read back, forked, read by
 * the child, zapped and freed never holds per-page state entry by entry: no content-tag,
 * VMA-reference or swap-slot chunk is materialized and no PTE table stores entries beyond what the
 * machine held before (the swap header's cluster). The split
 * path, which really has per-page state, shows it.
 */
import { describe, expect, it } from 'vitest'
import { createSimulator, normalizeMachine } from '../../src/sim'

const M = 1024 * 1024

function roundTrip(variant: 'baseline' | 'pmd-swap' | 'pmd-swap+lazy-deposit', fastPaths = true) {
  const sim = createSimulator({
    variant,
    seed: 1,
    fastPaths,
    machine: normalizeMachine({ memory: '256M', swap: [{ type: 'nvme', size: '256M' }] }),
  })
  const seen: Record<string, number> = {}
  // What the machine holds before any THP work (the swap header's cluster).
  const before = sim.perPageChunks()
  const step = (name: string, fn: () => void) => {
    fn()
    seen[name] = sim.perPageChunks() - before
  }
  const pid = sim.spawn('t')
  const addr = sim.mmap(pid, 64 * M, 'hugepage')
  step('write', () => sim.touch(pid, addr, 64 * M, { write: true }))
  step('pageout', () => sim.madvise(pid, addr, 64 * M, 'pageout'))
  step('drop swap cache', () => {
    sim.sleep(1000)
    sim.reclaim(64 * M)
  })
  step('read back', () => sim.touch(pid, addr, 64 * M, { write: false }))
  let child = -1
  step('fork', () => (child = sim.fork(pid)))
  step('child reads', () => sim.touch(child, addr, 64 * M, { write: false }))
  step('exit', () => {
    sim.exit(child)
    sim.munmap(pid, addr, 64 * M)
  })
  const r = sim.finish()
  return { seen, r }
}

describe('THP-level work holds no per-page state', () => {
  for (const variant of ['pmd-swap', 'pmd-swap+lazy-deposit'] as const) {
    it(`${variant}: no step adds a chunk held entry by entry`, () => {
      const { seen, r } = roundTrip(variant)
      expect(r.vmstat.thp_swpout).toBe(32)
      expect(r.vmstat.pswpin).toBe(64 * 256)
      expect(seen).toEqual(Object.fromEntries(Object.keys(seen).map((k) => [k, 0])))
    })
  }

  it('the split path and the per-page oracle do hold per-page state (the measure sees it)', () => {
    expect(roundTrip('baseline').seen['pageout']).toBeGreaterThan(0)
    expect(roundTrip('pmd-swap', false).seen['write']).toBeGreaterThan(0)
  })
})
