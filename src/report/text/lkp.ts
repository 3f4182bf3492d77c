/**
 * The result as an LKP (kernel test robot) comparison table, the layout linux-mm readers know from
 * 0-day regression mails (shared/reference/report-formats.md, A2): value columns on the left,
 * baseline first, `%change` against it for every other variant, the metric name last with its
 * source prefix (`proc-vmstat.`, `meminfo.`).
 *
 * Differences from a real LKP mail, on purpose: runs are deterministic, so the `%stddev` slots stay
 * empty, and every metric is listed rather than only the significantly changed ones (a reader
 * wants to see thp_swpout unchanged as much as pswpin changed).
 */
import type { ResultJson } from '../../shared/result'
import { ascii, comparisonMetrics, displayOrder, formatMetricValue } from './metrics'

const BASE_WIDTH = 16
const VALUE_WIDTH = 10
const CHANGE_WIDTH = 10
const GROUP_WIDTH = 27

export function formatLkp(result: ResultJson): string {
  const variants = displayOrder(result.variants)
  const { title, file, seed } = result.scenario
  const lines = [
    ascii(`testcase: ${file} (${title})`),
    `parameters: seed=${seed}`,
    ascii(`simulator: ${result.tool.name} ${result.tool.version}, model ${result.tool.model}`),
    '',
  ]
  if (variants.length === 0) return [...lines, 'no variants ran', ''].join('\n')

  const [base, ...others] = variants
  lines.push(
    [base.name.padStart(BASE_WIDTH), ...others.map((v) => v.name.padStart(GROUP_WIDTH))].join(' '),
    ['-'.repeat(BASE_WIDTH), ...others.map(() => '-'.repeat(GROUP_WIDTH))].join(' '),
    '         %stddev' + '     %change         %stddev'.repeat(others.length),
    ('             \\' + '          |                \\'.repeat(others.length)).trimEnd(),
  )
  for (const metric of comparisonMetrics(variants)) {
    const [baseValue, ...values] = metric.values
    if (metric.values.every((v) => v === undefined)) continue
    const cell = (v: number | undefined): string =>
      v === undefined ? '-' : formatMetricValue(metric.unit, v)
    let line = cell(baseValue).padStart(VALUE_WIDTH).padEnd(BASE_WIDTH)
    for (const value of values) {
      line += ' ' + percentChange(baseValue, value).padStart(CHANGE_WIDTH)
      line += cell(value)
        .padStart(VALUE_WIDTH + 1)
        .padEnd(GROUP_WIDTH - CHANGE_WIDTH)
    }
    lines.push(ascii(`${line}  ${metric.key}`))
  }
  lines.push('')
  return lines.join('\n')
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
