/**
 * The cost model on the one-THP paths (issue 4 acceptance): what each fault type is made of, the
 * PMD swap-in as one 2 MB read and one install, the split path costing more in total, profiles
 * and overrides, device queueing, and determinism.
 */
import { describe, expect, it } from 'vitest'
import { createSimulator, normalizeMachine, type MachineInput } from '../../src/sim'
import type { VariantName } from '../../src/shared/result'

const M2 = 2 * 1024 * 1024

function swapInFromDevice(variant: VariantName, machine: MachineInput = {}) {
  const sim = createSimulator({
    variant,
    seed: 1,
    machine: normalizeMachine({ memory: '1G', swap: [{ type: 'nvme', size: '1G' }], ...machine }),
  })
  const pid = sim.spawn('t')
  const a = sim.mmap(pid, M2, 'hugepage')
  sim.touch(pid, a, M2, { write: true })
  sim.madvise(pid, a, M2, 'pageout')
  sim.reclaim(M2) // drop the swap cache: the swap-in must read the device
  sim.snapshot('before swap-in')
  sim.touch(pid, a, M2, { write: false })
  sim.snapshot('after swap-in')
  return sim.finish()
}

describe('fault breakdown', () => {
  it('a THP fault is entry + allocation + a 2 MB clear + one install (+ a table with eager deposit)', () => {
    for (const variant of ['baseline', 'lazy-deposit'] as const) {
      const sim = createSimulator({ variant, seed: 1, machine: normalizeMachine({ memory: '1G' }) })
      const pid = sim.spawn('t')
      const a = sim.mmap(pid, M2, 'hugepage')
      sim.touch(pid, a, M2, { write: true })
      const t = sim.finish().faults.byType['anon-thp']
      const cpu = normalizeMachine({}).costs.cpu
      const expected = {
        entry: cpu.faultEntryNs,
        // The THP, the deposited table (baseline), and the mm's first PUD and PMD tables.
        alloc: cpu.pageAllocNs * ((variant === 'baseline' ? 2 : 1) + 2),
        clear: cpu.clear2mNs,
        install: cpu.installEntryNs,
        ...(variant === 'baseline' ? { pgtable: cpu.pteTableAllocNs } : {}),
      }
      expect(t.breakdownNs).toEqual(expected)
      expect(t.latencyNs.max).toBe(Object.values(expected).reduce((x, y) => x + y, 0))
    }
  })

  it('a PMD swap-in from NVMe is one 2 MB read and one install', () => {
    const r = swapInFromDevice('pmd-swap')
    const t = r.faults.byType['pmd-swapin-io']
    expect(t.count).toBe(1)
    const dev = normalizeMachine({}).costs.devices.nvme
    const cpu = normalizeMachine({}).costs.cpu
    expect(t.breakdownNs!.io).toBe(dev.readLatencyNs + 512 * dev.readPerPageNs)
    expect(t.breakdownNs!.install).toBe(cpu.installEntryNs)
    const [before, after] = r.snapshots.slice(-2)
    expect(after.io![0].readPages - before.io![0].readPages).toBe(512)
    expect(after.vmstat.pgmajfault - before.vmstat.pgmajfault).toBe(1)
  })

  it('on NVMe with the swap cache dropped, the split path costs more in total', () => {
    const total = (v: VariantName) => {
      const [before, after] = swapInFromDevice(v).snapshots.slice(-2)
      return after.faults!.totalNs - before.faults!.totalNs
    }
    const split = total('baseline')
    const pmd = total('pmd-swap')
    expect(split).toBeGreaterThan(pmd)
    // Every readahead window pays a device latency; the PMD read pays one.
    expect(split / pmd).toBeGreaterThan(3)
    expect(total('lazy-deposit')).toBeGreaterThan(total('pmd-swap+lazy-deposit'))
  })

  it('the split path: ~64 major faults that wait for the device, the rest minor cache hits', () => {
    const r = swapInFromDevice('baseline')
    const io = r.faults.byType['swapin-io']
    const hit = r.faults.byType['swapin-cache']
    expect(io.count + hit.count).toBe(512)
    expect(io.breakdownNs!.io).toBeGreaterThan(
      normalizeMachine({}).costs.devices.nvme.readLatencyNs,
    )
    expect(hit.breakdownNs!.io ?? 0).toBe(0)
  })
})

describe('profiles, overrides and queues', () => {
  it('machine.costs overrides a figure; a profile changes several', () => {
    const fast = swapInFromDevice('pmd-swap', {
      costs: { devices: { nvme: { readLatencyNs: 10_000 } } },
    })
    expect(fast.faults.byType['pmd-swapin-io'].breakdownNs!.io).toBe(10_000 + 512 * 1_000)
    const server = normalizeMachine({ costs: 'server-zram' })
    expect(server.costs.cpu.clear2mNs).toBeLessThan(normalizeMachine({}).costs.cpu.clear2mNs)
    expect(() => normalizeMachine({ costs: { cpu: { faultEntryNs: -1 } } })).toThrow(/non-negative/)
    expect(() => normalizeMachine({ costs: { cpu: { nope: 1 } as never } })).toThrow(
      /unknown field/,
    )
    expect(() => normalizeMachine({ costs: 'laptop' as never })).toThrow(/profile/)
  })

  it('zram pays its compressor per 4 KB on the CPU: zstd swap-in is slower than lz4', () => {
    const lat = (compressor: 'lz4' | 'zstd') => {
      const sim = createSimulator({
        variant: 'pmd-swap',
        seed: 1,
        machine: normalizeMachine({
          memory: '1G',
          swap: [{ type: 'zram', size: '1G', compressor }],
        }),
      })
      const pid = sim.spawn('t')
      const a = sim.mmap(pid, M2, 'hugepage')
      sim.touch(pid, a, M2, { write: true })
      sim.madvise(pid, a, M2, 'pageout')
      sim.touch(pid, a, M2, { write: false })
      return sim.finish().faults.byType['pmd-swapin-io'].breakdownNs!.compress
    }
    expect(lat('lz4')).toBe(512 * 1_700)
    expect(lat('zstd')).toBe(512 * 5_700)
  })

  it('many THPs written out at once overlap in the NVMe queue instead of queueing latencies', () => {
    const sim = createSimulator({
      variant: 'pmd-swap',
      seed: 1,
      machine: normalizeMachine({ memory: '1G' }),
    })
    const pid = sim.spawn('t')
    const a = sim.mmap(pid, 64 * M2, 'hugepage')
    sim.touch(pid, a, 64 * M2, { write: true })
    sim.snapshot('written')
    sim.madvise(pid, a, 64 * M2, 'pageout')
    sim.reclaim(64 * M2) // waits for writeback
    sim.snapshot('out')
    const [w, o] = sim.finish().snapshots
    const elapsed = o.timeNs - w.timeNs
    const dev = normalizeMachine({}).costs.devices.nvme
    // Bandwidth-bound: ~64 x 512 pages x 1.3 us, not 64 x (30 us latency + 0.67 ms).
    expect(elapsed).toBeLessThan(64 * 512 * dev.writePerPageNs * 1.2)
    expect(elapsed).toBeGreaterThanOrEqual(64 * 512 * dev.writePerPageNs)
  })

  it('is deterministic: same seed, same result, byte for byte', () => {
    const a = JSON.stringify(swapInFromDevice('baseline'))
    const b = JSON.stringify(swapInFromDevice('baseline'))
    expect(a).toBe(b)
  })

  it('walkers report page-table-lock hold time', () => {
    const r = swapInFromDevice('baseline')
    for (const w of Object.values(r.walkers)) {
      expect(w.lockHoldNs).toBe(w.entriesVisited * normalizeMachine({}).costs.cpu.walkEntryNs)
    }
  })
})

describe('TLB flushes of a zap (found by hugeswap calibrate: munmap cost nothing)', () => {
  // mm/mmap.c unmap_region() and mm/madvise.c zap_page_range_single() end in tlb_finish_mmu():
  // one flush of the range when a present entry went; none when only swap entries did; the
  // exiting mm is not flushed by range.
  const setup = () => {
    const sim = createSimulator({
      variant: 'baseline',
      seed: 1,
      machine: normalizeMachine({ memory: '1G', swap: [{ type: 'zram', size: '1G' }] }),
    })
    const pid = sim.spawn('t')
    const a = sim.mmap(pid, 4 * M2, 'nohugepage')
    sim.touch(pid, a, 4 * M2, { write: true })
    return { sim, pid, a, tlb: normalizeMachine({}).costs.cpu.tlbFlushNs }
  }
  const timed = (sim: ReturnType<typeof setup>['sim'], fn: () => void): number => {
    const t0 = sim.nowNs()
    fn()
    return sim.nowNs() - t0
  }

  it('munmap and MADV_DONTNEED of present pages charge one flush; of swapped pages none', () => {
    const { sim, pid, a, tlb } = setup()
    const install = normalizeMachine({}).costs.cpu.installEntryNs
    // One page, then 512 pages: each call is its entries' zap plus exactly one flush.
    expect(timed(sim, () => sim.munmap(pid, a, 4096))).toBe(install + tlb)
    expect(timed(sim, () => sim.madvise(pid, a + M2, M2, 'dontneed'))).toBe(512 * install + tlb)
    sim.madvise(pid, a + 2 * M2, M2, 'pageout')
    sim.settleIo()
    expect(timed(sim, () => sim.munmap(pid, a + 2 * M2, M2))).toBe(512 * install)
  })
})
