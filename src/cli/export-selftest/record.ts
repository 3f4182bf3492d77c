/**
 * The recorder of `hugeswap export-selftest` (and of `hugeswap real`'s model trace): the scenario
 * runs once through the scenario pipeline on the real simulator wrapped in a Proxy. The pipeline
 * hands the factory the resolved machine (defaults filled in); the Proxy logs every call of a
 * scenario verb (SIM_VERBS: spawn, mmap, touch, madvise, ...) with its arguments and result, and
 * after the swap-relevant ones probes the simulated state (vmstat deltas, pagemap, smaps) for the
 * translator to turn into expectations. The probes only read the model, but they are walks and
 * count as such in that run's statistics, which is why this run's result is not shown anywhere.
 */
import { runScenarioWith } from '../../scenario/runner'
import { SIM_VERBS, type SimVerb } from '../../scenario/verbs'
import type { ResultJson, ScenarioError } from '../../shared/result'
import type { RunRequest } from '../../shared/worker-protocol'
import type { MachineSpec, PagemapEntry, Simulator, SimulatorOptions } from '../../sim/api'
import { createSimulator, type AuditableSimulator } from '../../sim/index'
import type { VmEvent } from '../../sim/include/vmstat'

/** Ranges up to this size get pagemap/smaps probes after swap-relevant steps. */
const PROBE_MAX_BYTES = 64 << 20
const PROBED_COUNTERS: readonly VmEvent[] = [
  'thp_swpout',
  'thp_swpout_pmd',
  'thp_swpout_fallback',
  'thp_split_pmd',
]

/** What the simulation showed right after a step. */
export interface Probe {
  vmstatDelta: Record<string, number>
  /** Pages of the step's range that are swap entries, and the range's pages. */
  swapped?: number
  pages?: number
  /** smaps AnonHugePages of the range, kB. */
  anonHugeKb?: number
}

export interface TraceStep {
  /** The Simulator method called: a scenario verb's (every one of SIM_VERBS is recorded). */
  method: SimVerb
  args: unknown[]
  result: unknown
  probe?: Probe
  /** What `recordScenario`'s observer saw right after the step (hugeswap real). */
  observation?: unknown
}

/**
 * Called with the simulator once before the scenario's first call (step null), then after each
 * recorded step; what it does with the simulator is not recorded.
 */
export type StepObserver = (sim: AuditableSimulator, step: TraceStep | null) => void

export interface Recording {
  machine: MachineSpec
  steps: TraceStep[]
  result: ResultJson
}

/** Every scenario verb's Simulator method: a call of any other method is not a step. */
const RECORDED: ReadonlySet<string> = new Set<string>(SIM_VERBS)
/** Steps after which the state of their range is probed. */
const PROBED: ReadonlySet<SimVerb> = new Set<SimVerb>([
  'touch',
  'madvise',
  'mprotect',
  'mremap',
  'reclaim',
])

function isRecorded(prop: string | symbol): prop is SimVerb {
  return typeof prop === 'string' && RECORDED.has(prop)
}

function recorder(sim: AuditableSimulator, steps: TraceStep[], observe?: StepObserver): Simulator {
  return new Proxy(sim, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown
      if (typeof value !== 'function' || !isRecorded(prop)) {
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value
      }
      return (...args: unknown[]) => {
        // The probes are operations (they cost simulated time); with an observer, which reads
        // without running one, the model's timeline stays the scenario's own.
        const before = !observe && PROBED.has(prop) ? target.vmstat() : undefined
        const result = (value as (...a: unknown[]) => unknown).apply(target, args)
        const step: TraceStep = { method: prop, args: structuredClone(args), result }
        if (before) step.probe = probe(target, prop, args, result, before)
        steps.push(step)
        observe?.(target, step)
        return result
      }
    },
  })
}

function probe(
  sim: Simulator,
  method: SimVerb,
  args: unknown[],
  result: unknown,
  before: Record<string, number>,
): Probe {
  const after = sim.vmstat()
  const vmstatDelta: Record<string, number> = {}
  for (const name of PROBED_COUNTERS) {
    const d = (after[name] ?? 0) - (before[name] ?? 0)
    if (d !== 0 || name in after) vmstatDelta[name] = d
  }
  const out: Probe = { vmstatDelta }
  if (method === 'reclaim') return out
  const pid = args[0] as number
  const addr = method === 'mremap' ? (result as number) : (args[1] as number)
  const len = args[2] as number
  if (len > PROBE_MAX_BYTES || (method === 'madvise' && args[3] !== 'pageout')) return out
  try {
    const map: PagemapEntry[] = sim.pagemap(pid, addr, len)
    out.pages = map.length
    out.swapped = map.filter((e) => e.swapped).length
    out.anonHugeKb = sim.smaps(pid, addr, len).AnonHugePages ?? 0
  } catch {
    // An exited task or an unmapped range: nothing to probe.
  }
  return out
}

/** Runs the scenario once on `variant`, recording the simulator calls. */
export async function recordScenario(
  request: RunRequest,
  observe?: StepObserver,
): Promise<{ ok: true; recording: Recording } | { ok: false; error: ScenarioError }> {
  let machine: MachineSpec | undefined
  const steps: TraceStep[] = []
  const outcome = await runScenarioWith((opts: SimulatorOptions) => {
    machine = opts.machine
    const sim = createSimulator(opts)
    observe?.(sim, null)
    return recorder(sim, steps, observe)
  }, request)
  if (!outcome.ok) return { ok: false, error: outcome.error }
  return { ok: true, recording: { machine: machine!, steps, result: outcome.result } }
}
