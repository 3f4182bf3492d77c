/**
 * The result in the layout of mmtests' compare-kernels.sh (docs/cli.md#text-formats):
 * one column per variant, baseline first; benchmark rows as `value (   pct%)` with the baseline at
 * `(   0.00%)`; monitor counters as `Ops` rows with plain values, as mmtests prints its vmstat
 * section.
 *
 * One run: the benchmark block is the time spent in faults (`Total fault-time-ms`) and, per fault
 * type, its latency distribution (Amean, p50, p99, Max of `fault-<type>-us`): never a
 * distribution over all fault types together, which mixes THP write faults with swap-in I/O.
 * Several runs: as in the mmtests Tutorial, the block gains row groups over the runs, `Min`,
 * `Amean`, `Stddev` (sample) and `Max`, each for the per-run `fault-time-ms` and per type
 * `fault-<type>-p50-us` and `fault-<type>-p99-us`, and the `Ops` rows hold the means.
 *
 * Fault latency is lower-is-better, so, as in mmtests, a positive percentage is a gain (faster
 * faults); Stddev rows read the same way (less spread is a gain). No significance asterisks.
 */
import type { ResultJson, VariantName } from '../../shared/result'
import {
  aggregateRuns,
  ascii,
  faultTimeMs,
  formatFooter,
  formatMetricValue,
  formatSeeds,
  statsOf,
  toRuns,
  type RunsInput,
} from './metrics'
import { withBanner } from './banner'

const STAT_WIDTH = 10
const PCT_WIDTH = ' (   0.00%)'.length

type LatencyStat = 'mean' | 'p50' | 'p99' | 'max'

/** A benchmark row: `Amean     fault-latency-us   values...`. */
interface BenchRow {
  stat: string
  metric: string
  values: (number | undefined)[]
}

export function formatMmtests(input: RunsInput): string {
  return `${withBanner(input, mmtestsBody(input))}\n${formatFooter(input)}\n`
}

/** The mmtests block without the footer. */
export function mmtestsBody(input: RunsInput): string {
  const runs = toRuns(input)
  const { title, file, seed } = runs[0].scenario
  const seeds =
    runs.length === 1
      ? `seed ${seed}`
      : `seeds ${formatSeeds(runs.map((r) => r.scenario.seed))}, ${runs.length} runs`
  const lines = [
    ascii(`hugeswap ${runs[0].tool.version} (model ${runs[0].tool.model})`),
    ascii(`${title} -- ${file}, ${seeds}`),
    '',
  ]
  const aggregate = aggregateRuns(runs)
  const names = aggregate.variants
  if (names.length === 0) return [...lines, 'no variants ran', ''].join('\n')

  const bench = runs.length === 1 ? singleRunRows(runs[0], names) : multiRunRows(runs, names)
  const benchCells = bench.map((r) =>
    r.values.map((v) => (v === undefined ? '-' : formatMetricValue('us', v))),
  )
  const valueWidth = Math.max(8, ...benchCells.flat().map((c) => c.length))
  const columnWidths = names.map((n) => Math.max(n.length, valueWidth + PCT_WIDTH))
  const metricWidth = Math.max(...bench.map((r) => r.metric.length)) + 2
  lines.push(header(names, columnWidths, STAT_WIDTH + metricWidth))
  bench.forEach(({ stat, metric, values }, row) => {
    const cells = values.map((v, i) => {
      const pct = gainPercent(values[0], v)
      const cell = benchCells[row][i].padStart(valueWidth) + (pct === '' ? '' : ` (${pct}%)`)
      return cell.padEnd(valueWidth + PCT_WIDTH).padStart(columnWidths[i])
    })
    lines.push((stat.padEnd(STAT_WIDTH) + metric.padEnd(metricWidth) + cells.join(' ')).trimEnd())
  })

  // Monitor block: counters and sizes as they are (means over the runs).
  const metrics = aggregate.metrics.filter((m) => m.unit !== 'us' && m.unit !== 'ms')
  const labels = metrics.map((m) => `Ops ${m.key.replace(/^proc-vmstat\./, '')}`)
  const cells = metrics.map((m) =>
    m.values.map((v) => (v === undefined ? '-' : formatMetricValue(m.unit, v))),
  )
  const widths = names.map((n, i) => Math.max(n.length, ...cells.map((row) => row[i].length)))
  const labelWidth = Math.max(...labels.map((l) => l.length)) + 2
  lines.push('', header(names, widths, labelWidth))
  metrics.forEach((_, row) => {
    const values = cells[row].map((c, i) => c.padStart(widths[i]))
    lines.push(ascii(labels[row].padEnd(labelWidth) + values.join(' ')))
  })
  lines.push('')
  return lines.join('\n')
}

/** Latency of one fault type, us; undefined where the variant took none of that type. */
function latencyUs(
  result: ResultJson,
  name: VariantName,
  type: string,
  stat: LatencyStat,
): number | undefined {
  const t = result.variants.find((x) => x.name === name)?.faults.byType[type]
  return t !== undefined && t.count > 0 ? t.latencyNs[stat] / 1000 : undefined
}

function timeMs(result: ResultJson, name: VariantName): number | undefined {
  const v = result.variants.find((x) => x.name === name)
  return v === undefined ? undefined : faultTimeMs(v)
}

function faultTypesOf(runs: readonly ResultJson[]): string[] {
  return [
    ...new Set(runs.flatMap((r) => r.variants.flatMap((v) => Object.keys(v.faults.byType)))),
  ].sort()
}

function singleRunRows(result: ResultJson, names: readonly VariantName[]): BenchRow[] {
  const rows: BenchRow[] = [
    { stat: 'Total', metric: 'fault-time-ms', values: names.map((n) => timeMs(result, n)) },
  ]
  for (const type of faultTypesOf([result])) {
    for (const stat of ['mean', 'p50', 'p99', 'max'] as const) {
      rows.push({
        stat: stat === 'mean' ? 'Amean' : stat === 'max' ? 'Max' : stat,
        metric: `fault-${type}-us`,
        values: names.map((n) => latencyUs(result, n, type, stat)),
      })
    }
  }
  return rows
}

const MULTI_RUN_GROUPS = [
  ['Min', 'min'],
  ['Amean', 'mean'],
  ['Stddev', 'stddev'],
  ['Max', 'max'],
] as const

function multiRunRows(runs: readonly ResultJson[], names: readonly VariantName[]): BenchRow[] {
  const series = (pick: (r: ResultJson, n: VariantName) => number | undefined) =>
    names.map((n) =>
      statsOf(runs.map((r) => pick(r, n)).filter((x): x is number => x !== undefined)),
    )
  const stats = [
    { metric: 'fault-time-ms', perVariant: series(timeMs) },
    ...faultTypesOf(runs).flatMap((type) =>
      (['p50', 'p99'] as const).map((stat) => ({
        metric: `fault-${type}-${stat}-us`,
        perVariant: series((r, n) => latencyUs(r, n, type, stat)),
      })),
    ),
  ]
  return MULTI_RUN_GROUPS.flatMap(([label, field]) =>
    stats.map(({ metric, perVariant }) => ({
      stat: label,
      metric,
      values: perVariant.map((s) => s?.[field]),
    })),
  )
}

function header(names: readonly string[], widths: readonly number[], indent: number): string {
  return ' '.repeat(indent) + names.map((n, i) => n.padStart(widths[i])).join(' ')
}

/** mmtests' sign for lower-is-better metrics: positive = lower than the baseline. `7.2` wide. */
function gainPercent(base: number | undefined, value: number | undefined): string {
  if (base === undefined || value === undefined) return ''
  const pct = base === 0 ? (value === 0 ? 0 : NaN) : ((base - value) / base) * 100
  if (Number.isNaN(pct)) return '    n/a'
  const text = pct.toFixed(2)
  return (text === '-0.00' ? '0.00' : text).padStart(7)
}
