/**
 * `hugeswap export-selftest FILE [--out DIR]`: a C kselftest skeleton shaped like
 * tools/testing/selftests/mm/pmd_swap.c, plus a README.txt with a usemem starting point and a
 * virtme-ng command line for the scenario's machine.
 *
 * How the scenario is read: it runs once, here, through the scenario pipeline (one variant,
 * --variant, default pmd-swap) on the real simulator wrapped in a recorder. The pipeline hands the
 * factory the resolved machine (defaults filled in); the recorder logs every simulator call the
 * scenario makes (spawn, mmap, touch, madvise, ...) with its arguments and result, and after the
 * swap-relevant ones probes the simulated state (vmstat deltas, pagemap, smaps) to turn into
 * expectations. The probes only read the model, but they are walks and count as such in that run's
 * statistics, which is why this run's result is not shown anywhere.
 *
 * Translated: spawn (the first task is the test process; later ones are fork()ed stand-ins),
 * mmap (PMD-aligned, MADV_(NO)HUGEPAGE), write/read (the pattern, and its check where the range is
 * known to hold it), madvise, mprotect, munmap, mremap, fork, exit, smaps/status/pagemap/mincore
 * queries (logged; smaps and pagemap also as expectations from the simulation), k.reclaim
 * (memory.reclaim), k.sleep, k.khugepaged (waits for full_scans), k.swapoff/swapon
 * (PMD_SWAP_DEVICE), k.zswap, k.splitFolio (debugfs split_huge_pages), clear_refs, snapshots.
 * Left as TODO comments: userfaultfd (register, protect, move, events), GUP pins, random touch
 * order (touched sequentially), and the scenario's own k.expect checks (listed with their
 * simulated values at the end of the test).
 */
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { runScenarioWith } from '../scenario/runner'
import type { ResultJson, VariantName } from '../shared/result'
import { forkScenarioProcess, startJob } from '../scenario/node-host'
import type { RunRequest } from '../shared/worker-protocol'
import type { MachineSpec, PagemapEntry, Simulator, SimulatorOptions } from '../sim/api'
import { createSimulator, type AuditableSimulator } from '../sim/index'
import type { ExportSelftestOptions } from './args'
import {
  EXIT_CANNOT_RUN,
  EXIT_OK,
  describeIoError,
  formatErrorFor,
  loadScenario,
  withModelBudget,
  type CliEnv,
} from './run'
import { HARNESS_SHIM, HELPERS, MADVICE, PROT } from './selftest-c'
import { checkWritable, writeFileAtomic } from '../node/write-file'

const PAGE = 4096
/** Ranges up to this size get pagemap/smaps probes after swap-relevant steps. */
const PROBE_MAX_BYTES = 64 << 20
const PROBED_COUNTERS = ['thp_swpout', 'thp_swpout_pmd', 'thp_swpout_fallback', 'thp_split_pmd']

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
  method: string
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

const RECORDED = new Set([
  'spawn',
  'mmap',
  'touch',
  'madvise',
  'mprotect',
  'munmap',
  'mremap',
  'fork',
  'exit',
  'smaps',
  'status',
  'pagemap',
  'mincore',
  'clearRefs',
  'uffdRegister',
  'uffdProtect',
  'uffdMove',
  'uffdEvents',
  'pin',
  'zswap',
  'splitFolio',
  'reclaim',
  'sleep',
  'khugepaged',
  'swapoff',
  'swapon',
  'vmstat',
  'meminfo',
  'snapshot',
  'cgroupCreate',
  'cgroupSetMax',
  'cgroupReclaim',
  'cgroupStat',
])
/** Steps after which the state of their range is probed. */
const PROBED = new Set(['touch', 'madvise', 'mprotect', 'mremap', 'reclaim'])

function recorder(sim: AuditableSimulator, steps: TraceStep[], observe?: StepObserver): Simulator {
  return new Proxy(sim, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown
      if (typeof prop !== 'string' || typeof value !== 'function' || !RECORDED.has(prop)) {
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
  method: string,
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
): Promise<
  | { ok: true; recording: Recording }
  | { ok: false; error: import('../shared/result').ScenarioError }
> {
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

export async function exportSelftestCommand(
  options: ExportSelftestOptions,
  env: CliEnv,
): Promise<number> {
  const loaded = await loadScenario(options.file, env)
  if (!loaded.ok) {
    env.stderr.write(loaded.message + '\n')
    return EXIT_CANNOT_RUN
  }
  try {
    await checkWritable(resolve(env.cwd, options.out ?? '.'), true)
  } catch (err) {
    env.stderr.write(`hugeswap: cannot write: ${describeIoError(err)}\n`)
    return EXIT_CANNOT_RUN
  }
  const variant = options.variant ?? 'pmd-swap'
  const request: RunRequest = {
    source: loaded.source,
    fileName: loaded.fileName,
    variants: [variant],
  }
  if (options.seed !== undefined) request.seed = options.seed
  withModelBudget(request, options.limits)
  // Recorded in a process of its own, under a run's limits (node-host.ts).
  const recorded = await startJob<{ recording: Recording }>('record', request, {
    start: () => forkScenarioProcess(env.processEntry),
    ...options.limits,
  }).result
  if (!recorded.ok) {
    env.stderr.write(formatErrorFor(recorded.error, loaded.fileName, loaded.shownPath) + '\n')
    return EXIT_CANNOT_RUN
  }
  const name = testName(loaded.fileName)
  const cFile = `pmd_swap_${name}.c`
  const c = generateSelftest(recorded.recording, { name, variant, source: loaded.source })
  const readme = generateReadme(recorded.recording, { name, cFile, variant })
  const dir = resolve(env.cwd, options.out ?? '.')
  try {
    await mkdir(dir, { recursive: true })
    await writeFileAtomic(join(dir, cFile), c)
    await writeFileAtomic(join(dir, 'README.txt'), readme)
  } catch (err) {
    env.stderr.write(`hugeswap: cannot write ${options.out ?? '.'}: ${describeIoError(err)}\n`)
    return EXIT_CANNOT_RUN
  }
  env.stdout.write(
    `${join(options.out ?? '.', cFile)}\n${join(options.out ?? '.', 'README.txt')}\n`,
  )
  return EXIT_OK
}

/** `fork_cow.ts` -> `fork_cow`: a C identifier. */
export function testName(fileName: string): string {
  const base = fileName.replace(/\.[cm]?[jt]s$/, '')
  const id = base.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=\d)/, 's_')
  return id === '' ? 'scenario' : id
}

// ---------------------------------------------------------------------------------------------
// C generation

/** A C string literal: printable ASCII, everything else escaped. */
function cString(text: string): string {
  let out = '"'
  for (const byte of Buffer.from(text, 'utf8')) {
    if (byte === 0x22 || byte === 0x5c) out += '\\' + String.fromCharCode(byte)
    else if (byte >= 0x20 && byte < 0x7f && byte !== 0x3f) out += String.fromCharCode(byte)
    else out += '\\' + byte.toString(8).padStart(3, '0')
  }
  return out + '"'
}

/** Text safe inside a C block comment. */
function comment(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').replace(/\*\//g, '* /')
}

function hex(n: number): string {
  return `0x${n.toString(16)}`
}

export function formatBytes(n: number): string {
  for (const [unit, size] of [
    ['T', 2 ** 40],
    ['G', 2 ** 30],
    ['M', 2 ** 20],
    ['K', 2 ** 10],
  ] as const) {
    if (n >= size && n % size === 0) return `${n / size}${unit}`
  }
  return String(n)
}

interface Region {
  id: number
  /** Simulated start address and length. */
  start: number
  length: number
  /** Pattern key of `start` (offset in the original mapping, kept across mremap). */
  key: number
  /** One VMA still: smaps of the whole region is the region's. */
  intact: boolean
  live: boolean
}

/** [from, to, generation]: keys holding the pattern of the write with that generation. */
type Interval = [number, number, number]

/** Half-open key intervals holding a pattern, per task. */
class PatternMap {
  private readonly byTask = new Map<number, Interval[]>()

  add(task: number, from: number, to: number, gen: number): void {
    const list = this.remove(task, from, to)
    list.push([from, to, gen])
    list.sort((a, b) => a[0] - b[0])
    const merged: Interval[] = []
    for (const iv of list) {
      const last = merged.at(-1)
      if (last && iv[0] <= last[1] && iv[2] === last[2]) last[1] = Math.max(last[1], iv[1])
      else merged.push([iv[0], iv[1], iv[2]])
    }
    this.byTask.set(task, merged)
  }

  remove(task: number, from: number, to: number): Interval[] {
    const list = (this.byTask.get(task) ?? []).flatMap((iv): Interval[] => {
      if (iv[1] <= from || iv[0] >= to) return [iv]
      const parts: Interval[] = []
      if (iv[0] < from) parts.push([iv[0], from, iv[2]])
      if (iv[1] > to) parts.push([to, iv[1], iv[2]])
      return parts
    })
    this.byTask.set(task, list)
    return list
  }

  /** The generation of the write whose pattern the whole range holds, if one does. */
  covering(task: number, from: number, to: number): number | undefined {
    return (this.byTask.get(task) ?? []).find((iv) => iv[0] <= from && iv[1] >= to)?.[2]
  }

  copy(from: number, to: number): void {
    this.byTask.set(
      to,
      (this.byTask.get(from) ?? []).map((iv): Interval => [iv[0], iv[1], iv[2]]),
    )
  }

  clear(task: number): void {
    this.byTask.set(task, [])
  }
}

interface GenContext {
  name: string
  variant: VariantName
  source: string
}

class Generator {
  readonly regions: Region[] = []
  readonly tasks = new Map<number, number>()
  readonly comms: string[] = []
  readonly pattern = new PatternMap()
  readonly body: string[] = []
  readonly todos = new Set<string>()
  /** Whether more than one task ever runs (then steps are sequenced across processes). */
  multi = false
  step = 0
  pageoutCount = 0
  /** Every write gets its own pattern (seed + generation), so COW isolation shows. */
  writes = 0

  constructor(
    readonly rec: Recording,
    readonly zswapAtStart: boolean,
  ) {}

  taskOf(pid: unknown): number {
    return this.tasks.get(pid as number) ?? 0
  }

  /** The region holding sim address `addr` (latest first) and the C expression for it. */
  at(addr: number): { region: Region | undefined; expr: string; key: number } {
    const region =
      [...this.regions]
        .reverse()
        .find((r) => r.live && addr >= r.start && addr < r.start + r.length) ??
      [...this.regions].reverse().find((r) => addr >= r.start && addr < r.start + r.length)
    if (!region)
      return { region, expr: `(char *)${hex(addr)} /* TODO: unknown address */`, key: addr }
    const off = addr - region.start
    return {
      region,
      expr: off === 0 ? `r${region.id}` : `r${region.id} + ${hex(off)}`,
      key: region.key + off,
    }
  }

  emit(task: number, describe: string, lines: string[]): void {
    const indent = this.multi ? '\t\t' : '\t'
    const out = [`\t/* ${comment(describe)} */`]
    if (this.multi) {
      out.push(`\tif (me == ${task}) {`, `\t\ths_step_wait(${this.step});`)
    }
    out.push(...lines.map((l) => (l === '' ? '' : indent + l)))
    if (this.multi) out.push(`\t\ths_step_done(${this.step});`, '\t}')
    this.step++
    this.body.push(...out)
  }

  todo(task: number, describe: string, why: string): void {
    this.todos.add(why)
    this.emit(task, describe, [`/* TODO: ${comment(why)} */`])
  }

  /** HS_EXPECT_SIM lines guarded against zswap when they assume PMD-level swap. */
  pmdGuard(lines: string[]): string[] {
    return ['if (!self->zswap) {', ...lines.map((l) => '\t' + l), '}']
  }

  translate(step: TraceStep): void {
    const [a0, a1, a2, a3] = step.args
    const t = step.method === 'spawn' ? this.tasks.size : this.taskOf(a0)
    const who = `t${t}`
    switch (step.method) {
      case 'spawn': {
        const pid = step.result as number
        this.tasks.set(pid, t)
        this.comms.push(String(a0))
        if (t === 0) {
          this.emit(0, `k.spawn(${JSON.stringify(a0)}): task t0 is this test process`, [])
        } else {
          this.emit(0, `k.spawn(${JSON.stringify(a0)}): task t${t}, a fork()ed stand-in`, [
            '/* A fresh mm is not available from C without exec: the child inherits this',
            " * process's mappings, which its own steps below do not use. */",
            `pid = fork();`,
            `ASSERT_GE(pid, 0);`,
            `if (pid == 0)`,
            `\tme = ${t};`,
          ])
        }
        return
      }
      case 'mmap': {
        const len = a1 as number
        const region: Region = {
          id: this.regions.length,
          start: step.result as number,
          length: len,
          key: 0,
          intact: true,
          live: true,
        }
        region.key = region.id * 2 ** 40
        this.regions.push(region)
        const r = `r${region.id}`
        const lines = [`${r} = hs_mmap_aligned(${hex(len)});`, `ASSERT_TRUE(${r} != MAP_FAILED);`]
        if (a2) lines.push(`ASSERT_EQ(madvise(${r}, ${hex(len)}, ${MADVICE[a2 as string]}), 0);`)
        const advice = a2 ? `, { advice: '${a2 as string}' }` : ''
        this.emit(t, `${who}.mmap('${formatBytes(len)}'${advice}) -> ${r}`, lines)
        return
      }
      case 'touch': {
        const len = a2 as number
        const opts = (a3 ?? {}) as { write?: boolean; pages?: number; order?: string }
        const { expr, key } = this.at(a1 as number)
        const total = Math.ceil(len / PAGE)
        const pages =
          opts.pages === undefined
            ? total
            : opts.pages < 1
              ? Math.round(opts.pages * total)
              : opts.pages
        const whole = pages >= total
        const verb = opts.write ? 'write' : 'read'
        const desc = `${who}.${verb}(${expr}, ${hex(len)}${opts.pages !== undefined ? `, { pages: ${opts.pages}${opts.order ? `, order: '${opts.order}'` : ''} }` : ''})`
        const lines: string[] = []
        if (opts.order === 'random' && !whole) {
          this.todos.add('random touch order: touched sequentially')
          lines.push('/* TODO: random order in the scenario; touched sequentially here */')
        }
        if (opts.write) {
          const gen = this.writes++
          const seed = gen === 0 ? 'seed' : `seed + ${gen}`
          lines.push(
            whole
              ? `hs_fill(${expr}, ${hex(len)}, ${seed}, ${hex(key)});`
              : `hs_touch(${expr}, ${pages}, 1, ${seed}, ${hex(key)});`,
          )
          if (opts.order === 'random' && !whole) this.pattern.remove(t, key, key + len)
          else this.pattern.add(t, key, key + Math.min(len, pages * PAGE), gen)
        } else {
          const gen = whole ? this.pattern.covering(t, key, key + len) : undefined
          const seed = gen === undefined || gen === 0 ? 'seed' : `seed + ${gen}`
          lines.push(
            gen === undefined
              ? `hs_touch(${expr}, ${pages}, 0, seed, ${hex(key)});`
              : `EXPECT_EQ(hs_check_pattern(${expr}, ${hex(len)}, ${seed}, ${hex(key)}), -1);`,
          )
        }
        lines.push(...this.afterFault(step, expr, len))
        this.emit(t, desc, lines)
        return
      }
      case 'madvise': {
        const len = a2 as number
        const advice = a3 as string
        const { region, expr, key } = this.at(a1 as number)
        const call = `madvise(${expr}, ${hex(len)}, ${MADVICE[advice] ?? advice})`
        const desc = `${who}.madvise(${expr}, ${hex(len)}, '${advice}')`
        if (region && (advice === 'hugepage' || advice === 'nohugepage') && len !== region.length) {
          region.intact = false
        }
        if (advice === 'dontneed' || advice === 'free') this.pattern.remove(t, key, key + len)
        if (advice !== 'pageout') {
          this.emit(t, desc, [`EXPECT_EQ(${call}, 0);`])
          return
        }
        const n = this.pageoutCount++
        const lines = [
          `pmd_before = hs_vmstat("thp_swpout_pmd");`,
          `fallback_before = hs_vmstat("thp_swpout_fallback");`,
          `ASSERT_EQ(${call}, 0);`,
          `TH_LOG("pageout ${n}: thp_swpout_pmd +%lld, thp_swpout_fallback +%lld, %zu of %lu pages swapped",`,
          `       hs_vmstat("thp_swpout_pmd") - pmd_before,`,
          `       hs_vmstat("thp_swpout_fallback") - fallback_before,`,
          `       hs_count_swapped(${expr}, ${hex(len)}), ${hex(len)}UL / PAGE_SIZE_4K);`,
        ]
        const p = step.probe
        if (p) {
          const pmd = p.vmstatDelta.thp_swpout_pmd ?? 0
          const sim: string[] = []
          sim.push(
            `/* simulated ${this.rec.result.variants[0]?.name ?? ''}: ${Object.entries(
              p.vmstatDelta,
            )
              .map(([k, v]) => `${k} +${v}`)
              .join(
                ', ',
              )}${p.swapped !== undefined ? `, ${p.swapped}/${p.pages} pages swapped` : ''} */`,
          )
          if (p.swapped !== undefined && p.pages !== undefined && p.swapped === p.pages) {
            sim.push(`HS_EXPECT_SIM(hs_check_swapped(${expr}, ${hex(len)}));`)
          }
          const pmdLines =
            pmd > 0
              ? this.pmdGuard([
                  `/* pmd_swap.c skips when another THP was the one split */`,
                  `if (hs_vmstat("thp_swpout_fallback") == fallback_before)`,
                  `\tHS_EXPECT_SIM(hs_vmstat("thp_swpout_pmd") - pmd_before >= ${pmd});`,
                ])
              : []
          lines.push(...sim, ...pmdLines)
        }
        this.emit(t, desc, lines)
        return
      }
      case 'mprotect': {
        const len = a2 as number
        const { region, expr } = this.at(a1 as number)
        if (region && len !== region.length) region.intact = false
        const lines = [
          `ASSERT_EQ(mprotect(${expr}, ${hex(len)}, ${PROT[a3 as string] ?? 'PROT_NONE'}), 0);`,
        ]
        const p = step.probe
        if (p?.swapped !== undefined && p.pages !== undefined && p.swapped === p.pages) {
          lines.push(`HS_EXPECT_SIM(hs_check_swapped(${expr}, ${hex(len)}));`)
        }
        this.emit(t, `${who}.mprotect(${expr}, ${hex(len)}, '${a3 as string}')`, lines)
        return
      }
      case 'munmap': {
        const len = a2 as number
        const { region, expr, key } = this.at(a1 as number)
        if (region) {
          if (len >= region.length && (a1 as number) === region.start) region.live = false
          else region.intact = false
        }
        this.pattern.remove(t, key, key + len)
        this.emit(t, `${who}.munmap(${expr}, ${hex(len)})`, [
          `swap_before = hs_status_kb("VmSwap");`,
          `ASSERT_EQ(munmap(${expr}, ${hex(len)}), 0);`,
          `TH_LOG("munmap: VmSwap %lld -> %lld kB", swap_before, hs_status_kb("VmSwap"));`,
        ])
        return
      }
      case 'mremap': {
        const len = a2 as number
        const { region, expr, key } = this.at(a1 as number)
        const next: Region = {
          id: this.regions.length,
          start: step.result as number,
          length: len,
          key,
          intact: true,
          live: true,
        }
        this.regions.push(next)
        if (region) {
          if (len >= region.length) region.live = false
          else region.intact = false
        }
        const r = `r${next.id}`
        const lines =
          a3 === undefined
            ? [`${r} = mremap(${expr}, ${hex(len)}, ${hex(len)}, MREMAP_MAYMOVE);`]
            : [
                `/* a PMD-aligned destination, as the latest pmd_swap.c mremap test */`,
                `${r} = hs_mmap_aligned(${hex(len)});`,
                `ASSERT_TRUE(${r} != MAP_FAILED);`,
                `${r} = mremap(${expr}, ${hex(len)}, ${hex(len)}, MREMAP_MAYMOVE | MREMAP_FIXED, ${r});`,
              ]
        lines.push(`ASSERT_TRUE(${r} != MAP_FAILED);`)
        const p = step.probe
        if (p?.swapped !== undefined && p.pages !== undefined && p.swapped === p.pages) {
          lines.push(`HS_EXPECT_SIM(hs_check_swapped(${r}, ${hex(len)}));`)
        }
        this.emit(t, `${who}.mremap(${expr}, ${hex(len)}) -> ${r}`, lines)
        return
      }
      case 'fork': {
        const child = this.tasks.size
        this.tasks.set(step.result as number, child)
        this.comms.push(this.comms[t] ?? 'task')
        this.pattern.copy(t, child)
        this.emit(t, `${who}.fork() -> t${child}`, [
          `pid = fork();`,
          `ASSERT_GE(pid, 0);`,
          `if (pid == 0)`,
          `\tme = ${child};`,
        ])
        return
      }
      case 'exit': {
        this.pattern.clear(t)
        if (t === 0) {
          const live = this.regions.filter((r) => r.live)
          for (const r of live) r.live = false
          this.emit(0, `${who}.exit(): the test process unmaps its regions instead`, [
            ...live.map((r) => `munmap(r${r.id}, ${hex(r.length)});`),
          ])
        } else {
          this.emit(t, `${who}.exit()`, [
            ...(this.multi ? [`hs_step_done(${this.step});`] : []),
            `_exit(_metadata->exit_code == KSFT_FAIL);`,
          ])
        }
        return
      }
      case 'smaps': {
        if (a1 === undefined) {
          this.emit(t, `${who}.smaps()`, ['/* whole-process smaps: see /proc/self/smaps_rollup */'])
          return
        }
        const len = a2 as number
        const { region, expr } = this.at(a1 as number)
        const sim = step.result as Record<string, number>
        const lines = [
          `TH_LOG("smaps: AnonHugePages %lld kB, Swap %lld kB, Rss %lld kB (simulated: ${sim.AnonHugePages ?? '?'}, ${sim.Swap ?? '?'}, ${sim.Rss ?? '?'})",`,
          `       hs_smaps_kb(${expr}, "AnonHugePages"), hs_smaps_kb(${expr}, "Swap"), hs_smaps_kb(${expr}, "Rss"));`,
        ]
        if (region && region.intact && (a1 as number) === region.start && len === region.length) {
          const pmd: string[] = []
          for (const field of ['AnonHugePages', 'Swap']) {
            if (sim[field] !== undefined) {
              pmd.push(`HS_EXPECT_SIM(hs_smaps_kb(${expr}, "${field}") == ${sim[field]});`)
            }
          }
          lines.push(...(this.zswapAtStart ? pmd : this.pmdGuard(pmd)))
        } else {
          lines.push(
            '/* smaps reports the whole VMA: the range is part of one, so no expectation */',
          )
        }
        this.emit(t, `${who}.smaps(${expr}, ${hex(len)})`, lines)
        return
      }
      case 'status': {
        const sim = step.result as Record<string, number>
        this.emit(t, `${who}.status()`, [
          `TH_LOG("status: VmSwap %lld kB, RssAnon %lld kB (simulated: ${sim.VmSwap ?? '?'}, ${sim.RssAnon ?? '?'}; the real process has other mappings too)",`,
          `       hs_status_kb("VmSwap"), hs_status_kb("RssAnon"));`,
        ])
        return
      }
      case 'pagemap': {
        const len = a2 as number
        const { expr } = this.at(a1 as number)
        const entries = step.result as PagemapEntry[]
        const swapped = entries.filter((e) => e.swapped).length
        this.emit(t, `${who}.pagemap(${expr}, ${hex(len)})`, [
          `TH_LOG("pagemap: %zu of %lu pages swapped (simulated: ${swapped})",`,
          `       hs_count_swapped(${expr}, ${hex(len)}), ${hex(len)}UL / PAGE_SIZE_4K);`,
          `HS_EXPECT_SIM(hs_count_swapped(${expr}, ${hex(len)}) == ${swapped});`,
        ])
        return
      }
      case 'mincore': {
        const len = a2 as number
        const { expr } = this.at(a1 as number)
        const resident = (step.result as boolean[]).filter(Boolean).length
        this.emit(t, `${who}.mincore(${expr}, ${hex(len)})`, [
          `TH_LOG("mincore: %ld pages resident (simulated: ${resident})", hs_count_resident(${expr}, ${hex(len)}));`,
        ])
        return
      }
      case 'clearRefs':
        this.emit(t, `${who}.clearRefs(${String(a1)})`, [
          `EXPECT_EQ(hs_write_file("/proc/self/clear_refs", "${String(a1)}"), 0);`,
        ])
        return
      case 'uffdRegister':
      case 'uffdProtect':
      case 'uffdMove':
      case 'uffdEvents':
        this.todo(
          t,
          `${who}.${step.method}(...)`,
          'userfaultfd steps: see the uffdio_move and rwp_swapin tests of pmd_swap.c',
        )
        return
      case 'pin':
        this.todo(
          t,
          `${who}.${a3 ? 'pin' : 'unpin'}(...)`,
          'long-term GUP pins need a driver (vfio, RDMA) or gup_test',
        )
        return
      case 'zswap':
        this.emit(0, `k.zswap(${String(a0)})`, [
          `EXPECT_EQ(hs_write_file("/sys/module/zswap/parameters/enabled", "${a0 ? 'Y' : 'N'}"), 0);`,
          `self->zswap = hs_zswap_enabled();`,
        ])
        return
      case 'splitFolio': {
        const { expr } = this.at(a1 as number)
        this.emit(t, `k.splitFolio(${expr})`, [
          `snprintf(buf, sizeof(buf), "%d,0x%lx,0x%lx", getpid(), (unsigned long)(${expr}),`,
          `         (unsigned long)(${expr}) + PMD_SIZE_2M);`,
          `/* needs debugfs and root; the simulator split the swap-cache folio behind a swap PMD too */`,
          `EXPECT_EQ(hs_write_file("/sys/kernel/debug/split_huge_pages", buf), 0);`,
        ])
        return
      }
      case 'reclaim':
        this.emit(0, `k.reclaim('${formatBytes(a0 as number)}')`, [
          `EXPECT_EQ(hs_cgroup_reclaim(${a0 as number}ULL), 0);`,
        ])
        return
      case 'sleep':
        this.emit(0, `k.sleep(${String(a0)})`, [`usleep(${Math.round((a0 as number) * 1000)});`])
        return
      case 'khugepaged':
        this.emit(0, `k.khugepaged(${a0 === undefined ? '' : String(a0)})`, [
          `if (hs_wait_khugepaged(${(a0 as number | undefined) ?? 1}))`,
          `\tTH_LOG("khugepaged did not finish ${(a0 as number | undefined) ?? 1} full scan(s) in 60 s");`,
        ])
        return
      case 'swapoff':
      case 'swapon': {
        const on = step.method === 'swapon'
        this.emit(0, `k.${step.method}(${a0 === undefined ? '' : String(a0)})`, [
          `/* the device comes from PMD_SWAP_DEVICE, as in pmd_swap.c's swapoff test */`,
          `if (getenv("PMD_SWAP_DEVICE"))`,
          `\tEXPECT_EQ(${on ? 'swapon(getenv("PMD_SWAP_DEVICE"), 0)' : 'swapoff(getenv("PMD_SWAP_DEVICE"))'}, 0);`,
          `else`,
          `\tTH_LOG("PMD_SWAP_DEVICE not set: ${step.method} skipped");`,
        ])
        return
      }
      case 'vmstat':
      case 'meminfo':
        this.emit(0, `k.${step.method}()`, [`hs_log_counters("k.${step.method}()");`])
        return
      case 'snapshot':
        this.emit(0, `k.snapshot(${JSON.stringify(a0)})`, [
          `hs_log_counters(${cString(String(a0))});`,
        ])
        return
      default:
        this.todo(t, `${step.method}(...)`, `${step.method} has no translation`)
    }
  }

  /** After a fault-in of a whole region: PMD restored on the series unless zswap. */
  afterFault(step: TraceStep, expr: string, len: number): string[] {
    const p = step.probe
    if (!p || p.anonHugeKb === undefined || len < 2 << 20) return []
    const { region } = this.at(step.args[1] as number)
    if (
      !region ||
      !region.intact ||
      (step.args[1] as number) !== region.start ||
      len !== region.length
    ) {
      return []
    }
    const sim = `HS_EXPECT_SIM(hs_smaps_kb(${expr}, "AnonHugePages") == ${p.anonHugeKb});`
    return this.zswapAtStart ? [sim] : this.pmdGuard([sim])
  }
}

export function generateSelftest(rec: Recording, ctx: GenContext): string {
  const gen = new Generator(rec, rec.machine.zswap)
  gen.multi =
    rec.steps.some((s) => s.method === 'fork') ||
    rec.steps.filter((s) => s.method === 'spawn').length > 1
  for (const step of rec.steps) gen.translate(step)

  const { title, file, seed } = rec.result.scenario
  const checks = rec.result.variants.flatMap((v) => v.checks)
  const sourceLines = ctx.source.split('\n')
  const checkLines = checks.flatMap((c) => {
    const line = c.location ? Number(/:(\d+):\d+$/.exec(c.location)?.[1]) : NaN
    const code = Number.isFinite(line) ? sourceLines[line - 1]?.trim() : undefined
    const what = `${c.location ?? file}: ${c.label}: ${c.matcher} ${JSON.stringify(c.expected)}; simulated ${JSON.stringify(c.actual)} (${c.pass ? 'pass' : 'FAIL'})`
    return [` *   ${comment(what)}`, ...(code ? [` *     ${comment(code)}`] : [])]
  })
  const regionDecl = gen.regions.length
    ? `\tchar ${gen.regions.map((r) => `*r${r.id} = NULL`).join(', ')};`
    : ''
  const tool = rec.result.tool
  const todos = [...gen.todos]
  const testId = ctx.name

  const out: string[] = [
    '// SPDX-License-Identifier: GPL-2.0',
    '/*',
    comment(` * pmd_swap_${testId}.c - generated by \`hugeswap export-selftest\` from ${file}`),
    comment(` * ("${title}", seed ${seed}); expectations come from one simulated run of the`),
    comment(` * ${ctx.variant} kernel (hugeswap ${tool.version}, model ${tool.model}).`),
    ' *',
    ' * A STARTING POINT shaped like tools/testing/selftests/mm/pmd_swap.c, not a finished test:',
    ' * - FIXTURE_SETUP checks for a 2 MB PMD, usable THP and a swap device, and notes zswap (with',
    ' *   zswap on, reclaim splits the PMD: PMD-level expectations are skipped, as pmd_swap.c does).',
    ' * - TEST_F(pmd_swap, basic) is the common machinery: alloc_fill_swap_thp() (PMD-aligned 2 MB,',
    ' *   MADV_HUGEPAGE, fill, check_huge_anon, MADV_PAGEOUT, check_swapped, thp_swpout_pmd moved,',
    ' *   SKIP when thp_swpout_fallback moved) and the pattern intact after the fault back.',
    ` * - TEST_F(pmd_swap, ${testId}) is the scenario, step by step; each step is commented with the`,
    ' *   scenario call it came from. HS_EXPECT_SIM() marks what the simulation predicts: define',
    ' *   HS_SIM_LOG_ONLY to log those instead of failing (e.g. on a kernel without the series).',
    todos.length
      ? ' * - Not translated (TODO comments in the test):'
      : ' * - Every step was translated.',
    ...todos.map((t) => comment(` *     ${t}`)),
    ' *',
    ' * In a kernel tree: copy to tools/testing/selftests/mm/ and add it to TEST_GEN_FILES there.',
    ` * Standalone: cc -O2 -Wall -o pmd_swap_${testId} pmd_swap_${testId}.c (a small stand-in for`,
    ' * kselftest_harness.h is used when the real one is not found). Run as root with swap enabled.',
    ' */',
    '#define _GNU_SOURCE',
    '#include <errno.h>',
    '#include <fcntl.h>',
    '#include <stdint.h>',
    '#include <stdio.h>',
    '#include <stdlib.h>',
    '#include <string.h>',
    '#include <time.h>',
    '#include <unistd.h>',
    '#include <sys/mman.h>',
    '#include <sys/swap.h>',
    '#include <sys/types.h>',
    '#include <sys/wait.h>',
    '',
    HARNESS_SHIM,
    HELPERS,
    '#ifdef HS_SIM_LOG_ONLY',
    '#define HS_EXPECT_SIM(cond) do { if (!(cond)) TH_LOG("simulation predicted: %s", #cond); } while (0)',
    '#else',
    '#define HS_EXPECT_SIM(cond) EXPECT_TRUE(cond)',
    '#endif',
    '',
    ...(gen.multi ? stepSequencer() : []),
    'FIXTURE(pmd_swap) {',
    '\tunsigned int seed;',
    '\tint zswap;',
    '};',
    '',
    'FIXTURE_SETUP(pmd_swap)',
    '{',
    '\tlong long pmd = hs_read_field("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "");',
    '',
    '\tif (pmd > 0 && pmd != (long long)PMD_SIZE_2M)',
    '\t\tSKIP(return, "PMD size %lld: the scenario assumes 4 KB pages and 2 MB PMDs", pmd);',
    '\tif (!hs_thp_usable())',
    '\t\tSKIP(return, "transparent hugepages are disabled");',
    '\tif (!hs_swap_available())',
    '\t\tSKIP(return, "no swap device with 2 MB free (see README.txt)");',
    '\tself->zswap = hs_zswap_enabled();',
    '\tif (self->zswap)',
    '\t\tTH_LOG("zswap enabled: PMD-level expectations are skipped");',
    '\tself->seed = (unsigned int)time(NULL) ^ (unsigned int)getpid();',
    '}',
    '',
    'FIXTURE_TEARDOWN(pmd_swap)',
    '{',
    '\t(void)_metadata;',
    '\t(void)self;',
    '}',
    '',
    '/* alloc_fill_swap_thp(): a swapped-out THP holding the pattern, or SKIP/FAIL as pmd_swap.c. */',
    'static char *alloc_fill_swap_thp(struct __test_metadata *_metadata,',
    '\t\t\t\t FIXTURE_DATA(pmd_swap) *self)',
    '{',
    '\tlong long pmd_before, fallback_before;',
    '\tchar *p = hs_mmap_aligned(PMD_SIZE_2M);',
    '',
    '\tASSERT_TRUE(p != MAP_FAILED);',
    '\tASSERT_EQ(madvise(p, PMD_SIZE_2M, MADV_HUGEPAGE), 0);',
    '\ths_fill(p, PMD_SIZE_2M, self->seed, 0);',
    '\tASSERT_EQ(hs_smaps_kb(p, "AnonHugePages"), (long long)(PMD_SIZE_2M >> 10));',
    '\tpmd_before = hs_vmstat("thp_swpout_pmd");',
    '\tfallback_before = hs_vmstat("thp_swpout_fallback");',
    '\tif (pmd_before < 0)',
    '\t\tSKIP(return p, "no thp_swpout_pmd in /proc/vmstat: kernel without PMD swap entries");',
    '\tASSERT_EQ(madvise(p, PMD_SIZE_2M, MADV_PAGEOUT), 0);',
    '\tif (hs_vmstat("thp_swpout_fallback") != fallback_before)',
    '\t\tSKIP(return p, "thp_swpout_fallback moved: the THP was split, not swapped whole");',
    '\tASSERT_TRUE(hs_check_swapped(p, PMD_SIZE_2M));',
    '\tif (!self->zswap)',
    '\t\tASSERT_GE(hs_vmstat("thp_swpout_pmd"), pmd_before + 1);',
    '\treturn p;',
    '}',
    '',
    'TEST_F(pmd_swap, basic)',
    '{',
    '\tchar *p = alloc_fill_swap_thp(_metadata, self);',
    '',
    '\tif (_metadata->exit_code != KSFT_PASS)',
    '\t\treturn;',
    '\tEXPECT_EQ(hs_check_pattern(p, PMD_SIZE_2M, self->seed, 0), -1);',
    '\tif (!self->zswap)',
    '\t\tEXPECT_EQ(hs_smaps_kb(p, "AnonHugePages"), (long long)(PMD_SIZE_2M >> 10));',
    '\tmunmap(p, PMD_SIZE_2M);',
    '}',
    '',
    `/* ${comment(`${title}: ${file}, as run by the scenario (tasks: ${gen.comms.map((c, i) => `t${i} ${c}`).join(', ') || 'none'})`)}. */`,
    `TEST_F(pmd_swap, ${testId})`,
    '{',
    '\tunsigned int seed = self->seed;',
    '\tlong long pmd_before = 0, fallback_before = 0, swap_before = 0;',
    '\tpid_t pid = 0;',
    '\tint me = 0;',
    '\tchar buf[128];',
    ...(regionDecl ? [regionDecl] : []),
    '',
    ...(gen.multi ? ['\ths_step_init();', ''] : []),
    ...gen.body,
    '',
    ...(gen.multi
      ? [
          '\t/* every forked task ends here; the test process collects them */',
          '\tif (me != 0) {',
          `\t\ths_step_done(${gen.step});`,
          '\t\t_exit(_metadata->exit_code == KSFT_FAIL);',
          '\t}',
          '\twhile ((pid = wait(&me)) > 0)',
          '\t\tEXPECT_EQ(WIFEXITED(me) ? WEXITSTATUS(me) : 128, 0);',
        ]
      : []),
    '',
    '\t/*',
    checks.length
      ? "\t * The scenario's own k.expect checks (simulated values), to turn into assertions by hand:"
      : '\t * The scenario has no k.expect checks.',
    ...checkLines.map((l) => '\t' + l),
    '\t */',
    '\t(void)seed; (void)pmd_before; (void)fallback_before; (void)swap_before;',
    '\t(void)pid; (void)me; (void)buf;',
    '}',
    '',
    'TEST_HARNESS_MAIN',
    '',
  ]
  return out.join('\n')
}

/** Steps of several processes in scenario order: a shared counter each step waits for. */
function stepSequencer(): string[] {
  return [
    '/*',
    ' * Several processes: their steps run in scenario order. hs_step is a shared counter; a',
    ' * process waits until it equals its step number, runs the step, and bumps it.',
    ' */',
    'static volatile int *hs_step;',
    '',
    'static void hs_step_init(void)',
    '{',
    '\ths_step = mmap(NULL, PAGE_SIZE_4K, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);',
    '\tif (hs_step == MAP_FAILED)',
    '\t\texit(1);',
    '\t*hs_step = 0;',
    '}',
    '',
    'static void hs_step_wait(int n)',
    '{',
    '\twhile (__atomic_load_n(hs_step, __ATOMIC_ACQUIRE) < n)',
    '\t\tusleep(100);',
    '}',
    '',
    'static void hs_step_done(int n)',
    '{',
    '\tint expected = n;',
    '',
    '\t__atomic_compare_exchange_n(hs_step, &expected, n + 1, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED);',
    '}',
    '',
  ]
}

// ---------------------------------------------------------------------------------------------
// README.txt

function vngMemory(bytes: number): string {
  const g = bytes / 2 ** 30
  return Number.isInteger(g) ? `${g}G` : `${Math.ceil(bytes / 2 ** 20)}M`
}

export function generateReadme(
  rec: Recording,
  ctx: { name: string; cFile: string; variant: VariantName },
): string {
  const m = rec.machine
  const { title, file, seed } = rec.result.scenario
  const qemu: string[] = []
  const setup: string[] = []
  const hostPrep: string[] = []
  let vdisk = 0
  let zram = 0
  const vdev = (): string => `/dev/vd${String.fromCharCode(97 + vdisk++)}`
  m.swap.forEach((dev, i) => {
    const size = formatBytes(dev.sizeBytes)
    const prio = `-p ${dev.priority >= 0 ? dev.priority : 0}`
    if (dev.type === 'zram') {
      const z = `zram${zram++}`
      setup.push(
        ...(z === 'zram0' ? [] : ['cat /sys/class/zram-control/hot_add >/dev/null']),
        `echo ${dev.compressor === 'lzo' ? 'lzo-rle' : dev.compressor} > /sys/block/${z}/comp_algorithm`,
        `echo ${size} > /sys/block/${z}/disksize`,
        `mkswap /dev/${z} && swapon ${prio} /dev/${z}`,
      )
    } else if (dev.type === 'nvme') {
      hostPrep.push(`truncate -s ${size} swap${i}.img`)
      qemu.push(
        `-drive file=swap${i}.img,if=none,id=swap${i},format=raw -device nvme,serial=hsswap${i},drive=swap${i}`,
      )
      setup.push(
        `mkswap /dev/nvme${qemu.filter((q) => q.includes('nvme')).length - 1}n1 && swapon ${prio} /dev/nvme${qemu.filter((q) => q.includes('nvme')).length - 1}n1`,
      )
    } else if (dev.type === 'hdd') {
      hostPrep.push(`truncate -s ${size} swap${i}.img`)
      qemu.push(`-drive file=swap${i}.img,if=virtio,format=raw`)
      const d = vdev()
      setup.push(`mkswap ${d} && swapon ${prio} ${d}`)
    } else {
      hostPrep.push(`truncate -s ${formatBytes(dev.sizeBytes + 256 * 2 ** 20)} fs${i}.img`)
      qemu.push(`-drive file=fs${i}.img,if=virtio,format=raw`)
      const d = vdev()
      setup.push(
        `mkfs.ext4 -q ${d} && mkdir -p /mnt/swap${i} && mount ${d} /mnt/swap${i}`,
        `fallocate -l ${size} /mnt/swap${i}/swapfile && chmod 600 /mnt/swap${i}/swapfile`,
        `mkswap /mnt/swap${i}/swapfile && swapon ${prio} /mnt/swap${i}/swapfile`,
      )
    }
  })
  const thp = '/sys/kernel/mm/transparent_hugepage'
  const knobs = [
    `echo ${m.thp.enabled} > ${thp}/enabled`,
    `echo ${m.thp.defrag} > ${thp}/defrag`,
    `echo ${m.thp.use_zero_page ? 1 : 0} > ${thp}/use_zero_page`,
    ...Object.entries(m.thp.khugepaged)
      .filter(([k]) => k !== 'defrag')
      .map(([k, v]) => `echo ${String(v)} > ${thp}/khugepaged/${k}`),
    `echo ${m.thp.khugepaged.defrag ? 1 : 0} > ${thp}/khugepaged/defrag`,
    ...Object.entries(m.thp.hugepages)
      .filter(([size, v]) => !(size === '2048kB' ? v === 'inherit' : v === 'never'))
      .map(([size, v]) => `echo ${v} > ${thp}/hugepages-${size}/enabled`),
    `sysctl -q -w vm.page-cluster=${m.vm.page_cluster} vm.swappiness=${m.vm.swappiness} vm.watermark_scale_factor=${m.vm.watermark_scale_factor}`,
    ...(m.zswap
      ? [
          `echo ${m.zswap_compressor} > /sys/module/zswap/parameters/compressor`,
          `echo Y > /sys/module/zswap/parameters/enabled`,
        ]
      : ['{ echo N > /sys/module/zswap/parameters/enabled 2>/dev/null || true; }']),
  ]
  const script = [
    ...(m.swap.some((d) => d.type === 'zram') ? ['{ modprobe zram 2>/dev/null || true; }'] : []),
    ...setup,
    ...knobs,
    `./pmd_swap_${ctx.name}`,
  ]

  const spawns = rec.steps.filter((s) => s.method === 'spawn').length
  const perTask = new Map<number, number>()
  for (const s of rec.steps) {
    if (s.method === 'mmap') {
      const pid = s.args[0] as number
      perTask.set(pid, (perTask.get(pid) ?? 0) + (s.args[1] as number))
    }
  }
  const biggest = Math.max(0, ...perTask.values())
  const hugepage = rec.steps.some((s) => s.method === 'mmap' && s.args[2] === 'hugepage')
  const notModelled = [
    m.fragmentation > 0
      ? `machine.fragmentation ${m.fragmentation} (pre-fragmented pageblocks)`
      : '',
    m.swap.some((d) => d.fragmentation > 0)
      ? 'swap[].fragmentation (pre-fragmented swap clusters)'
      : '',
    Object.values(m.fault_injection).some((p) => p > 0)
      ? "machine.fault_injection (use the kernel's fault injection or a debug patch)"
      : '',
    !m.thp_swap ? 'thp_swap: false means a kernel built with CONFIG_THP_SWAP=n' : '',
    "the cost model (latencies are the simulator's, not this machine's)",
  ].filter((x) => x !== '')

  const vng = [
    `vng --run <kernel-tree> --memory ${vngMemory(m.memoryBytes)}`,
    ...(qemu.length ? [`    --qemu-opts '${qemu.join(' ')}'`] : []),
    `    --exec '${script.join(' && ')}'`,
  ]
  return [
    `${ctx.cFile} and this README were generated by hugeswap export-selftest`,
    `from ${file} ("${title}", seed ${seed}; expectations from the ${ctx.variant} variant).`,
    'Everything below is a STARTING POINT: check each command against your tools and kernel.',
    '',
    '1. Build',
    '',
    `   In a kernel tree: copy ${ctx.cFile} to tools/testing/selftests/mm/, add`,
    `   pmd_swap_${ctx.name} to TEST_GEN_FILES in its Makefile, then`,
    '     make -C tools/testing/selftests TARGETS=mm',
    `   Standalone: cc -O2 -Wall -o pmd_swap_${ctx.name} ${ctx.cFile}`,
    '',
    '2. Kernel configuration (beyond a defconfig)',
    '',
    '   CONFIG_TRANSPARENT_HUGEPAGE=y CONFIG_THP_SWAP=y CONFIG_SWAP=y CONFIG_MEMCG=y',
    '   CONFIG_ZRAM=m CONFIG_ZSWAP=y CONFIG_BLK_DEV_NVME=y CONFIG_VIRTIO_BLK=y CONFIG_EXT4_FS=y',
    '   CONFIG_DEBUG_FS=y (split_huge_pages), CONFIG_USERFAULTFD=y',
    '   e.g. vng --kconfig, then scripts/config -e ... and make olddefconfig.',
    '',
    "3. Run in virtme-ng with the scenario's machine",
    '',
    `   memory ${formatBytes(m.memoryBytes)}, swap ${m.swap.map((d) => `${d.type} ${formatBytes(d.sizeBytes)}`).join(' + ') || 'none'}, zswap ${m.zswap ? 'on' : 'off'},`,
    `   THP enabled=${m.thp.enabled} defrag=${m.thp.defrag}, vm.page-cluster=${m.vm.page_cluster}, vm.swappiness=${m.vm.swappiness}`,
    '',
    ...(hostPrep.length ? ['   On the host, first:', ...hostPrep.map((l) => `     ${l}`), ''] : []),
    '   From the directory holding the built test:',
    ...vng.map((l, i) => `     ${l}${i < vng.length - 1 ? ' \\' : ''}`),
    '',
    '   Run as root inside the VM (vng does by default). PMD_SWAP_DEVICE=<device> selects the',
    '   device for swapoff/swapon steps, as in pmd_swap.c.',
    '',
    '4. A usemem (vm-scalability) starting point for the same footprint',
    '',
    `     usemem -n ${Math.max(1, spawns)} ${formatBytes(biggest || 2 ** 21).toLowerCase()}`,
    '',
    `   (${Math.max(1, spawns)} process(es), the largest task mapping ${formatBytes(biggest || 2 ** 21)} in the scenario.)`,
    '   usemem takes no THP advice flag here: with THP enabled=always its anonymous memory is',
    `   THP-backed${hugepage ? ' (the scenario used MADV_HUGEPAGE; set enabled=always to match)' : ''}.`,
    '   To push it into swap, run it in a cgroup with memory.high below the footprint. Published',
    '   swap-out runs use this form (zswap large-folio series covers; check the flags against',
    '   your usemem --help):',
    '     usemem --init-time -w -O -s 10 -n 30 10g',
    '',
    '5. Not reproduced on a real machine',
    '',
    ...notModelled.map((l) => `   - ${l}`),
    '',
  ].join('\n')
}
