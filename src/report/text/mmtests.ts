/**
 * The result in the layout of mmtests' compare-kernels.sh (shared/reference/report-formats.md, A1):
 * one column per variant, baseline first; benchmark rows as `value (   pct%)` with the baseline at
 * `(   0.00%)`; monitor counters as `Ops` rows with plain values, as mmtests prints its vmstat
 * section.
 *
 * Fault latency is lower-is-better, so, as in mmtests, a positive percentage is a gain (faster
 * faults). Runs are deterministic: no significance asterisks.
 */
import type { ResultJson } from '../../shared/result'
import { ascii, comparisonMetrics, displayOrder, formatMetricValue } from './metrics'

const STAT_WIDTH = 10

export function formatMmtests(result: ResultJson): string {
  const variants = displayOrder(result.variants)
  const { title, file, seed } = result.scenario
  const lines = [
    ascii(`hugeswap ${result.tool.version} (model ${result.tool.model})`),
    ascii(`${title} -- ${file}, seed ${seed}`),
    '',
  ]
  if (variants.length === 0) return [...lines, 'no variants ran', ''].join('\n')
  const names = variants.map((v) => v.name)

  // Benchmark block: fault latency, with percentages against the baseline.
  const latency: [string, string, (number | undefined)[]][] = (
    ['mean', 'p50', 'p90', 'p99', 'max'] as const
  ).map((stat) => [
    stat === 'mean' ? 'Amean' : stat === 'max' ? 'Max' : stat,
    'fault-latency-us',
    variants.map((v) => (v.faults.count > 0 ? v.faults.latencyNs[stat] / 1000 : undefined)),
  ])
  const latencyCells = latency.map(([, , values]) =>
    values.map((v) => (v === undefined ? '-' : formatMetricValue('us', v))),
  )
  const valueWidth = Math.max(8, ...latencyCells.flat().map((c) => c.length))
  const pctWidth = ' (   0.00%)'.length
  const columnWidths = names.map((n) => Math.max(n.length, valueWidth + pctWidth))
  const metricWidth = 'fault-latency-us'.length + 2
  lines.push(header(names, columnWidths, STAT_WIDTH + metricWidth))
  latency.forEach(([stat, metric, values], row) => {
    const cells = values.map((v, i) => {
      const pct = gainPercent(values[0], v)
      const cell = latencyCells[row][i].padStart(valueWidth) + (pct === '' ? '' : ` (${pct}%)`)
      return cell.padEnd(valueWidth + pctWidth).padStart(columnWidths[i])
    })
    lines.push((stat.padEnd(STAT_WIDTH) + metric.padEnd(metricWidth) + cells.join(' ')).trimEnd())
  })

  // Monitor block: counters and sizes as they are.
  const metrics = comparisonMetrics(variants).filter((m) => m.unit !== 'us')
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
