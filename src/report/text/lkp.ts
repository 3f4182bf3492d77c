/**
 * The result as an LKP (kernel test robot) comparison table, the layout linux-mm readers know from
 * 0-day regression mails (docs/cli.md#text-formats): value columns on the left,
 * baseline first, `%change` against it for every other variant, the metric name last with its
 * source prefix (`proc-vmstat.`, `meminfo.`, `hugeswap.` for the simulator's own figures).
 *
 * Several runs: each value is the mean over the runs and, as in LKP, ` +- N%` follows it when the
 * run-to-run sample stddev is at least 1% of the mean (LKP's `± N%`, in ASCII: archives mangle the
 * UTF-8 `±`). The ASCII `+-` is one column wider than `±`, so the value columns are 17 and 28 wide
 * instead of LKP's 16 and 27; one run or several, the layout is the same.
 *
 * Metrics that are already percentages show an absolute change (`+100.0`), as LKP does.
 *
 * Differences from a real LKP mail, on purpose: every metric is listed rather than only the
 * significantly changed ones (a reader wants to see thp_swpout unchanged as much as pswpin
 * changed), and with one run the `%stddev` slots stay empty.
 */
import {
  aggregateRuns,
  ascii,
  formatFooter,
  formatMetricValue,
  formatSeeds,
  stddevPercent,
  toRuns,
  wrap,
  type AggregatedMetric,
  type MetricStats,
  type MetricUnit,
  type RunsAggregate,
  type RunsInput,
} from './metrics'
import { withBanner } from './banner'

const VALUE_WIDTH = 10
/** ` +-  N%`: LKP's ` ±%3d%%` with the ASCII sign. */
const STDDEV_WIDTH = 7
const BASE_WIDTH = VALUE_WIDTH + STDDEV_WIDTH
const CHANGE_WIDTH = 10
const GROUP_WIDTH = CHANGE_WIDTH + VALUE_WIDTH + 1 + STDDEV_WIDTH

/** Stddev below this percentage of the mean is not printed. */
export const LKP_STDDEV_MIN_PERCENT = 1

export function formatLkp(input: RunsInput): string {
  return `${withBanner(input, lkpBody(input))}\n${formatFooter(input)}\n`
}

/**
 * The LKP block without the footer (formatMailReport() adds one footer for everything). With
 * `maxColumns` (the mail), a table wider than that is given as one block per variant against
 * the baseline, the two-commit layout of a 0-day mail, its columns as wide as their numbers.
 */
export function lkpBody(input: RunsInput, opts: { maxColumns?: number } = {}): string {
  const runs = toRuns(input)
  const { title, file, seed } = runs[0].scenario
  const { name, version, model } = runs[0].tool
  const lines = [
    ascii(`testcase: ${file} (${title})`),
    runs.length === 1
      ? `parameters: seed=${seed}`
      : `parameters: seeds=${formatSeeds(runs.map((r) => r.scenario.seed))} runs=${runs.length}`,
    ascii(`simulator: ${name} ${version}, model ${model}`),
    '',
  ]
  const aggregate = aggregateRuns(runs)
  if (aggregate.variants.length === 0) return [...lines, 'no variants ran', ''].join('\n')

  const [base, ...others] = aggregate.variants
  const groups = others.length
  const several = runs.length > 1
  if (opts.maxColumns !== undefined && others.length > 0) {
    const width = BASE_WIDTH + groups * (GROUP_WIDTH + 1)
    const longest = Math.max(0, ...aggregate.metrics.map((m) => m.key.length))
    if (width + 1 + longest > opts.maxColumns || lines.some((l) => l.length > opts.maxColumns!)) {
      const head = lines.slice(0, 3).map((l) => wrap(l, '', '  ', opts.maxColumns))
      const blocks = others.map((_, j) => pairBlock(aggregate, j + 1, several, opts.maxColumns!))
      return [...head, '', blocks.join('\n\n'), ''].join('\n')
    }
  }
  lines.push(
    [base.padStart(BASE_WIDTH), ...others.map((v) => v.padStart(GROUP_WIDTH))].join(' '),
    ['-'.repeat(BASE_WIDTH), ...others.map(() => '-'.repeat(GROUP_WIDTH))].join(' '),
    '%stddev'.padStart(BASE_WIDTH) +
      ('%change'.padStart(11) + '%stddev'.padStart(18)).repeat(groups),
    (
      '\\'.padStart(BASE_WIDTH - 2) + ('|'.padStart(12) + '\\'.padStart(17)).repeat(groups)
    ).trimEnd(),
  )
  for (const metric of aggregate.metrics) {
    if (metric.values.every((v) => v === undefined)) continue
    const cell = (i: number): string => {
      const v = metric.values[i]
      if (v === undefined) return '-'.padStart(VALUE_WIDTH).padEnd(BASE_WIDTH)
      const value = formatMetricValue(metric.unit, v).padStart(VALUE_WIDTH)
      return (value + (several ? stddevCell(metric.stats[i]) : '')).padEnd(BASE_WIDTH)
    }
    let line = cell(0)
    for (let i = 1; i < metric.values.length; i++) {
      const change = lkpChange(metric.unit, metric.values[0], metric.values[i])
      line += ' ' + change.padStart(CHANGE_WIDTH) + ' ' + cell(i)
    }
    lines.push(ascii(`${line} ${metric.key}`))
  }
  lines.push('')
  return lines.join('\n')
}

/**
 * Baseline and variant `j` as LKP compares two commits, with columns as wide as their contents;
 * a metric name that still does not fit goes on a line of its own under its numbers.
 */
function pairBlock(
  aggregate: RunsAggregate,
  j: number,
  several: boolean,
  maxColumns: number,
): string {
  const metrics = aggregate.metrics.filter(
    (m) => m.values[0] !== undefined || m.values[j] !== undefined,
  )
  const value = (m: AggregatedMetric, i: number): string =>
    m.values[i] === undefined ? '-' : formatMetricValue(m.unit, m.values[i]!)
  const stddev = (m: AggregatedMetric, i: number): string => (several ? stddevCell(m.stats[i]) : '')
  const vw = Math.max(1, ...metrics.flatMap((m) => [value(m, 0).length, value(m, j).length]))
  const sw = Math.max(0, ...metrics.flatMap((m) => [stddev(m, 0).length, stddev(m, j).length]))
  const w = Math.max(7, vw + sw, aggregate.variants[0].length)
  const cw = Math.max(7, ...metrics.map((m) => lkpChange(m.unit, m.values[0], m.values[j]).length))
  const cell = (m: AggregatedMetric, i: number): string =>
    (value(m, i).padStart(vw) + stddev(m, i).padEnd(sw)).padStart(w)
  const numbers = 2 * w + cw + 4
  const out = [
    aggregate.variants[0].padStart(w) + ' ' + aggregate.variants[j].padStart(numbers - w - 1),
    '-'.repeat(w) + ' ' + '-'.repeat(numbers - w - 1),
    '%stddev'.padStart(w) + '%change'.padStart(cw + 3) + '%stddev'.padStart(w + 1),
    ('\\'.padStart(w - 2) + '|'.padStart(cw - 1) + '\\'.padStart(w + 6)).trimEnd(),
  ].map((l) => l.trimEnd())
  for (const m of metrics) {
    const row =
      cell(m, 0) +
      ' ' +
      lkpChange(m.unit, m.values[0], m.values[j]).padStart(cw + 2) +
      ' ' +
      cell(m, j)
    const key = ascii(m.key)
    if (row.length + 2 + key.length <= maxColumns) out.push(`${row}  ${key}`)
    else out.push(row.trimEnd(), `${' '.repeat(Math.max(0, maxColumns - key.length))}${key}`)
  }
  return out.join('\n')
}

/** ` +-  5%` when the stddev is notable (>= 1% of the mean), else empty. */
function stddevCell(stats: MetricStats | undefined): string {
  if (stats === undefined || stats.n < 2) return ''
  const pct = stddevPercent(stats)
  if (pct < LKP_STDDEV_MIN_PERCENT) return ''
  return ` +-${String(Math.min(999, Math.round(pct))).padStart(3)}%`
}

function lkpChange(unit: MetricUnit, base: number | undefined, value: number | undefined): string {
  return unit === 'pct' ? absoluteChange(base, value) : percentChange(base, value)
}

/** `-16.9%`, `+6.3%`, `0.0%`; `n/a` when there is nothing to compare against. */
export function percentChange(base: number | undefined, value: number | undefined): string {
  if (base === undefined || value === undefined) return ''
  if (base === value) return '0.0%'
  if (base === 0) return 'n/a'
  const pct = ((value - base) / Math.abs(base)) * 100
  const text = Math.abs(pct).toFixed(1)
  return text === '0.0' ? '0.0%' : `${pct > 0 ? '+' : '-'}${text}%`
}

/** For metrics that already are percentages: the difference in points, `+100.0`, `-0.3`, `0.0`. */
export function absoluteChange(base: number | undefined, value: number | undefined): string {
  if (base === undefined || value === undefined) return ''
  const diff = value - base
  const text = Math.abs(diff).toFixed(1)
  return text === '0.0' ? '0.0' : `${diff > 0 ? '+' : '-'}${text}`
}
