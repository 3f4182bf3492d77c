/**
 * `hugeswap sweep FILE --param PATH=V1,V2 [--param ...]`: the cartesian grid of the params (first
 * --param outermost, so points come out in reading order), each point one RunRequest with its
 * `params` applied to the definition, run on a pool of one scenario process per core.
 *
 * --out DIR gets:
 *   DIR/points/<path=value,...>.json   one result JSON per point (characters outside
 *                                      [A-Za-z0-9._=,+-] become `_`; a clash gets `~2`, `~3`)
 *   DIR/sweep.json                     the index (SweepIndex below; no wall-clock times)
 *   DIR/charts/<metric>[@<others>].svg|png
 *                                      each metric against the first param, one line per variant;
 *                                      with more params, one chart per value of the others
 *
 * Exit status: 2 when some point could not run (the others are still written), else 1 when some
 * check failed, else 0.
 */
import { CLEAR_LINE } from '../shared/terminal'
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { metricUnit, resolveMetric, sweepOption, type SweepPoint } from '../report/charts/sweep'
import { ascii, formatNumber } from '../report/text/metrics'
import { brokenRunFindings } from '../report/text/banner'
import type { ResultJson } from '../shared/result'
import type { RunRequest } from '../shared/worker-protocol'
import { DEFAULT_SWEEP_METRICS, type SweepOptions, type SweepParam } from './args'
import { formatPoolStats, runPool } from './pool'
import {
  EXIT_CANNOT_RUN,
  EXIT_CHECK_FAILED,
  EXIT_INTERRUPTED,
  EXIT_OK,
  describeIoError,
  failedChecks,
  formatErrorFor,
  loadScenario,
  withModelBudget,
  type CliEnv,
} from './run'
import { loadMeasuredCosts } from './costs'
import { checkWritable, replaceDirectory } from '../node/write-file'

/** DIR/sweep.json. */
export interface SweepIndex {
  schema: 1
  kind: 'hugeswap-sweep'
  scenario: { title: string; file: string; seed: number } | null
  tool: ResultJson['tool'] | null
  params: SweepParam[]
  metrics: string[]
  points: SweepIndexPoint[]
  /** Chart files, relative to DIR. */
  charts: string[]
}

export interface SweepIndexPoint {
  params: Record<string, string>
  /** Relative to DIR; absent when the point could not run. */
  file?: string
  ok: boolean
  /** Failed k.expect checks over all variants (ok points). */
  checksFailed?: number
  /** `FILE:LINE:COL: message` when the point could not run. */
  error?: string
}

/** The grid in reading order: the first param changes slowest. */
export function sweepGrid(params: readonly SweepParam[]): Record<string, string>[] {
  let points: Record<string, string>[] = [{}]
  for (const p of params) {
    points = points.flatMap((point) => p.values.map((v) => ({ ...point, [p.path]: v })))
  }
  return points
}

/** `machine.swap[0].size=1G,machine.vm.page_cluster=0` with unsafe characters as `_`. */
export function pointName(params: Record<string, string>): string {
  const name = Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(',')
    .replace(/[^A-Za-z0-9._=,+-]/g, '_')
    .replace(/^\.+/, '_')
  return name.length > 180 ? name.slice(0, 180) : name
}

function uniqueNames(grid: Record<string, string>[]): string[] {
  const used = new Map<string, number>()
  return grid.map((params) => {
    const base = pointName(params)
    const n = (used.get(base) ?? 0) + 1
    used.set(base, n)
    return n === 1 ? base : `${base}~${n}`
  })
}

export async function sweepCommand(options: SweepOptions, env: CliEnv): Promise<number> {
  const loaded = await loadScenario(options.file, env)
  if (!loaded.ok) {
    env.stderr.write(loaded.message + '\n')
    return EXIT_CANNOT_RUN
  }
  const costs = await loadMeasuredCosts(options.costs, env.cwd)
  if (!costs.ok) {
    env.stderr.write(costs.message + '\n')
    return EXIT_CANNOT_RUN
  }
  const metrics = options.metrics ?? [...DEFAULT_SWEEP_METRICS]
  const grid = sweepGrid(options.params)
  const names = uniqueNames(grid)
  // Where the results go is checked before the sweep, not after it.
  if (options.out !== undefined) {
    try {
      await checkWritable(resolve(env.cwd, options.out), true)
    } catch (err) {
      env.stderr.write(`hugeswap: cannot write: ${describeIoError(err)}\n`)
      return EXIT_CANNOT_RUN
    }
  }
  const requests = grid.map((params): RunRequest => {
    const req: RunRequest = { source: loaded.source, fileName: loaded.fileName, params }
    if (options.variants) req.variants = options.variants
    if (options.seed !== undefined) req.seed = options.seed
    if (options.timeLimitMs !== undefined) req.limits = { timeMs: options.timeLimitMs }
    withModelBudget(req, options.limits)
    if (costs.costs) req.measuredCosts = costs.costs
    return req
  })

  const tty = env.stderr.isTTY
  const pool = runPool(requests, {
    processEntry: env.processEntry,
    limits: options.limits,
    onSettled: (index, outcome, done, total) => {
      if (!tty) return
      const status = outcome.ok ? '' : ' (failed)'
      env.stderr.write(`${CLEAR_LINE}[${done}/${total}] ${ascii(names[index])}${status}`)
    },
  })
  const onSigint = (): void => pool.cancel()
  process.once('SIGINT', onSigint)
  let poolResult
  try {
    poolResult = await pool.result
  } finally {
    process.removeListener('SIGINT', onSigint)
    if (tty) env.stderr.write(CLEAR_LINE)
  }
  if (poolResult.cancelled) return EXIT_INTERRUPTED
  const { outcomes, stats } = poolResult

  const points: SweepPoint[] = []
  const index: SweepIndexPoint[] = []
  let cannotRun = false
  let checksFailed = false
  for (const [i, outcome] of outcomes.entries()) {
    const params = grid[i]
    if (!outcome.ok) {
      cannotRun = true
      const message = formatErrorFor(outcome.error, loaded.fileName, loaded.shownPath)
      env.stderr.write(`point ${names[i]}: ${message}\n`)
      index.push({ params, ok: false, error: message })
      continue
    }
    const failed = failedChecks(outcome.result)
    if (failed.length > 0) checksFailed = true
    for (const line of failed) env.stderr.write(`point ${names[i]}: ${line}\n`)
    points.push({ params, result: outcome.result })
    index.push({
      params,
      ok: true,
      file: `points/${names[i]}.json`,
      checksFailed: failed.length,
    })
  }

  env.stdout.write(
    formatSweepTable(
      options.params,
      metrics,
      grid,
      outcomes.map((o) => (o.ok ? o.result : undefined)),
    ),
  )

  if (options.out !== undefined) {
    const dir = resolve(env.cwd, options.out)
    try {
      // Replaced as a whole: the old sweep's files or the new one's, never a mix.
      await replaceDirectory(
        dir,
        (name) => SWEEP_DIR_NAMES.has(name),
        async (tmp) => {
          const charts = await writeSweepDir(tmp, options.params, metrics, points, outcomes, names)
          const first = points[0]?.result
          const sweepJson: SweepIndex = {
            schema: 1,
            kind: 'hugeswap-sweep',
            scenario: first
              ? {
                  title: first.scenario.title,
                  file: first.scenario.file,
                  seed: first.scenario.seed,
                }
              : null,
            tool: first ? first.tool : null,
            params: options.params,
            metrics,
            points: index,
            charts,
          }
          await writeFile(join(tmp, 'sweep.json'), JSON.stringify(sweepJson, null, 2) + '\n')
        },
      )
    } catch (err) {
      env.stderr.write(`hugeswap: cannot write ${options.out}: ${describeIoError(err)}\n`)
      return EXIT_CANNOT_RUN
    }
  }
  env.stderr.write(`sweep: ${formatPoolStats(stats, requests.length)}\n`)
  if (cannotRun) return EXIT_CANNOT_RUN
  return checksFailed ? EXIT_CHECK_FAILED : EXIT_OK
}

/** What a sweep's --out DIR holds: a directory holding anything else is not replaced. */
const SWEEP_DIR_NAMES = new Set(['points', 'charts', 'sweep.json'])

async function writeSweepDir(
  dir: string,
  params: readonly SweepParam[],
  metrics: readonly string[],
  points: SweepPoint[],
  outcomes: readonly { ok: boolean }[],
  names: readonly string[],
): Promise<string[]> {
  await mkdir(join(dir, 'points'), { recursive: true })
  await mkdir(join(dir, 'charts'), { recursive: true })
  let k = 0
  for (const [i, outcome] of outcomes.entries()) {
    if (!outcome.ok) continue
    const result = points[k++].result
    await writeFile(join(dir, 'points', `${names[i]}.json`), JSON.stringify(result, null, 2) + '\n')
  }
  if (points.length === 0) return []
  // Loaded only here: ECharts and resvg (a native module) are slow to load, and no other command
  // needs them.
  const [{ svgToPng }, { composeSvg, renderChartSvg, sweepCaptionLines }] = await Promise.all([
    import('./png'),
    import('../report/export'),
  ])
  const [first, ...others] = params
  const slices = sweepGrid(others)
  // Captioned like every exported chart; a banner when a point failed a check or broke.
  const caption = sweepCaptionLines(
    points.map((p) => p.result),
    params.map((p) => p.path),
  )
  const broken = points.filter((p) => brokenRunFindings(p.result).length > 0).length
  const failed = outcomes.filter((o) => !o.ok).length
  const banner = [
    ...(broken > 0
      ? [
          `*** ${broken} of ${outcomes.length} points are broken runs (OOM kill, warning or failed check): see sweep.json ***`,
        ]
      : []),
    ...(failed > 0 ? [`*** ${failed} of ${outcomes.length} points could not run ***`] : []),
  ]
  const charts: string[] = []
  for (const metric of metrics) {
    for (const slice of slices) {
      const subset = points.filter((p) =>
        Object.entries(slice).every(([k, v]) => p.params[k] === v),
      )
      if (subset.length === 0) continue
      const option = sweepOption(subset, metric, first.path)
      if (others.length > 0) {
        const where = Object.entries(slice)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')
        // In the title (a subtitle would run into the legend below it).
        const title = option.title as { text?: string } | undefined
        option.title = { ...title, text: `${title?.text ?? metric} (${where})` }
      }
      const svg = composeSvg(renderChartSvg(option), banner, caption)
      const base = others.length > 0 ? `${metric}@${pointName(slice)}` : metric
      const name = base.replace(/[^A-Za-z0-9._=,+@-]/g, '_')
      await writeFile(join(dir, 'charts', `${name}.svg`), svg)
      await writeFile(join(dir, 'charts', `${name}.png`), svgToPng(svg))
      charts.push(`charts/${name}.svg`, `charts/${name}.png`)
    }
  }
  return charts
}

/** One row per point and variant: the params, the variant, each metric. */
export function formatSweepTable(
  params: readonly SweepParam[],
  metrics: readonly string[],
  grid: readonly Record<string, string>[],
  results: readonly (ResultJson | undefined)[],
): string {
  // Each metric in its unit (ns sums as ms, latencies as us, bytes as kB), named in the header.
  const units = metrics.map(metricUnit)
  const head = [
    ...params.map((p) => p.path),
    'variant',
    ...metrics.map((m, i) => `${m} (${units[i].unit})`),
  ]
  const rows: string[][] = []
  grid.forEach((point, i) => {
    const result = results[i]
    const values = params.map((p) => point[p.path])
    if (!result) {
      rows.push([...values, '(could not run)', ...metrics.map(() => '')])
      return
    }
    for (const v of result.variants) {
      rows.push([
        ...values,
        v.name,
        ...metrics.map((m, j) => {
          const x = resolveMetric(v, m)
          return x === undefined ? '-' : formatNumber(Number((x * units[j].factor).toPrecision(6)))
        }),
      ])
    }
  })
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)))
  const numericFrom = params.length + 1
  const line = (row: string[]): string =>
    row
      .map((cell, c) => (c >= numericFrom ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd()
  const title = results.find((r) => r !== undefined)?.scenario
  const lines = [
    title
      ? ascii(`sweep: ${title.file} (${title.title}), seed ${title.seed}, ${grid.length} points`)
      : `sweep: ${grid.length} points`,
    '',
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
  ]
  return lines.map(ascii).join('\n')
}
