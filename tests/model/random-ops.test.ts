/**
 * Model-based runs: random sequences of operations on several tasks, replayed in all four
 * variants. After every step the whole state must audit clean (swap counts = references, mapcounts
 * = mappings, per-mm counters = tables); every read is checked against the written content inside
 * the model; what tasks read must agree across variants; and after every task exits nothing leaks.
 * Each sequence runs again with fast paths off: the result JSON must be the same, byte for byte
 * (the per-page paths are every fast path's oracle, docs/performance.md).
 *
 * HUGESWAP_FUZZ_RUNS raises the number of sequences (npm run fuzz); a failure prints the seed
 * and path that replay it.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createSimulator, normalizeMachine, type AuditableSimulator } from '../../src/sim'
import { VARIANT_NAMES } from '../../src/shared/result'

const M2 = 2 * 1024 * 1024
const K4 = 4096

type Op =
  | { op: 'mmap'; task: number; pmds: number; huge: boolean }
  | { op: 'write' | 'read'; task: number; map: number; from: number; pages: number }
  | {
      op: 'pageout' | 'dontneed' | 'munmap' | 'cold' | 'free' | 'willneed' | 'split' | 'mincore'
      task: number
      map: number
      from: number
      pages: number
    }
  | { op: 'mprotect'; task: number; map: number; from: number; pages: number; prot: 'r' | 'rw' }
  | { op: 'pin'; task: number; map: number; from: number; pages: number; on: boolean }
  | { op: 'fork'; task: number }
  | { op: 'exit'; task: number }
  | { op: 'reclaim'; pages: number }
  | { op: 'clear_refs'; task: number }
  | { op: 'mremap'; task: number; map: number; shiftPages: number }
  | { op: 'zswap'; on: boolean }
  | { op: 'swapcycle' }
  | { op: 'hog'; mb: number; limitMb: number }

const range = { map: fc.nat(7), from: fc.nat(1023), pages: fc.integer({ min: 1, max: 1024 }) }
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('mmap' as const),
      task: fc.nat(3),
      pmds: fc.integer({ min: 1, max: 3 }),
      huge: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant('write' as const), task: fc.nat(3), ...range }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('read' as const), task: fc.nat(3), ...range }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constantFrom(
        'pageout' as const,
        'dontneed' as const,
        'munmap' as const,
        'cold' as const,
        'free' as const,
        'willneed' as const,
        'split' as const,
        'mincore' as const,
      ),
      task: fc.nat(3),
      ...range,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('mprotect' as const),
      task: fc.nat(3),
      ...range,
      prot: fc.constantFrom('r' as const, 'rw' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constantFrom('fork' as const, 'exit' as const),
      task: fc.nat(3),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('clear_refs' as const), task: fc.nat(3) }) },
  {
    // Long-term pins across fork, reclaim and swapoff (issue 12 A5).
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('pin' as const),
      task: fc.nat(3),
      ...range,
      on: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('mremap' as const),
      task: fc.nat(3),
      map: fc.nat(7),
      // 0: a PMD-aligned destination (whole PMDs move); else shifted by that many pages.
      shiftPages: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 511 })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('zswap' as const), on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('swapcycle' as const) }) },
  {
    // Pressure from a second process: a new task writes 4 KB pages, waking kswapd and direct
    // reclaim against everything the others hold (issue 12 D).
    weight: 1,
    // limitMb > 0: the hog runs in a memory cgroup with that memory.max (its own reclaim, its
    // own OOM killer).
    arbitrary: fc.record({
      op: fc.constant('hog' as const),
      mb: fc.integer({ min: 4, max: 48 }),
      limitMb: fc.oneof(fc.constant(0), fc.integer({ min: 2, max: 32 })),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('reclaim' as const),
      pages: fc.integer({ min: 1, max: 2048 }),
    }),
  },
)

interface Mapping {
  start: number
  length: number
  writable: boolean
  /** Ranges this task pinned here, unpinned before the mapping or the task goes. */
  pins: [number, number][]
}

/** A driver unpins before the memory goes: the mapping's pins, newest first. */
function unpinAll(sim: AuditableSimulator, pid: number, m: Mapping): void {
  for (const [addr, length] of m.pins.reverse()) sim.pin(pid, addr, length, false)
  m.pins = []
}

/** Replays ops on one variant; returns a transcript of what every read and /proc read saw. */
function replay(
  variant: (typeof VARIANT_NAMES)[number],
  ops: Op[],
  swap: 'nvme' | 'zram',
  fastPaths = true,
): { log: string[]; result: string } {
  const sim: AuditableSimulator = createSimulator({
    variant,
    fastPaths,
    seed: 7,
    // zram runs also enable 16 kB and 64 kB mTHPs (and synchronous large-folio swap-in).
    machine: normalizeMachine({
      memory: swap === 'zram' ? '32M' : '64M',
      swap: [{ type: swap, size: '64M' }],
      thp: swap === 'zram' ? { hugepages: { '16kB': 'always', '64kB': 'always' } } : {},
    }),
  })
  const log: string[] = []
  const tasks: { pid: number; maps: Mapping[] }[] = [{ pid: sim.spawn('t0'), maps: [] }]
  let nextRemap = 0
  let nextCgroup = 0
  for (const o of ops) {
    if (o.op === 'reclaim') {
      sim.reclaim(o.pages * K4)
      sim.audit()
      continue
    }
    if (o.op === 'swapcycle') {
      try {
        sim.swapoff(0)
        sim.audit()
      } catch (e) {
        // Not enough memory to bring everything back: swapoff fails and the device stays on.
        if (!/ENOMEM/.test(String(e))) throw e
      }
      if (sim.meminfo().SwapTotal === 0) sim.swapon(0)
      sim.audit()
      continue
    }
    if (o.op === 'zswap') {
      sim.zswap(o.on)
      continue
    }
    if (o.op === 'hog') {
      if (tasks.length >= 4) continue
      const cg = o.limitMb ? sim.cgroupCreate(`hog${nextCgroup++}`, o.limitMb * 1024 * 1024) : 0
      const pid = sim.spawn('hog', cg)
      const length = o.mb * 1024 * 1024
      const start = sim.mmap(pid, length, 'nohugepage')
      sim.touch(pid, start, length, { write: true })
      tasks.push({ pid, maps: [{ start, length, writable: true, pins: [] }] })
      sim.audit()
      continue
    }
    const t = tasks[o.task % tasks.length]
    if (o.op === 'clear_refs') {
      sim.clearRefs(t.pid, 4)
      sim.audit()
      continue
    }
    if (o.op === 'mremap') {
      if (!t.maps.length) continue
      const m = t.maps[o.map % t.maps.length]
      // A fresh area far above every mapping (128 MB apart: a hog maps up to 48 MB), shifted to
      // test unaligned moves.
      const dst = 0x7e0000000000 + nextRemap++ * 64 * M2 + o.shiftPages * K4
      unpinAll(sim, t.pid, m)
      m.start = sim.mremap(t.pid, m.start, m.length, dst)
      sim.audit()
      continue
    }
    if (o.op === 'mmap') {
      const length = o.pmds * M2
      const start = sim.mmap(t.pid, length, o.huge ? 'hugepage' : 'nohugepage')
      t.maps.push({ start, length, writable: true, pins: [] })
    } else if (o.op === 'fork') {
      // fork() of a task the OOM killer took (under a hog's pressure) does nothing.
      const pid = tasks.length < 4 ? sim.fork(t.pid) : 0
      if (pid) tasks.push({ pid, maps: t.maps.map((m) => ({ ...m, pins: [] })) })
    } else if (o.op === 'exit') {
      if (tasks.length > 1) {
        for (const m of t.maps) unpinAll(sim, t.pid, m)
        sim.exit(t.pid)
        tasks.splice(tasks.indexOf(t), 1)
      }
    } else {
      if (!t.maps.length) continue
      const m = t.maps[o.map % t.maps.length]
      const nr = m.length / K4
      const from = o.from % nr
      const pages = Math.min(o.pages, nr - from)
      const addr = m.start + from * K4
      const length = pages * K4
      switch (o.op) {
        case 'write':
          if (!m.writable) continue
          sim.touch(t.pid, addr, length, { write: true })
          break
        case 'read':
          sim.touch(t.pid, addr, length, { write: false })
          log.push(`read ${t.pid} ${addr} ${pages}`)
          break
        case 'dontneed':
        case 'free':
          // The model's pin lasts while the page is mapped: a driver unpins before it drops it.
          unpinAll(sim, t.pid, m)
          sim.madvise(t.pid, addr, length, o.op)
          break
        case 'pageout':
        case 'cold':
        case 'willneed':
          sim.madvise(t.pid, addr, length, o.op)
          break
        case 'split':
          sim.splitFolio(t.pid, addr)
          break
        case 'mincore':
          // Residency differs between variants by design (a PMD swap-in reads 2 MB), so only
          // its length is compared.
          log.push(`mincore ${t.pid} ${sim.mincore(t.pid, addr, length).length}`)
          break
        case 'munmap':
          unpinAll(sim, t.pid, m)
          sim.munmap(t.pid, addr, length)
          // Keep the bookkeeping simple: forget the whole mapping in this task.
          t.maps.splice(t.maps.indexOf(m), 1)
          if (from > 0) sim.munmap(t.pid, m.start, from * K4)
          if (from + pages < nr) sim.munmap(t.pid, addr + length, m.length - (from + pages) * K4)
          break
        case 'pin':
          // GUP writes the pages in first: only a writable mapping can be pinned this way.
          if (o.on && m.writable) {
            sim.pin(t.pid, addr, length, true)
            m.pins.push([addr, length])
          } else if (!o.on && m.pins.length) {
            const [a, l] = m.pins.pop()!
            sim.pin(t.pid, a, l, false)
          }
          break
        case 'mprotect':
          sim.mprotect(t.pid, m.start, m.length, o.prot)
          m.writable = o.prot === 'rw'
          break
      }
    }
    sim.audit()
  }
  for (const t of tasks) {
    for (const m of t.maps) unpinAll(sim, t.pid, m)
    for (const m of t.maps)
      log.push(`swap ${t.pid} ${JSON.stringify(sim.smaps(t.pid, m.start, m.length).Swap >= 0)}`)
    sim.exit(t.pid)
    sim.audit()
  }
  sim.reclaim(1024 * M2)
  sim.audit()
  const mi = sim.meminfo()
  expect(mi.SwapFree, `${variant}: swap slots leaked`).toBe(mi.SwapTotal)
  expect(mi.PageTables, `${variant}: page tables leaked`).toBe(0)
  expect(mi.MemFree, `${variant}: memory leaked`).toBe(mi.MemTotal)
  expect(mi.SwapCached).toBe(0)
  return { log, result: JSON.stringify(sim.finish()) }
}

const runs = Number(process.env.HUGESWAP_FUZZ_RUNS ?? 1000)
// CI replays a fixed seed; `npm run fuzz` explores a fresh one each time (printed on failure).
const seed =
  process.env.HUGESWAP_FUZZ_SEED === 'random'
    ? Date.now() % 2 ** 31
    : Number(process.env.HUGESWAP_FUZZ_SEED ?? 20261126)

describe('random operation sequences in every variant', () => {
  for (const swap of ['nvme', 'zram'] as const) {
    it(`audits clean, reads agree, nothing leaks (${swap})`, { timeout: 10 * 60_000 }, () => {
      fc.assert(
        fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), (ops) => {
          const runs = VARIANT_NAMES.map((v) => replay(v, ops, swap))
          for (const r of runs) expect(r.log).toEqual(runs[0].log)
          // Every fast path against the per-page path it stands for (docs/performance.md).
          VARIANT_NAMES.forEach((v, i) => {
            expect(replay(v, ops, swap, false).result, `${v}: fast paths differ`).toBe(
              runs[i].result,
            )
          })
        }),
        { numRuns: runs, seed },
      )
    })
  }
})
