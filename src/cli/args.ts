/**
 * Command-line parsing (node:util parseArgs, no dependency). Pure: argv in, a command or a usage
 * error out, so every rule here is testable without spawning a process.
 */
import { parseArgs } from 'node:util'
import { DEFAULT_RSS_LIMIT_BYTES, DEFAULT_WALL_MS } from '../scenario/limits'
import { VARIANT_NAMES, type VariantName } from '../shared/result'

/** `text`: the summary; `json`: the result JSON; `lkp`, `mmtests`: comparison tables for mail. */
export type OutputFormat = 'text' | 'json' | 'lkp' | 'mmtests'
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json', 'lkp', 'mmtests']

export interface RunOptions {
  /** The scenario file as the user typed it; undefined runs the default scenario. */
  file?: string
  variants?: VariantName[]
  seed?: number
  /** `-` for stdout, else a path written atomically. */
  json?: string
  /** A directory for results.json, results.csv, report.txt and the charts (.svg, .png). */
  out?: string
  format: OutputFormat
  /** Script time allowed per variant, ms (RunRequest.limits.timeMs). */
  timeLimitMs?: number
  /** Wall-clock time and resident memory allowed each run's process (--wall-limit, --rss-limit). */
  limits?: ProcessLimitOptions
  /** Runs with derived seeds (runs.ts, runSeed); absent means one run. */
  runs?: number
  /** The cost profile `machine.costs: 'measured'` uses (default ~/.config/hugeswap/costs.json). */
  costs?: string
  /** The simulator's full-state audit after every operation (slow; for model developers). */
  audit?: boolean
  /** `--param PATH=VALUE` overrides (RunRequest.params), e.g. `params.procs=50`. */
  params?: Record<string, string>
}

/** `hugeswap compare A.json B.json`: A is the baseline column, B the other, variant by variant. */
export interface CompareOptions {
  a: string
  b: string
  format: Exclude<OutputFormat, 'json'>
}

/** One `--param PATH=V1,V2,...`: a sweep axis. */
export interface SweepParam {
  path: string
  values: string[]
}

/** --wall-limit and --rss-limit: the bounds of a run's process (node-host.ts). */
export interface ProcessLimitOptions {
  wallMs?: number
  rssBytes?: number
}

export interface SweepOptions {
  file?: string
  limits?: ProcessLimitOptions
  /** As RunOptions.costs. */
  costs?: string
  params: SweepParam[]
  variants?: VariantName[]
  seed?: number
  out?: string
  timeLimitMs?: number
  /** Chart and table metrics (resolveMetric names); default DEFAULT_SWEEP_METRICS. */
  metrics?: string[]
}

export interface ExportSelftestOptions {
  file?: string
  out?: string
  /** The variant whose run supplies the expectations (default pmd-swap). */
  variant?: VariantName
  seed?: number
  limits?: ProcessLimitOptions
}

export interface RealCommandOptions {
  /** One or more scenario files; none runs the default scenario. */
  files: string[]
  /** The model variant to hold the kernel against (default: what the kernel reports). */
  variant?: VariantName
  seed?: number
  json?: string
  out?: string
  /** A conformance report in Markdown (docs/conformance.md is one). */
  markdown?: string
  /** 'host' (the default): this machine's kernel; 'debian' or a bzImage path: one in QEMU. */
  kernel?: string
  /** As RunOptions.costs. */
  costs?: string
  /**
   * Judge under memory pressure: counts agree within this fraction (and one THP's worth), and
   * how reclaim divides between kswapd and direct reclaim is shown, not judged.
   */
  tolerance?: number
}

export interface CalibrateCommandOptions {
  /** The cost profile to write (default ~/.config/hugeswap/costs.json). */
  out?: string
  /** A document whose calibrate section is rewritten (docs/calibration.md). */
  markdown?: string
}

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'run'; options: RunOptions }
  | { kind: 'compare'; options: CompareOptions }
  | { kind: 'sweep'; options: SweepOptions }
  | { kind: 'export-selftest'; options: ExportSelftestOptions }
  | { kind: 'real'; options: RealCommandOptions }
  | { kind: 'calibrate'; options: CalibrateCommandOptions }
  | { kind: 'usage-error'; message: string }

/** Seeds are whole numbers that survive a round trip through a 32-bit RNG state unchanged. */
const MAX_SEED = 2 ** 32 - 1
/** `--runs` and sweep grids beyond this are almost certainly typos (each point is a full run). */
export const MAX_RUNS = 1000
export const MAX_SWEEP_POINTS = 10_000

/**
 * The metrics sweep tabulates and charts by default, in the grammar of resolveMetric()
 * (src/report/charts/sweep.ts): LKP source prefixes, or paths into a variant's result.
 */
export const DEFAULT_SWEEP_METRICS = [
  'proc-vmstat.pswpin',
  'proc-vmstat.thp_split_pmd',
  'meminfo.PageTables',
  'faults.count',
  'faults.totalNs',
] as const

export const USAGE = `Usage: hugeswap run [FILE] [options]
       hugeswap compare A.json B.json [--format text|lkp|mmtests]
       hugeswap sweep [FILE] --param PATH=V1,V2,... [--param ...] [options]
       hugeswap export-selftest [FILE] [--out DIR] [--variant NAME] [--seed N]
       hugeswap calibrate [--out FILE] [--markdown PATH]
       hugeswap real [FILE...] [--kernel host|debian|PATH] [--variant NAME] [--seed N]
                     [--json PATH|-] [--out DIR] [--markdown PATH]

run: runs a Hugeswap scenario once per kernel variant on a simulated machine and prints a
plain-text report. FILE defaults to scenarios/one-thp.ts, the example the app opens with.

Options (run):
  --variants a,b       run only these variants, in this order:
                       ${VARIANT_NAMES.join(', ')}
  --seed N             override the scenario's seed (0 to ${MAX_SEED})
  --runs N             run N times (1 to ${MAX_RUNS}) in parallel, one process per core, with
                       seeds derived from the base seed B (--seed, else the scenario's):
                       run i uses (B + i * 0x9e3779b9) mod 2^32, so run 0 is B itself; the
                       tables then show the mean and %stddev over the runs
  --json PATH|-        write the result JSON to PATH (atomically), or with - to stdout, which
                       then holds the JSON and nothing else; with --runs N > 1 the file is
                       { "schema": 1, "runs": [result, ...] } in run order
  --out DIR            write results.json, results.csv, report.txt and the charts (.svg, .png)
                       into DIR (with --runs: results.json holds every run, the other files
                       describe run 0)
  --costs FILE         the cost profile machine: { costs: 'measured' } selects (written by
                       hugeswap calibrate; default ~/.config/hugeswap/costs.json)
  --time-limit MS      script time allowed per variant, in ms (default 10000); time spent
                       inside the simulator does not count
  --wall-limit S       wall-clock time allowed per run, all variants, in seconds (default
                       ${DEFAULT_WALL_MS / 1000}); a run past it is stopped (exit status 2)
  --rss-limit SIZE     memory the run's process may hold (512M, 8G; default
                       ${DEFAULT_RSS_LIMIT_BYTES / 1024 ** 3}G); a run past it is stopped (exit status 2)
  --audit              run: check the simulator's whole state after every operation (swap
                       counts, mapcounts, counters); the first inconsistency stops the run
                       at its FILE:LINE:COL. Slow: for model development
  --param PATH=VALUE   set a scenario parameter (params.procs=50) or any definition field
                       (machine.swap[0].size=4G, as for sweep); repeatable
  --format FORMAT      what to print on stdout: text (default), json, or lkp / mmtests
                       (variants compared against baseline as 0-day and mmtests print them);
                       with --runs, text is the mail report (summary, LKP table, histograms)
  -h, --help           show this help
  -V, --version        show the tool version and model revision

compare: compares two saved results (--json files; each may hold one result or a --runs file),
variant by variant: for every variant name present in both, one block with A as the baseline
column and B beside it with its %change (runs files: means, with %stddev). Variants in only one
file are listed and skipped. --format lkp (default) or mmtests prints that layout; text prints a
plain table (A, B, change). Exit status 2 when a file is unreadable, not JSON, or not schema 1.

sweep: runs the scenario on every point of the grid of --param values (the cartesian product,
first --param outermost), each point one run with its params applied to the definition
(PATH: params.NAME for a parameter the scenario declares, or a definition field such as
machine.swap[0].size, machine.vm.page_cluster, machine.zswap, seed), in parallel, one process
per point and one per core at a time. Prints one table row per point and variant.
  --param PATH=V1,V2   an axis (repeatable; at least one)
  --out DIR            write DIR/points/<path=value,...>.json (one result per point),
                       DIR/sweep.json (the index) and DIR/charts/<metric>.svg|png: each metric
                       against the first --param, one line per variant (and per value of the
                       other params)
  --metrics a,b        the metrics to tabulate and chart: proc-vmstat.NAME, meminfo.NAME, or a
                       path into a variant's result (faults.count, faults.totalNs,
                       faults.byType.swapin-io.latencyNs.p99, pageTables.peakBytes, fallbacks.REASON, ...); default:
                       ${DEFAULT_SWEEP_METRICS.slice(0, 3).join(', ')},
                       ${DEFAULT_SWEEP_METRICS.slice(3).join(', ')}
  --variants, --seed, --time-limit, --wall-limit, --rss-limit as for run (per point)
Progress on stderr on a terminal; wall time and core utilisation on stderr at the end.

export-selftest: writes DIR/pmd_swap_<name>.c, a kselftest skeleton shaped like
tools/testing/selftests/mm/pmd_swap.c with the scenario's steps translated to syscalls
(expectations taken from one simulated run of --variant, default pmd-swap), and DIR/README.txt
with a usemem starting point and a virtme-ng command line for the scenario's machine.
DIR defaults to the current directory.
  --variant NAME       the variant whose run supplies the expectations
  --seed N, --wall-limit S, --rss-limit SIZE
                       as for run

real: runs each scenario in the model and on this machine's own kernel, step by step, and
prints them side by side: after every step, the /proc/vmstat events (as deltas), each task's
VmSwap, VmPTE and RssAnon, its fault counts, and smaps Rss, AnonHugePages and Swap of every
range the scenario mapped. Needs root and a C compiler: the host is set up as the scenario's
machine (swap devices on zram, loop devices or a swap file; THP, mTHP, khugepaged and vm
knobs; zswap), a generated C program replays the steps, and every setting and device is put
back afterwards, also on Ctrl-C (a killed run is undone by the next). What the host cannot
give (its RAM size, fault injection, ...) is listed. The model variant is the kernel's:
pmd-swap when /proc/vmstat has thp_swpout_pmd, else baseline.
  --variant NAME       hold the kernel against this variant instead
  --json PATH|-        write the reports as JSON ({ kind: 'hugeswap-real', reports: [...] })
  --out DIR            write DIR/<scenario>.real.txt, .real.json and .kernel.txt (the raw
                       observations) for each FILE
  --markdown PATH      write a conformance report: agreement table, differences, and what is
                       known of them (docs/conformance.md is one)
  --kernel host|debian|PATH
                       host (the default): this machine's kernel. debian: the newest
                       /boot/vmlinuz-* (apt-get install linux-image-amd64), or PATH to a
                       bzImage: booted in QEMU with the scenario's RAM and swap devices (zram
                       from the kernel's modules, virtio disks), KVM when it works, else TCG
  --seed N             as for run
  --tolerance PCT      judge as under memory pressure, where a kernel's reclaim races its own
                       CPUs and the machine's file pages: a count agrees within PCT of the
                       larger side or one THP's worth (512 pages, 2048 kB, 1 THP); errno and
                       userfaultfd events stay exact; the split between kswapd and direct
                       reclaim, allocstall, pageoutrun, aging (pgrefill, pgdeactivate) and
                       nr_swapcached are shown, not judged. The pressure suite uses 25%
Exit status (real): 0 every judged observable agrees, 1 some differ, 2 it could not run.

calibrate: measures this machine's kernel (as root, on zram and on a loop device standing for
an NVMe disk, every setting put back afterwards): first-touch faults of 4 KB pages and THPs,
MADV_PAGEOUT and swap-in per page with compressible and incompressible contents, swap-in with
and without readahead, munmap. Runs the same operations in the model, fits one cost figure per
measurement that maps onto one, and writes the profile that machine: { costs: 'measured' }
selects, with a table of kernel against model (default figures, then the profile).
  --out FILE           the profile (default ~/.config/hugeswap/costs.json)
  --markdown PATH      rewrite PATH's calibrate section (docs/calibration.md has one)

Exit status: 0 every k.expect passed, 1 some check failed, 2 the scenario could not run
(syntax or runtime error, time or memory limit, bad option, unreadable file).
`

const OPTIONS = {
  variants: { type: 'string' },
  variant: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  runs: { type: 'string' },
  param: { type: 'string', multiple: true },
  metrics: { type: 'string' },
  'time-limit': { type: 'string' },
  'wall-limit': { type: 'string' },
  'rss-limit': { type: 'string' },
  markdown: { type: 'string' },
  kernel: { type: 'string' },
  costs: { type: 'string' },
  audit: { type: 'boolean' },
  tolerance: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const

type OptionName = keyof typeof OPTIONS

/** The options each command accepts (help and version go everywhere). */
const COMMAND_OPTIONS: Record<string, readonly OptionName[]> = {
  run: [
    'variants',
    'seed',
    'json',
    'format',
    'out',
    'runs',
    'time-limit',
    'wall-limit',
    'rss-limit',
    'costs',
    'audit',
    'param',
  ],
  compare: ['format'],
  sweep: [
    'param',
    'variants',
    'seed',
    'out',
    'metrics',
    'time-limit',
    'wall-limit',
    'rss-limit',
    'costs',
  ],
  'export-selftest': ['variant', 'seed', 'out', 'wall-limit', 'rss-limit'],
  real: ['variant', 'seed', 'json', 'out', 'markdown', 'kernel', 'costs', 'tolerance'],
  calibrate: ['out', 'markdown'],
}
const COMMANDS = Object.keys(COMMAND_OPTIONS)

function usageError(message: string): Command {
  return { kind: 'usage-error', message }
}

type Values = {
  [K in OptionName]?: (typeof OPTIONS)[K] extends { multiple: true }
    ? string[]
    : (typeof OPTIONS)[K]['type'] extends 'boolean'
      ? boolean
      : string
}

export function parseCommandLine(argv: readonly string[]): Command {
  let parsed
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true })
  } catch (err) {
    return usageError(describeParseError(err))
  }
  const values = parsed.values as Values
  const positionals = parsed.positionals
  if (values.help) return { kind: 'help' }
  if (values.version) return { kind: 'version' }

  const [command, ...rest] = positionals
  if (command === undefined) return usageError('missing command (try: hugeswap run)')
  if (command === 'help') return { kind: 'help' }
  if (!COMMANDS.includes(command)) {
    return usageError(`unknown command '${command}' (known: ${COMMANDS.join(', ')})`)
  }
  for (const name of Object.keys(values) as OptionName[]) {
    if (name === 'help' || name === 'version' || values[name] === undefined) continue
    if (!COMMAND_OPTIONS[command].includes(name)) {
      return usageError(`${command} does not take --${name}`)
    }
  }
  try {
    switch (command) {
      case 'compare':
        return parseCompare(rest, values)
      case 'sweep':
        return parseSweep(rest, values)
      case 'export-selftest':
        return parseExport(rest, values)
      case 'real':
        return parseReal(rest, values)
      case 'calibrate':
        return parseCalibrate(rest, values)
      default:
        return parseRun(rest, values)
    }
  } catch (err) {
    if (err instanceof UsageError) return usageError(err.message)
    throw err
  }
}

class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message)
}

function optionalFile(command: string, rest: readonly string[]): string | undefined {
  if (rest.length > 1) fail(`${command} takes one FILE, got ${rest.length}: ${rest.join(' ')}`)
  if (rest[0] === '') fail('FILE is empty')
  return rest[0]
}

function common(values: Values): {
  variants?: VariantName[]
  seed?: number
  out?: string
  timeLimitMs?: number
  costs?: string
  limits?: ProcessLimitOptions
} {
  const out: ReturnType<typeof common> = {}
  const limits = processLimits(values)
  if (limits) out.limits = limits
  if (values.costs !== undefined) {
    if (values.costs === '') fail('--costs needs a FILE (a profile from hugeswap calibrate)')
    out.costs = values.costs
  }
  if (values.variants !== undefined) {
    const variants = parseVariants(values.variants)
    if (typeof variants === 'string') fail(variants)
    out.variants = variants
  }
  if (values.seed !== undefined) {
    const seed = parseSeed(values.seed)
    if (typeof seed === 'string') fail(seed)
    out.seed = seed
  }
  if (values.out !== undefined) {
    if (values.out === '') fail('--out needs a DIR')
    out.out = values.out
  }
  if (values['time-limit'] !== undefined) {
    const ms = /^\d+$/.test(values['time-limit']) ? Number(values['time-limit']) : NaN
    if (!(ms >= 1 && ms <= 3_600_000)) {
      fail(
        `--time-limit must be a whole number of ms from 1 to 3600000, not '${values['time-limit']}'`,
      )
    }
    out.timeLimitMs = ms
  }
  return out
}

/** The largest --wall-limit: a day. */
const MAX_WALL_S = 86_400

function processLimits(values: Values): ProcessLimitOptions | undefined {
  const limits: ProcessLimitOptions = {}
  const wall = values['wall-limit']
  if (wall !== undefined) {
    const s = /^\d+$/.test(wall) ? Number(wall) : NaN
    if (!(s >= 1 && s <= MAX_WALL_S)) {
      fail(`--wall-limit must be a whole number of seconds from 1 to ${MAX_WALL_S}, not '${wall}'`)
    }
    limits.wallMs = s * 1000
  }
  const rss = values['rss-limit']
  if (rss !== undefined) {
    const m = /^(\d+)([MG])$/i.exec(rss)
    const bytes = m ? Number(m[1]) * 1024 ** (m[2].toUpperCase() === 'G' ? 3 : 2) : NaN
    if (!(bytes >= 64 * 1024 ** 2 && bytes <= 1024 ** 4)) {
      fail(`--rss-limit must be a size from 64M to 1024G (512M, 8G), not '${rss}'`)
    }
    limits.rssBytes = bytes
  }
  return wall === undefined && rss === undefined ? undefined : limits
}

function parseRun(rest: readonly string[], values: Values): Command {
  const options: RunOptions = { format: 'text' }
  const file = optionalFile('run', rest)
  if (file !== undefined) options.file = file
  const { variants, seed, out, timeLimitMs, costs, limits } = common(values)
  if (costs !== undefined) options.costs = costs
  if (limits) options.limits = limits
  if (variants) options.variants = variants
  if (seed !== undefined) options.seed = seed
  if (values.audit) options.audit = true
  for (const text of values.param ?? []) {
    const { path, values: v } = parseSweepParam(text)
    if (v.length !== 1) fail(`run: --param ${path} takes one value (sweep takes a list)`)
    options.params ??= {}
    if (path in options.params) fail(`--param ${path} given twice`)
    options.params[path] = v[0]
  }
  if (values.json !== undefined) {
    if (values.json === '') fail('--json needs a PATH or -')
    options.json = values.json
  }
  if (out !== undefined) options.out = out
  if (timeLimitMs !== undefined) options.timeLimitMs = timeLimitMs
  if (values.format !== undefined) options.format = parseFormat(values.format, OUTPUT_FORMATS)
  if (values.runs !== undefined) {
    const runs = /^\d+$/.test(values.runs) ? Number(values.runs) : NaN
    if (!(runs >= 1 && runs <= MAX_RUNS)) {
      fail(`--runs must be a whole number from 1 to ${MAX_RUNS}, not '${values.runs}'`)
    }
    options.runs = runs
  }
  return { kind: 'run', options }
}

function parseFormat<T extends string>(text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) {
    fail(`--format must be one of ${allowed.join(', ')}, not '${text}'`)
  }
  return text as T
}

function parseCompare(rest: readonly string[], values: Values): Command {
  if (rest.length !== 2) {
    fail(`compare takes two result files (A.json B.json), got ${rest.length}`)
  }
  if (rest.some((f) => f === '')) fail('compare: a file name is empty')
  const format =
    values.format === undefined
      ? 'lkp'
      : parseFormat(values.format, ['text', 'lkp', 'mmtests'] as const)
  return { kind: 'compare', options: { a: rest[0], b: rest[1], format } }
}

function parseSweep(rest: readonly string[], values: Values): Command {
  const options: SweepOptions = { params: [] }
  const file = optionalFile('sweep', rest)
  if (file !== undefined) options.file = file
  Object.assign(options, common(values))
  for (const text of values.param ?? []) {
    const param = parseSweepParam(text)
    if (options.params.some((p) => p.path === param.path)) {
      fail(`--param ${param.path} given twice`)
    }
    options.params.push(param)
  }
  if (options.params.length === 0) fail('sweep needs at least one --param PATH=V1,V2,...')
  const points = options.params.reduce((n, p) => n * p.values.length, 1)
  if (points > MAX_SWEEP_POINTS) {
    fail(`sweep: ${points} points is more than ${MAX_SWEEP_POINTS}; narrow the --param lists`)
  }
  if (values.metrics !== undefined) {
    const metrics = values.metrics.split(',').map((m) => m.trim())
    if (metrics.some((m) => m === '')) fail(`--metrics: empty name in '${values.metrics}'`)
    options.metrics = metrics
  }
  return { kind: 'sweep', options }
}

/** `machine.swap[0].size=1G,2G` -> { path, values }; values are passed on as strings. */
export function parseSweepParam(text: string): SweepParam {
  const eq = text.indexOf('=')
  if (eq <= 0) fail(`--param must be PATH=V1,V2,..., not '${text}'`)
  const path = text.slice(0, eq).trim()
  const values = text
    .slice(eq + 1)
    .split(',')
    .map((v) => v.trim())
  if (values.some((v) => v === '')) fail(`--param ${path}: empty value in '${text}'`)
  if (new Set(values).size !== values.length) fail(`--param ${path}: a value is listed twice`)
  return { path, values }
}

function parseExport(rest: readonly string[], values: Values): Command {
  const options: ExportSelftestOptions = {}
  const file = optionalFile('export-selftest', rest)
  if (file !== undefined) options.file = file
  const { seed, out, limits } = common(values)
  if (seed !== undefined) options.seed = seed
  if (out !== undefined) options.out = out
  if (limits) options.limits = limits
  if (values.variant !== undefined) {
    const variants = parseVariants(values.variant)
    if (typeof variants === 'string') fail(variants.replace('--variants', '--variant'))
    if (variants.length !== 1) fail('--variant takes one variant name')
    options.variant = variants[0]
  }
  return { kind: 'export-selftest', options }
}

function parseCalibrate(rest: readonly string[], values: Values): Command {
  if (rest.length) fail(`calibrate takes no FILE (got ${rest[0]})`)
  const options: CalibrateCommandOptions = {}
  if (values.out !== undefined) {
    if (values.out === '') fail('--out needs a FILE')
    options.out = values.out
  }
  if (values.markdown !== undefined) {
    if (values.markdown === '') fail('--markdown needs a PATH')
    options.markdown = values.markdown
  }
  return { kind: 'calibrate', options }
}

function parseReal(rest: readonly string[], values: Values): Command {
  if (rest.some((f) => f === '')) fail('real: a FILE is empty')
  const options: RealCommandOptions = { files: [...rest] }
  const { seed, out, costs } = common(values)
  if (costs !== undefined) options.costs = costs
  if (seed !== undefined) options.seed = seed
  if (out !== undefined) options.out = out
  if (values.json !== undefined) {
    if (values.json === '') fail('--json needs a PATH or -')
    options.json = values.json
  }
  if (values.variant !== undefined) {
    const variants = parseVariants(values.variant)
    if (typeof variants === 'string') fail(variants.replace('--variants', '--variant'))
    if (variants.length !== 1) fail('--variant takes one variant name')
    options.variant = variants[0]
  }
  if (values.markdown !== undefined) {
    if (values.markdown === '') fail('--markdown needs a PATH')
    options.markdown = values.markdown
  }
  if (values.tolerance !== undefined) {
    const m = /^(\d+(?:\.\d+)?)%$/.exec(values.tolerance.trim())
    const pct = m ? Number(m[1]) : NaN
    if (!(pct >= 0 && pct < 100)) {
      fail(`--tolerance takes a percentage from 0% to 99%, e.g. 25% (got '${values.tolerance}')`)
    }
    options.tolerance = pct / 100
  }
  if (values.kernel !== undefined) {
    if (values.kernel === '') fail('--kernel needs host, debian or a PATH to a bzImage')
    if (values.kernel !== 'host') options.kernel = values.kernel
  }
  return { kind: 'real', options }
}

/** `a,b` → validated variant names, or an error message. */
export function parseVariants(text: string): VariantName[] | string {
  const names = text.split(',').map((name) => name.trim())
  const result: VariantName[] = []
  for (const name of names) {
    if (name === '') return `--variants: empty name in '${text}'`
    if (!(VARIANT_NAMES as readonly string[]).includes(name)) {
      return `--variants: unknown variant '${name}' (known: ${VARIANT_NAMES.join(', ')})`
    }
    if ((result as string[]).includes(name)) return `--variants: '${name}' given twice`
    result.push(name as VariantName)
  }
  return result
}

/** A decimal seed, or an error message. */
export function parseSeed(text: string): number | string {
  const seed = /^\d+$/.test(text) ? Number(text) : NaN
  if (!(seed <= MAX_SEED))
    return `--seed must be a whole number from 0 to ${MAX_SEED}, not '${text}'`
  return seed
}

/** parseArgs' messages are written for programmers; these are for someone at a prompt. */
function describeParseError(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  const code = (err as NodeJS.ErrnoException).code
  const quoted = /'([^']+)'/.exec(err.message)?.[1]
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && quoted) return `unknown option '${quoted}'`
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && quoted) {
    const option = quoted.split(' ')[0]
    if (/does not take/.test(err.message)) return `option '${option}' takes no value`
    if (/ambiguous/.test(err.message)) {
      return `option '${option}' needs a value (write ${option}=-X for a value starting with -)`
    }
    return `option '${option}' needs a value`
  }
  return err.message.split('\n')[0]
}
