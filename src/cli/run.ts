/**
 * `hugeswap run`: read the scenario, run it in a process of its own, print the report, write the JSON,
 * and turn the outcome into the exit status of docs/cli.md#exit-status.
 */
import { CLEAR_LINE, jsonForTerminal } from '../shared/terminal'
import { readFile } from 'node:fs/promises'
import { basename, isAbsolute, relative, resolve } from 'node:path'
import { formatLkp } from '../report/text/lkp'
import { formatMailReport } from '../report/text/mail'
import type { RunsInput } from '../report/text/metrics'
import { formatMmtests } from '../report/text/mmtests'
import { formatSummary } from '../report/text/summary'
import { forkScenarioProcess, runInProcess, startJob } from '../scenario/node-host'
import type { Definition } from '../scenario/describe'
import {
  formatScenarioError,
  type ResultJson,
  type RunOutcome,
  type ScenarioError,
} from '../shared/result'
import type { RunRequest } from '../shared/worker-protocol'
import type { OutputFormat, ProcessLimitOptions, RunOptions } from './args'
import { writeOutDir } from './out-dir'
import { createProgressLine } from './progress'
import { formatPoolStats, runPool, runSeed } from './pool'
import { loadMeasuredCosts } from './costs'
import { checkWritable, writeFileAtomic } from '../node/write-file'

export const EXIT_OK = 0
export const EXIT_CHECK_FAILED = 1
export const EXIT_CANNOT_RUN = 2
/** What a shell reports for a run stopped by Ctrl-C (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130

export interface CliEnv {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WriteStream
  cwd: string
  /** The package root: the default scenario is found from here, not from cwd. */
  packageRoot: string
  /** The scenario process entry of the CLI bundle (out/cli/scenario-process.js). */
  processEntry: URL
}

const STDOUT_FORMATTERS = {
  text: formatSummary,
  lkp: formatLkp,
  mmtests: formatMmtests,
} as const satisfies Record<Exclude<OutputFormat, 'json'>, (result: ResultJson) => string>

/**
 * The formats for several runs (mean and %stddev per metric). The terminal summary is a
 * one-result report, so several runs print the mail report in text mode: the short summary, the
 * LKP table with %stddev and the latency histograms.
 */
const RUNS_FORMATTERS = {
  text: formatMailReport,
  lkp: formatLkp,
  mmtests: formatMmtests,
} as const satisfies Record<Exclude<OutputFormat, 'json'>, (runs: RunsInput) => string>

/** `--json` with several runs: every result in run order (docs/cli.md#run, `--runs`). */
export interface RunsJson {
  schema: 1
  runs: ResultJson[]
}

export const DEFAULT_SCENARIO = 'scenarios/one-thp.ts'

export async function runCommand(options: RunOptions, env: CliEnv): Promise<number> {
  const path = options.file
    ? resolve(env.cwd, options.file)
    : resolve(env.packageRoot, DEFAULT_SCENARIO)
  // Errors name the file the way the user can open it; the result names it by its base name, so
  // the JSON does not depend on where the command ran from.
  const shownPath = options.file ?? shortestPath(env.cwd, path)
  const fail = (error: ScenarioError): number => {
    const file = error.file === basename(path) ? shownPath : error.file
    env.stderr.write(formatScenarioError({ ...error, file }) + '\n')
    return EXIT_CANNOT_RUN
  }

  let source: string
  try {
    source = await readFile(path, 'utf8')
  } catch (err) {
    return fail({
      kind: 'option',
      file: shownPath,
      message: `cannot read: ${describeIoError(err)}`,
    })
  }

  // Where the results go is checked before the run, not after it.
  try {
    if (options.json !== undefined && options.json !== '-') {
      await checkWritable(resolve(env.cwd, options.json))
    }
    if (options.out !== undefined) await checkWritable(resolve(env.cwd, options.out), true)
  } catch (err) {
    env.stderr.write(`hugeswap: cannot write: ${describeIoError(err)}\n`)
    return EXIT_CANNOT_RUN
  }

  const request: RunRequest = { source, fileName: basename(path) }
  if (options.variants) request.variants = options.variants
  if (options.seed !== undefined) request.seed = options.seed
  if (options.audit) request.audit = true
  if (options.params) request.params = options.params
  if (options.timeLimitMs !== undefined) request.limits = { timeMs: options.timeLimitMs }
  withModelBudget(request, options.limits)
  const costs = await loadMeasuredCosts(options.costs, env.cwd)
  if (!costs.ok) {
    env.stderr.write(costs.message + '\n')
    return EXIT_CANNOT_RUN
  }
  if (costs.costs) request.measuredCosts = costs.costs

  if ((options.runs ?? 1) > 1) return runMany(options, request, env, fail)

  const outcome = await runInChild(request, options, env)
  if (outcome === 'interrupted') return EXIT_INTERRUPTED
  if (!outcome.ok) return fail(outcome.error)
  const result = outcome.result

  const json = resultJson(result)
  if (json === undefined) return fail(tooLarge(path))
  const report = (format: Exclude<OutputFormat, 'json'>) => STDOUT_FORMATTERS[format](result)
  if (!(await writeOutputs(options, env, json, report, result))) return EXIT_CANNOT_RUN

  const failed = failedChecks(result)
  // The summary lists failures itself; with any other stdout, stderr says why the status is 1.
  if (options.json === '-' || options.format !== 'text') {
    for (const line of failed) env.stderr.write(line + '\n')
  }
  return failed.length > 0 ? EXIT_CHECK_FAILED : EXIT_OK
}

/**
 * `--runs N`: the base seed B is --seed, else the scenario's own (read by evaluating the
 * definition once here); run i gets runSeed(B, i), so run 0 is exactly the single run.
 */
async function runMany(
  options: RunOptions,
  request: RunRequest,
  env: CliEnv,
  fail: (error: ScenarioError) => number,
): Promise<number> {
  const count = options.runs ?? 1
  let base = options.seed
  if (base === undefined) {
    // The definition is evaluated in a process of its own, under the same limits as a run.
    const described = await startJob<Definition>('describe', request, {
      start: () => forkScenarioProcess(env.processEntry),
      ...options.limits,
    }).result
    if (!described.ok) return fail(described.error)
    base = described.seed
  }
  const requests = Array.from({ length: count }, (_, i) => ({
    ...request,
    seed: runSeed(base, i),
  }))
  const progress = env.stderr.isTTY ? env.stderr : undefined
  const pool = runPool(requests, {
    processEntry: env.processEntry,
    limits: options.limits,
    onSettled: (_i, _o, done, total) => {
      progress?.write(`${CLEAR_LINE}[${done}/${total}] runs done`)
    },
  })
  const onSigint = (): void => pool.cancel()
  process.once('SIGINT', onSigint)
  let outcomes: RunOutcome[]
  let cancelled: boolean
  let stats
  try {
    ;({ outcomes, cancelled, stats } = await pool.result)
  } finally {
    process.removeListener('SIGINT', onSigint)
    progress?.write(CLEAR_LINE)
  }
  if (cancelled) return EXIT_INTERRUPTED
  const results: ResultJson[] = []
  for (const [i, outcome] of outcomes.entries()) {
    if (!outcome.ok) {
      const seed = requests[i].seed
      return fail({
        ...outcome.error,
        message: `run ${i} (seed ${seed}): ${outcome.error.message}`,
      })
    }
    results.push(outcome.result)
  }
  const runsJson: RunsJson = { schema: 1, runs: results }
  const json = resultJson(runsJson)
  if (json === undefined) return fail(tooLarge(options.file ?? DEFAULT_SCENARIO))
  const report = (format: Exclude<OutputFormat, 'json'>) => RUNS_FORMATTERS[format](results)
  // The out-dir files describe run 0 (the base seed); results.json holds every run.
  if (!(await writeOutputs(options, env, json, report, results[0]))) return EXIT_CANNOT_RUN
  if (progress) env.stderr.write(formatPoolStats(stats, count) + '\n')
  const failed = results.flatMap((result, i) =>
    failedChecks(result).map((line) => `run ${i} (seed ${result.scenario.seed}): ${line}`),
  )
  for (const line of failed) env.stderr.write(line + '\n')
  return failed.length > 0 ? EXIT_CHECK_FAILED : EXIT_OK
}

/**
 * What --json, --format and --out ask for: the JSON on stdout or in a file, else the chosen report
 * on stdout, and the --out directory for `outResult`. False, with the reason on stderr, when a file
 * could not be written.
 */
async function writeOutputs(
  options: RunOptions,
  env: CliEnv,
  json: string,
  report: (format: Exclude<OutputFormat, 'json'>) => string,
  outResult: ResultJson,
): Promise<boolean> {
  if (options.json === '-') {
    env.stdout.write(json)
  } else {
    if (options.json !== undefined) {
      try {
        await writeFileAtomic(resolve(env.cwd, options.json), json)
      } catch (err) {
        env.stderr.write(`hugeswap: cannot write ${options.json}: ${describeIoError(err)}\n`)
        return false
      }
    }
    env.stdout.write(options.format === 'json' ? json : report(options.format))
  }
  if (options.out !== undefined) {
    try {
      await writeOutDir(resolve(env.cwd, options.out), outResult, json)
    } catch (err) {
      env.stderr.write(`hugeswap: cannot write ${options.out}: ${describeIoError(err)}\n`)
      return false
    }
  }
  return true
}

/** A scenario file read for a command, or the message for stderr (exit 2). */
export type LoadedScenario =
  { ok: true; source: string; fileName: string; shownPath: string } | { ok: false; message: string }

/** Reads FILE (or the default scenario) the way `run` does, naming it as the user typed it. */
export async function loadScenario(
  file: string | undefined,
  env: Pick<CliEnv, 'cwd' | 'packageRoot'>,
): Promise<LoadedScenario> {
  const path = file ? resolve(env.cwd, file) : resolve(env.packageRoot, DEFAULT_SCENARIO)
  const shownPath = file ?? shortestPath(env.cwd, path)
  try {
    const source = await readFile(path, 'utf8')
    return { ok: true, source, fileName: basename(path), shownPath }
  } catch (err) {
    return { ok: false, message: `${shownPath}: cannot read: ${describeIoError(err)}` }
  }
}

/** A ScenarioError for stderr, with the file named as the user typed it. */
export function formatErrorFor(error: ScenarioError, fileName: string, shownPath: string): string {
  const file = error.file === fileName ? shownPath : error.file
  return formatScenarioError({ ...error, file })
}

async function runInChild(
  request: RunRequest,
  options: RunOptions,
  env: CliEnv,
): Promise<RunOutcome | 'interrupted'> {
  const progress = createProgressLine(env.stderr)
  // A process of its own: a scenario that makes V8 abort or fills memory costs this run, never
  // the terminal (node-host.ts lists the limits).
  const run = runInProcess(request, {
    start: () => forkScenarioProcess(env.processEntry),
    onProgress: progress ? (p) => progress.update(p) : undefined,
    ...options.limits,
  })
  // Ctrl-C kills the process at once and exits with the shell's usual status, without
  // waiting for the host to report the cancelled run.
  let onSigint = (): void => {}
  const interrupted = new Promise<'interrupted'>((resolve) => {
    onSigint = () => {
      run.cancel()
      resolve('interrupted')
    }
  })
  process.once('SIGINT', onSigint)
  try {
    return await Promise.race([run.result, interrupted])
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    return {
      ok: false,
      error: { kind: 'internal', message: `hugeswap: the scenario process failed: ${message}` },
    }
  } finally {
    process.removeListener('SIGINT', onSigint)
    progress?.clear()
  }
}

/**
 * The result JSON as written (two-space indent), or undefined when it is past what a JavaScript
 * string holds: the limits on checks, snapshots and warnings keep a run well below that, so this
 * is the last line of defence, not the way out.
 */
export function resultJson(value: unknown): string | undefined {
  try {
    return jsonForTerminal(JSON.stringify(value, null, 2)) + '\n'
  } catch (e) {
    if (e instanceof RangeError) return undefined
    throw e
  }
}

function tooLarge(path: string): ScenarioError {
  return {
    kind: 'memory',
    file: basename(path),
    message: 'the result is too large to write as JSON (more than 512 MiB)',
  }
}

/**
 * --rss-limit also sizes the model's byte budget (three quarters of it), so a scenario that asks
 * for too much memory stops at its own call with a message, before the process limit kills it.
 */
export function withModelBudget(
  request: RunRequest,
  limits: ProcessLimitOptions | undefined,
): void {
  if (limits?.rssBytes === undefined) return
  request.limits = { ...request.limits, modelBytes: Math.floor(limits.rssBytes * 0.75) }
}

/** `FILE:LINE:COL: check failed: label (variant): actual X, expected Y` per failed check. */
export function failedChecks(result: ResultJson): string[] {
  return result.variants.flatMap((v) =>
    v.checks
      .filter((c) => !c.pass)
      .map((c) => {
        const where = c.location ? `${c.location}: ` : ''
        const label = c.label === '' ? '' : ` ${JSON.stringify(c.label)}`
        return (
          `${where}check failed${label} (${v.name}): actual ${JSON.stringify(c.actual)}, ` +
          `expected ${c.matcher} ${JSON.stringify(c.expected)}`
        )
      }),
  )
}

export function shortestPath(cwd: string, path: string): string {
  const rel = relative(cwd, path)
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel
}

export function describeIoError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENOENT') return 'no such file or directory'
  if (code === 'EISDIR') return 'is a directory'
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied'
  if (code === 'ENOTDIR') return 'not a directory'
  return err instanceof Error ? err.message : String(err)
}
