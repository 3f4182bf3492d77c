/**
 * The scenario as `hugeswap real` runs it twice, once in the model and once on a kernel: the
 * steps both sides take, the tasks and address extents they observe, and what the model showed
 * after each step. The kernel side (trace-c.ts) replays the same steps at the same addresses
 * (the model's, moved into an arena) and observes the same things.
 *
 * Both sides let the step's I/O finish before they look (the kernel waits for nr_writeback to
 * reach 0, the model runs its clock to the end of the writeback in flight): what a step leaves
 * in the swap cache then does not hang on how fast a disk is compared with the model's.
 *
 * Observed after every step that changes state: all of /proc/vmstat; per live task, status
 * (VmPTE, VmSwap, RssAnon) and the smaps of every extent (Rss, AnonHugePages, Swap, summed over
 * the task's VMAs inside it); the step's own time. Queries (smaps, status, pagemap, mincore,
 * vmstat, meminfo) change nothing and are not replayed.
 */
import type { RunRequest } from '../../shared/worker-protocol'
import type { ResultJson, ScenarioError } from '../../shared/result'
import type { MachineSpec } from '../../sim/api'
import type { AuditableSimulator } from '../../sim/index'
import type { SimVerb } from '../../scenario/verbs'
import { formatBytes } from '../export-selftest/c-text'
import { recordScenario, type TraceStep } from '../export-selftest/record'

/**
 * How each simulator verb is traced: `query` only reads (or, k.phase, only marks the timeline):
 * not replayed, not observed; `kernel` is made by the kernel rather than by one task (the acting
 * task is -1); `task` is one task's call. A Record over SimVerb (src/scenario/verbs.ts): a new
 * verb does not compile until it is placed here, and in trace-c.ts's REPLAYS.
 */
const TRACE_KIND: Record<SimVerb, 'query' | 'kernel' | 'task'> = {
  spawn: 'kernel',
  reclaim: 'kernel',
  cgroupCreate: 'kernel',
  sleep: 'kernel',
  khugepaged: 'kernel',
  swapoff: 'kernel',
  swapon: 'kernel',
  zswap: 'kernel',
  splitFolio: 'kernel',
  vmstat: 'query',
  meminfo: 'query',
  snapshot: 'kernel',
  phase: 'query',
  cgroupSetMax: 'kernel',
  cgroupReclaim: 'kernel',
  cgroupStat: 'query',
  mmap: 'task',
  touch: 'task',
  madvise: 'task',
  mprotect: 'task',
  munmap: 'task',
  mremap: 'task',
  fork: 'task',
  exit: 'task',
  smaps: 'query',
  status: 'query',
  pagemap: 'query',
  mincore: 'query',
  clearRefs: 'task',
  uffdRegister: 'task',
  uffdProtect: 'task',
  uffdMove: 'task',
  uffdEvents: 'task',
  pin: 'task',
}

/** The status fields observed per task, kB. */
export const STATUS_FIELDS = ['VmPTE', 'VmSwap', 'RssAnon'] as const
/** The smaps fields observed per extent, kB. */
export const SMAPS_FIELDS = ['Rss', 'AnonHugePages', 'Swap'] as const

export type StatusField = (typeof STATUS_FIELDS)[number]
export type SmapsField = (typeof SMAPS_FIELDS)[number]

export interface TaskObservation {
  status: Record<StatusField, number>
  /** Per extent, in extent order (extents created later are absent from earlier steps). */
  extents: Record<SmapsField, number>[]
  /** Faults the task took since it started (minflt + majflt on a kernel; absent in the model). */
  faults?: number
  majorFaults?: number
}

export interface Observation {
  /** The step's own time: simulated in the model, wall-clock (CLOCK_MONOTONIC) on a kernel. */
  stepNs: number
  vmstat: Record<string, number>
  /** By task index; null once the task has exited (or before it exists). */
  tasks: (TaskObservation | null)[]
}

/** An address range the scenario mapped (mmap, or an mremap destination), model addresses. */
export interface Extent {
  start: number
  end: number
}

export interface Step {
  method: string
  /** The simulator call's arguments and result, model addresses. */
  args: unknown[]
  result: unknown
  /** Acting task index, or -1 for the kernel (spawn, khugepaged, swapoff, ...). */
  task: number
  /** A scenario-shaped description: `t0.madvise(r0 + 0x200000, 2M, 'pageout')`. */
  describe: string
  /** Extents that existed after the step (extents only ever grow). */
  extents: number
  /** Tasks that existed after the step. */
  tasks: number
  /** A touch of a subset or in random order: the pages (indexes into the range) in order. */
  pages?: number[]
  model: Observation
}

export interface Trace {
  machine: MachineSpec
  result: ResultJson
  /** Before the first step. */
  initial: Observation
  steps: Step[]
  extents: Extent[]
  /** comm of each task, by index. */
  comms: string[]
  /** The model pid of each task, by index (step args hold model pids). */
  pids: number[]
}

export interface TraceOptions {
  /**
   * zswap has been enabled on the kernel since boot (its zswap_ever_enabled key stays set): the
   * model starts the same way, which rules out mTHP swap-in and, in the series, PMD swap entries.
   */
  zswapEverEnabled?: boolean
}

/** Runs the scenario in the model on one variant and records the trace. */
export async function traceModel(
  request: RunRequest,
  options: TraceOptions = {},
): Promise<{ ok: true; trace: Trace } | { ok: false; error: ScenarioError }> {
  const extents: Extent[] = []
  const pids: number[] = []
  const comms: string[] = []
  const steps: Step[] = []
  let initial: Observation | undefined
  let lastNs = 0

  const observe = (sim: AuditableSimulator): Observation => {
    const ranges = extents.map((e) => [e.start, e.end] as const)
    const stepNs = sim.nowNs() - lastNs
    sim.settleIo()
    const obs: Observation = {
      stepNs,
      vmstat: sim.vmstat(),
      tasks: pids.map((pid) => {
        const seen = sim.inspect(pid, ranges)
        if (!seen) return null
        return {
          status: pick(seen.status, STATUS_FIELDS),
          extents: seen.smaps.map((s) => pick(s, SMAPS_FIELDS)),
        }
      }),
    }
    lastNs = sim.nowNs()
    return obs
  }

  const onStep = (sim: AuditableSimulator, step: TraceStep | null): void => {
    if (!step) {
      if (options.zswapEverEnabled) sim.markZswapEverEnabled()
      initial = observe(sim)
      return
    }
    const kind = TRACE_KIND[step.method]
    if (kind === 'query') return
    const task = kind === 'kernel' ? -1 : pids.indexOf(step.args[0] as number)
    const describe = describeStep(step, task, pids, extents)
    if (step.method === 'spawn' || step.method === 'fork') {
      pids.push(step.result as number)
      comms.push(step.method === 'spawn' ? String(step.args[0]) : (comms[task] ?? 'task'))
    }
    if (step.method === 'mmap' || step.method === 'mremap') {
      const start = step.result as number
      const length = step.method === 'mmap' ? (step.args[1] as number) : (step.args[2] as number)
      // Extents stay disjoint: an mremap onto a mapping the scenario made (MREMAP_FIXED over
      // it) lands in that mapping's extent.
      const inside = extents.some((e) => start >= e.start && start + length <= e.end)
      if (start && !inside) extents.push({ start, end: start + length })
    }
    const pages = step.method === 'touch' ? sim.lastTouchPages() : null
    steps.push({
      method: step.method,
      args: step.args,
      result: step.result,
      task,
      describe,
      extents: extents.length,
      tasks: pids.length,
      ...(pages ? { pages: Array.from(pages) } : {}),
      model: observe(sim),
    })
  }

  const recorded = await recordScenario(request, onStep)
  if (!recorded.ok) return recorded
  return {
    ok: true,
    trace: {
      machine: recorded.recording.machine,
      result: recorded.recording.result,
      initial: initial!,
      steps,
      extents,
      comms,
      pids,
    },
  }
}

function pick<K extends string>(
  from: Record<string, number>,
  keys: readonly K[],
): Record<K, number> {
  const out = {} as Record<K, number>
  for (const key of keys) out[key] = from[key] ?? 0
  return out
}

/** `r1 + 0x200000` for a model address inside extent 1, else the address in hex. */
export function addressName(extents: readonly Extent[], addr: number): string {
  for (let i = extents.length - 1; i >= 0; i--) {
    const e = extents[i]
    if (addr >= e.start && addr < e.end) {
      const off = addr - e.start
      return off === 0 ? `r${i}` : `r${i} + 0x${off.toString(16)}`
    }
  }
  return `0x${addr.toString(16)}`
}

function describeStep(
  step: TraceStep,
  task: number,
  pids: readonly number[],
  extents: readonly Extent[],
): string {
  const [a0, a1, a2, a3] = step.args
  const who = `t${task}`
  const at = (addr: unknown): string => addressName(extents, addr as number)
  const size = (n: unknown): string => formatBytes(n as number)
  switch (step.method) {
    case 'spawn':
      return `k.spawn(${JSON.stringify(a0)}) -> t${pids.length}`
    case 'mmap':
      return `${who}.mmap(${size(a1)}${a2 ? `, { advice: '${String(a2)}' }` : ''}) -> r${extents.length}`
    case 'touch': {
      const o = (a3 ?? {}) as { write?: boolean; pages?: number; order?: string }
      const opts =
        o.pages !== undefined || o.order
          ? `, { ${[o.pages !== undefined ? `pages: ${o.pages}` : '', o.order ? `order: '${o.order}'` : ''].filter(Boolean).join(', ')} }`
          : ''
      return `${who}.${o.write ? 'write' : 'read'}(${at(a1)}, ${size(a2)}${opts})`
    }
    case 'madvise':
    case 'mprotect':
      return `${who}.${step.method}(${at(a1)}, ${size(a2)}, '${String(a3)}')`
    case 'munmap':
      return `${who}.munmap(${at(a1)}, ${size(a2)})`
    case 'mremap':
      return `${who}.mremap(${at(a1)}, ${size(a2)}${a3 === undefined ? '' : `, ${at(a3)}`}) -> ${
        extents.some((e) => (step.result as number) >= e.start && (step.result as number) < e.end)
          ? at(step.result)
          : `r${extents.length}`
      }`
    case 'fork':
      return `${who}.fork() -> t${pids.length}`
    case 'exit':
      return `${who}.exit()`
    case 'clearRefs':
      return `${who}.clearRefs(${String(a1)})`
    case 'reclaim':
      return `k.reclaim(${size(a0)})`
    case 'snapshot':
      return `k.snapshot(${JSON.stringify(a0)})`
    case 'splitFolio':
      return `k.splitFolio(${at(a1)})`
    case 'sleep':
    case 'khugepaged':
    case 'swapoff':
    case 'swapon':
    case 'zswap':
      return `k.${step.method}(${a0 === undefined ? '' : JSON.stringify(a0)})`
    default:
      return `${task < 0 ? 'k' : who}.${step.method}(...)`
  }
}
