/**
 * Phases (result.ts Phase): per-phase fault counts, time and per-type latency, from snapshots by
 * default or from k.phase() names; every fault lands in exactly one phase and the phases add up
 * to the run's totals.
 */
import { describe, expect, it } from 'vitest'
import { createSimulator, normalizeMachine } from '../../src/sim'
import type { Phase, VariantName } from '../../src/shared/result'

const M2 = 2 * 1024 * 1024

function sim(variant: VariantName) {
  const s = createSimulator({
    variant,
    seed: 1,
    machine: normalizeMachine({ memory: '256M', swap: [{ type: 'zram', size: '256M' }] }),
  })
  const pid = s.spawn('t')
  const addr = s.mmap(pid, 2 * M2, 'hugepage')
  return { s, pid, addr }
}

const sum = (phases: Phase[], pick: (p: Phase) => number) => phases.reduce((n, p) => n + pick(p), 0)

describe('phases', () => {
  it('without k.phase(): one phase per stretch between snapshots, adding up to the totals', () => {
    const { s, pid, addr } = sim('baseline')
    s.touch(pid, addr, 2 * M2, { write: true })
    s.snapshot('written')
    s.madvise(pid, addr, 2 * M2, 'pageout')
    s.snapshot('paged out')
    s.touch(pid, addr, 2 * M2, { write: false })
    const r = s.finish()
    const phases = r.phases!
    expect(phases.map((p) => p.name)).toEqual([
      'start -> written',
      'written -> paged out',
      'paged out -> end',
    ])
    expect(Object.keys(phases[0].faults.byType)).toEqual(['anon-thp'])
    expect(phases[1].faults.count).toBe(0)
    expect(Object.keys(phases[2].faults.byType)).toContain('swapin-io')
    expect(phases[2].faults.byType['anon-thp']).toBeUndefined()
    expect(sum(phases, (p) => p.faults.count)).toBe(r.faults.count)
    for (const [type, t] of Object.entries(r.faults.byType)) {
      expect(sum(phases, (p) => p.faults.byType[type]?.count ?? 0)).toBe(t.count)
      expect(sum(phases, (p) => p.faults.byType[type]?.totalNs ?? 0)).toBe(t.totalNs)
    }
    expect(phases[2].startNs).toBe(r.snapshots[1].timeNs)
    expect(phases[2].endNs).toBe(r.endTimeNs)
  })

  it('with k.phase(): only the named phases, across snapshots; k.phase(null) ends one', () => {
    const { s, pid, addr } = sim('pmd-swap')
    s.touch(pid, addr, 2 * M2, { write: true })
    s.madvise(pid, addr, 2 * M2, 'pageout')
    s.phase('read back')
    s.touch(pid, addr, M2, { write: false })
    s.snapshot('half')
    s.touch(pid, addr + M2, M2, { write: false })
    s.phase(null)
    s.touch(pid, addr, 2 * M2, { write: true })
    s.phase('read back') // the same name again is a phase of its own
    const r = s.finish()
    expect(r.phases!.map((p) => [p.name, p.faults.count])).toEqual([
      ['read back', 2],
      ['read back', 0],
    ])
    const t = r.phases![0].faults.byType['pmd-swapin-io']
    expect(t.count).toBe(2)
    expect(t.latencyNs.p50).toBe(t.latencyNs.p99)
    expect(t.totalNs).toBe(2 * t.latencyNs.p50)
  })
})
