/**
 * The kernel's observations beside the model's, step by step, and the verdict.
 *
 * What is judged (must be equal):
 * - /proc/vmstat events both sides have, as deltas over the step. They are global: another
 *   process moves them too, so the host must be quiet (it is, on our machines: nothing else
 *   swaps or makes THPs). pgfault is not read globally: the sum over the scenario's tasks of
 *   minflt + majflt stands for it, except at spawn and fork steps, where the C runtime's own
 *   copy-on-write faults land.
 * - nr_anon_transparent_hugepages and nr_swapcached, as deltas.
 * - Per task: VmSwap; VmPTE and RssAnon as deltas (the C runtime's own page tables and pages
 *   are there from the start), from the step after the task was created.
 * - Per task and extent: smaps Rss, AnonHugePages and Swap.
 * - Whether the step worked (the kernel's errno).
 * Shown, not judged: the step's time (simulated vs wall clock), the other nr_* gauges (the
 * whole machine's), pgactivate (file pages move it too), and counters only one side has.
 */
import type { Comparison, Row, StepReport } from '../../shared/real-report'
import type { Observation, TaskObservation, Trace } from './trace'
import { SMAPS_FIELDS, STATUS_FIELDS } from './trace'

/** The kernel's side of one step, parsed from the C program's output. */
export interface KernelStep {
  task: number
  ns: number
  errno: number
  obs: Observation
  /** khugepaged's voluntary context switches after the step (it sleeps once per pass). */
  khugepagedSwitches?: number
  /** A uffdEvents step: the page-fault events the task's monitor resolved since the last one. */
  uffdEvents?: number
}

export interface KernelRun {
  initial: Observation
  initialKhugepagedSwitches?: number
  steps: KernelStep[]
  /** A step the kernel could not finish (`X` lines). */
  failure?: { step: number; message: string }
  /** VMAs of the arena outside every extent ("task start-end"). */
  strayVmas: string[]
  complete: boolean
}

/** Parses the trace program's stdout (see trace-c.ts for the format). */
export function parseKernelOutput(text: string, trace: Trace): KernelRun {
  const obs = new Map<number, Observation>()
  const ops = new Map<number, { task: number; ns: number; errno: number }>()
  const khugepaged = new Map<number, number>()
  const uffdEvents = new Map<number, number>()
  const strayVmas: string[] = []
  let failure: KernelRun['failure']
  let complete = false
  const at = (step: number): Observation => {
    let o = obs.get(step)
    if (!o) {
      o = { stepNs: 0, vmstat: {}, tasks: [] }
      obs.set(step, o)
    }
    return o
  }
  const taskAt = (o: Observation, task: number): TaskObservation => {
    let t = o.tasks[task]
    if (!t) {
      t = {
        status: { VmPTE: 0, VmSwap: 0, RssAnon: 0 },
        extents: trace.extents.map(() => ({ Rss: 0, AnonHugePages: 0, Swap: 0 })),
        faults: 0,
        majorFaults: 0,
      }
      o.tasks[task] = t
    }
    return t
  }
  for (const line of text.split('\n')) {
    const f = line.split(' ')
    switch (f[0]) {
      case 'O':
        ops.set(Number(f[1]), { task: Number(f[2]), ns: Number(f[3]), errno: Number(f[4]) })
        at(Number(f[1])).stepNs = Number(f[3])
        break
      case 'V':
        at(Number(f[1])).vmstat[f[2]] = Number(f[3])
        break
      case 'K':
        khugepaged.set(Number(f[1]), Number(f[2]))
        break
      case 'U':
        uffdEvents.set(Number(f[1]), Number(f[2]))
        break
      case 'P': {
        const t = taskAt(at(Number(f[1])), Number(f[2]))
        t.status = { VmPTE: Number(f[3]), VmSwap: Number(f[4]), RssAnon: Number(f[5]) }
        t.faults = Number(f[6]) + Number(f[7])
        t.majorFaults = Number(f[7])
        break
      }
      case 'M': {
        const t = taskAt(at(Number(f[1])), Number(f[2]))
        const start = Number(f[3])
        const end = Number(f[4])
        // Every extent that holds the VMA, as the model's smaps() of a range sums it: two tasks'
        // mappings may sit at the same addresses (each mm places its own from the same base).
        let held = false
        for (const [i, e] of trace.extents.entries()) {
          if (start < e.start || end > e.end) continue
          held = true
          t.extents[i].Rss += Number(f[5])
          t.extents[i].AnonHugePages += Number(f[6])
          t.extents[i].Swap += Number(f[7])
        }
        if (!held) strayVmas.push(`t${f[2]} 0x${start.toString(16)}-0x${end.toString(16)}`)
        break
      }
      case 'X':
        failure = { step: Number(f[1]), message: f.slice(2).join(' ') }
        break
      case 'END':
        complete = true
        break
    }
  }
  const steps: KernelStep[] = []
  for (let n = 0; ops.has(n); n++) {
    const op = ops.get(n)!
    const o = at(n)
    // Tasks that exist in the model but printed nothing have exited.
    o.tasks = Array.from(
      { length: trace.steps[n]?.tasks ?? o.tasks.length },
      (_, i) => o.tasks[i] ?? null,
    )
    const switches = khugepaged.get(n)
    const events = uffdEvents.get(n)
    steps.push({
      ...op,
      obs: o,
      ...(switches === undefined ? {} : { khugepagedSwitches: switches }),
      ...(events === undefined ? {} : { uffdEvents: events }),
    })
  }
  return {
    initial: at(-1),
    ...(khugepaged.has(-1) ? { initialKhugepagedSwitches: khugepaged.get(-1)! } : {}),
    steps,
    failure,
    strayVmas,
    complete,
  }
}

export type { Comparison, Row, StepReport } from '../../shared/real-report'

/** gauges judged as deltas; every other nr_* gauge is the whole machine's. */
const JUDGED_GAUGES = new Set(['nr_anon_transparent_hugepages', 'nr_swapcached'])
/**
 * Stood in for by the tasks' own fault counts: every process faults. pgmajfault stays global
 * (only I/O moves it, and khugepaged's swap-in for a collapse counts there but in no task's
 * majflt).
 */
const PER_TASK = new Set(['pgfault'])
/**
 * Events the machine's page cache moves as well: a folio of any file read twice is activated
 * (folio_mark_accessed()), so pgactivate moves at every step on a kernel (by 8 to 345 on 6.18
 * across the host suite) while the model, which has no page cache, counts only anonymous
 * activations.
 */
const FILE_LRU_TOO = new Set(['pgactivate'])

/**
 * The errno the model's step stands for: 0, except UFFDIO_MOVE, whose model returns what the
 * kernel puts in uffdio_move.move (-errno, or a short count, for which the ioctl fails EAGAIN).
 */
function modelErrno(step: Trace['steps'][number]): number {
  if (step.method !== 'uffdMove') return 0
  const moved = step.result as number
  return moved < 0 ? -moved : moved < (step.args[3] as number) ? 11 /* EAGAIN */ : 0
}

/**
 * How to judge. `tolerance` (a fraction): under memory pressure a kernel's reclaim races its own
 * CPUs, I/O completions and the machine's page cache, none of which the model times the same
 * way; counts then agree within that share of the larger side, or within one THP's worth
 * (slackFor()), and the rows that only say who reclaimed when (TIMING) are shown, not judged.
 */
export interface JudgeOptions {
  tolerance?: number
}

/** Which reclaimer got there first, and when writeback finished: timing, under pressure. */
const TIMING = new Set([
  'vmstat.pgscan_kswapd',
  'vmstat.pgscan_direct',
  'vmstat.pgsteal_kswapd',
  'vmstat.pgsteal_direct',
  'vmstat.allocstall_normal',
  'vmstat.allocstall_movable',
  'vmstat.pageoutrun',
  'vmstat.pgrefill',
  'vmstat.pgdeactivate',
  'vmstat.nr_swapcached',
])

/** One THP's worth, in the observable's unit; 0 where only an exact answer means anything. */
function slackFor(observable: string): number {
  if (observable === 'errno' || observable === 'uffd events') return 0
  if (observable.startsWith('vmstat.thp_') || observable === 'vmstat.nr_anon_transparent_hugepages')
    return 1
  if (observable.startsWith('vmstat.') || observable.startsWith('tasks.')) return 512
  return 2048 // per-task and per-extent figures are in kB
}

/** Applies a tolerance to a row judged exactly. */
function judgeWithTolerance(r: Row, tolerance: number): Row {
  if (!r.judged) return r
  if (TIMING.has(r.observable)) {
    return {
      ...r,
      judged: false,
      agree: r.model === r.kernel,
      note: 'who reclaims when: timing, under pressure',
    }
  }
  const slack = slackFor(r.observable)
  const diff = Math.abs(r.model - r.kernel)
  const within =
    diff <= slack ||
    (slack > 0 && diff <= tolerance * Math.max(Math.abs(r.model), Math.abs(r.kernel)))
  return { ...r, agree: within }
}

export function compareRuns(trace: Trace, kernel: KernelRun, judge: JudgeOptions = {}): Comparison {
  const c = compareExactly(trace, kernel)
  if (judge.tolerance === undefined) return c
  const t = judge.tolerance
  const steps = c.steps.map((s) => ({ ...s, rows: s.rows.map((r) => judgeWithTolerance(r, t)) }))
  let judged = 0
  let agreeing = 0
  for (const s of steps) {
    for (const r of s.rows) {
      if (!r.judged) continue
      judged++
      if (r.agree) agreeing++
    }
  }
  return { ...c, steps, judged, agreeing, tolerance: t }
}

function compareExactly(trace: Trace, kernel: KernelRun): Comparison {
  const steps: StepReport[] = []
  let prevModel = trace.initial
  let prevKernel = kernel.initial
  let prevSwitches = kernel.initialKhugepagedSwitches
  const born = new Map<number, number>()
  for (const [n, k] of kernel.steps.entries()) {
    const step = trace.steps[n]
    const m = step.model
    const rows: Row[] = []
    const creates = step.method === 'spawn' || step.method === 'fork'
    if (creates) born.set(step.tasks - 1, n)

    rows.push(row('errno', 'value', modelErrno(step), k.errno, true))
    if (step.method === 'uffdEvents' && k.uffdEvents !== undefined) {
      rows.push(row('uffd events', 'value', (step.result as unknown[]).length, k.uffdEvents, true))
    }

    const mv = m.vmstat
    const pv = prevModel.vmstat
    for (const name of Object.keys(mv)) {
      if (!(name in k.obs.vmstat) || PER_TASK.has(name)) continue
      const gauge = name.startsWith('nr_')
      // A new task's first touch of its C runtime's file pages may read them in.
      const runtime = creates && name === 'pgmajfault'
      const fileLru = FILE_LRU_TOO.has(name)
      const judged = (!gauge || JUDGED_GAUGES.has(name)) && !runtime && !fileLru
      rows.push(
        row(
          `vmstat.${name}`,
          'delta',
          mv[name] - (pv[name] ?? 0),
          k.obs.vmstat[name] - (prevKernel.vmstat[name] ?? 0),
          judged,
          judged
            ? undefined
            : runtime
              ? "the new task's C runtime faults its own pages in"
              : fileLru
                ? "the machine's file pages move it too"
                : 'the whole machine moves it',
        ),
      )
    }
    const sumFaults = (o: Observation, p: Observation, major: boolean): number => {
      let total = 0
      for (const [i, t] of o.tasks.entries()) {
        const before = p.tasks[i]
        if (!t || !before) continue
        total += major
          ? (t.majorFaults ?? 0) - (before.majorFaults ?? 0)
          : (t.faults ?? 0) - (before.faults ?? 0)
      }
      return total
    }
    for (const [name, major] of [['pgfault', false]] as const) {
      if (!(name in m.vmstat)) continue
      rows.push(
        row(
          `tasks.${name}`,
          'delta',
          m.vmstat[name] - (prevModel.vmstat[name] ?? 0),
          sumFaults(k.obs, prevKernel, major),
          !creates,
          creates ? "the C runtime's own copy-on-write faults after fork" : undefined,
        ),
      )
    }

    for (let t = 0; t < step.tasks; t++) {
      const mt = m.tasks[t]
      const kt = k.obs.tasks[t]
      if (!mt && !kt) continue
      if (!mt || !kt) {
        rows.push(row(`t${t}.alive`, 'value', mt ? 1 : 0, kt ? 1 : 0, true))
        continue
      }
      const pm = prevModel.tasks[t]
      const pk = prevKernel.tasks[t]
      const newborn = born.get(t) === n || !pm || !pk
      for (const field of STATUS_FIELDS) {
        if (field === 'VmSwap') {
          rows.push(row(`t${t}.${field}`, 'value', mt.status[field], kt.status[field], true))
          continue
        }
        if (newborn) continue
        rows.push(
          row(
            `t${t}.${field}`,
            'delta',
            mt.status[field] - pm.status[field],
            kt.status[field] - pk.status[field],
            true,
          ),
        )
      }
      for (let e = 0; e < step.extents; e++) {
        for (const field of SMAPS_FIELDS) {
          rows.push(
            row(
              `t${t}.r${e}.${field}`,
              'value',
              mt.extents[e]?.[field] ?? 0,
              kt.extents[e]?.[field] ?? 0,
              true,
            ),
          )
        }
      }
    }
    const notes: string[] = []
    if (
      step.method !== 'khugepaged' &&
      k.khugepagedSwitches !== undefined &&
      prevSwitches !== undefined &&
      k.khugepagedSwitches !== prevSwitches
    ) {
      notes.push("the kernel's khugepaged woke during this step")
    }
    prevSwitches = k.khugepagedSwitches ?? prevSwitches
    steps.push({
      index: n,
      describe: step.describe,
      modelNs: m.stepNs,
      kernelNs: k.ns,
      rows,
      notes,
    })
    prevModel = m
    prevKernel = k.obs
  }
  let observables = 0
  let judged = 0
  let agreeing = 0
  for (const s of steps) {
    for (const r of s.rows) {
      observables++
      if (!r.judged) continue
      judged++
      if (r.agree) agreeing++
    }
  }
  return { steps, observables, judged, agreeing }
}

function row(
  observable: string,
  kind: Row['kind'],
  model: number,
  kernel: number,
  judged: boolean,
  note?: string,
): Row {
  return {
    observable,
    kind,
    model,
    kernel,
    judged,
    agree: model === kernel,
    ...(note ? { note } : {}),
  }
}

/** Rows worth printing: differences, and whatever moved on either side. */
export function interestingRows(s: StepReport): Row[] {
  return s.rows.filter(
    (r) =>
      (r.judged && !r.agree) ||
      (r.kind === 'delta'
        ? r.model !== 0 || r.kernel !== 0
        : r.observable !== 'errno' && (r.model !== 0 || r.kernel !== 0)),
  )
}

const formatNs = (ns: number): string =>
  ns >= 1e9
    ? `${(ns / 1e9).toFixed(2)} s`
    : ns >= 1e6
      ? `${(ns / 1e6).toFixed(2)} ms`
      : ns >= 1e3
        ? `${(ns / 1e3).toFixed(1)} us`
        : `${ns} ns`

/** The side-by-side table, one block per step. */
export function formatComparison(c: Comparison): string {
  const out: string[] = []
  for (const s of c.steps) {
    out.push(
      `step ${s.index}: ${s.describe}    time: model ${formatNs(s.modelNs)}, kernel ${formatNs(s.kernelNs)}`,
    )
    for (const note of s.notes) out.push(`    note: ${note}`)
    const rows = interestingRows(s).filter((r) => r.judged || r.model !== r.kernel)
    if (rows.length === 0) continue
    const width = Math.max(...rows.map((r) => r.observable.length + (r.kind === 'delta' ? 2 : 0)))
    for (const r of rows) {
      const name = (r.kind === 'delta' ? `Δ ${r.observable}` : r.observable).padEnd(width)
      const mark = !r.judged ? '  (not judged)' : r.agree ? '' : '  << differs'
      out.push(
        `    ${name}  model ${String(r.model).padStart(9)}  kernel ${String(r.kernel).padStart(9)}${mark}`,
      )
    }
  }
  return out.join('\n') + '\n'
}
