/**
 * The plain-text summary of a result: what `hugeswap run` prints on a terminal and what a developer
 * pastes into a linux-mm reply. Pure function of the result JSON, so the app's export and the CLI
 * give the same bytes.
 *
 * Mail rules (docs/cli.md#text-formats): ASCII only (archives mangle UTF-8 such as `±`,
 * so user text is escaped and tolerances print as `+-`), numbers on the left of the name in
 * aligned columns, the table no wider than 100 columns.
 */
import type { CheckResult, ResultJson, VariantResult } from '../../shared/result'
import {
  ascii,
  comparisonMetrics,
  displayOrder,
  formatFooter,
  formatMetricValue,
  formatNumber,
  OPTIONAL_SECTIONS,
  PROSE_MAX_COLUMNS,
  SECTION_TITLES,
  wrap,
  type Metric,
  type MetricSection,
} from './metrics'
import { bannerLines } from './banner'
import { phasesBody } from './phases'

/** The table (not the free-text lines around it) never exceeds this many columns. */
export const TABLE_MAX_COLUMNS = 100

/** Printed where a counter does not exist in a variant's kernel (e.g. thp_swpout_pmd in baseline). */
const ABSENT = '-'

interface Row {
  label: string
  /** One cell per variant column. */
  cells: string[]
}

interface Section {
  title: string
  rows: Row[]
  section: MetricSection
}

export function formatSummary(result: ResultJson): string {
  const variants = displayOrder(result.variants)
  const lines: string[] = []
  const banner = bannerLines(result)
  if (banner.length > 0) lines.push(...banner, '')
  const { title, file, seed } = result.scenario
  const { version, model } = result.tool
  lines.push(ascii(`${title} -- ${file}, seed ${seed}, hugeswap ${version}, model ${model}`))
  lines.push('')
  if (variants.length === 0) {
    lines.push('no variants ran')
  } else {
    const metrics = comparisonMetrics(variants)
    lines.push(
      ...formatTable(
        variants.map((v) => v.name),
        buildSections(metrics),
      ),
    )
    const legend = formatLegend(metrics)
    if (legend.length > 0) lines.push('', ...legend)
  }
  const phases = phasesBody(result)
  if (phases !== '') lines.push('', phases.trimEnd())
  lines.push('')
  lines.push(...formatChecks(variants))
  const warnings = formatWarnings(variants)
  if (warnings.length > 0) lines.push('', ...warnings)
  lines.push('')
  lines.push(formatFooter(result))
  return lines.join('\n') + '\n'
}

function buildSections(metrics: readonly Metric[]): Section[] {
  return (Object.keys(SECTION_TITLES) as MetricSection[])
    .map((section) => {
      const rows = metrics
        .filter((m) => m.section === section)
        .map((m) => ({
          label: m.label,
          cells: m.values.map((v) => (v === undefined ? ABSENT : formatMetricValue(m.unit, v))),
        }))
      const title = SECTION_TITLES[section]
      return { title: rows.length > 0 ? title : `${title}: none`, rows, section }
    })
    .filter((s) => s.rows.length > 0 || !OPTIONAL_SECTIONS.includes(s.section))
}

function formatTable(headers: readonly string[], sections: readonly Section[]): string[] {
  const rows = sections.flatMap((s) => s.rows)
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r.cells[i].length)))
  const valuesWidth = widths.reduce((sum, w) => sum + 2 + w, 0)
  const indent = '  '
  const longest = Math.max(...rows.map((r) => indent.length + ascii(r.label).length), 0)
  // Long labels (fallback reasons are open-ended) give way before the numbers do.
  const labelWidth = Math.max(16, Math.min(longest, TABLE_MAX_COLUMNS - valuesWidth))
  const line = (label: string, cells: readonly string[]): string =>
    (
      fit(label, labelWidth).padEnd(labelWidth) +
      cells.map((c, i) => '  ' + c.padStart(widths[i])).join('')
    ).trimEnd()

  const out = [line('', headers.map(ascii))]
  for (const section of sections) {
    out.push(ascii(section.title))
    for (const r of section.rows) out.push(line(indent + ascii(r.label), r.cells))
  }
  return out
}

/** Headings of the legend below the table, for the sections whose rows carry a description. */
const LEGEND_TITLES: Partial<Record<MetricSection, string>> = {
  fallbacks: 'fallback reasons:',
  khugepaged: 'khugepaged scan results:',
}

/**
 * What the fallback reasons and scan results in the table mean: the table keeps their exact names
 * (what a kernel developer greps for) and stays narrow; each name that has a label is spelt out
 * here once, wrapped at 75 columns.
 *
 *   fallback reasons:
 *     F2-swap-file: swap file on a filesystem (not SWP_BLKDEV): order-0 slots
 *       only
 */
function formatLegend(metrics: readonly Metric[]): string[] {
  return (Object.keys(LEGEND_TITLES) as MetricSection[]).flatMap((section) => {
    const described = metrics.filter((m) => m.section === section && m.description !== undefined)
    if (described.length === 0) return []
    return [
      LEGEND_TITLES[section]!,
      ...described.map((m) =>
        wrap(ascii(`${m.label}: ${m.description}`), '  ', '    ', PROSE_MAX_COLUMNS),
      ),
    ]
  })
}

function formatChecks(variants: readonly VariantResult[]): string[] {
  const checks = variants.flatMap((v) => v.checks.map((c) => ({ variant: v.name, check: c })))
  if (checks.length === 0) return ['checks: none']
  const failed = checks.filter((c) => !c.check.pass).length
  const nameWidth = Math.max(...checks.map((c) => c.variant.length))
  const lines = [`checks: ${checks.length - failed} passed, ${failed} failed`]
  for (const { variant, check } of checks) {
    const status = check.pass ? 'PASS' : 'FAIL'
    const label = check.label === '' ? '(no label)' : check.label
    const at = check.location ? `  at ${check.location}` : ''
    lines.push(
      ascii(
        `  ${status}  ${variant.padEnd(nameWidth)}  ${label}: actual ${formatValue(check.actual)}, ` +
          `expected ${formatExpected(check)}${at}`,
      ),
    )
  }
  return lines
}

function formatWarnings(variants: readonly VariantResult[]): string[] {
  const warnings = variants.flatMap((v) => (v.warnings ?? []).map((w) => `  ${v.name}: ${w}`))
  return warnings.length > 0 ? ['warnings:', ...warnings.map(ascii)] : []
}

const MATCHER_PREFIX: Record<string, string> = {
  toBe: '',
  toEqual: '',
  toBeGreaterThan: '> ',
  toBeGreaterThanOrEqual: '>= ',
  toBeLessThan: '< ',
  toBeLessThanOrEqual: '<= ',
}

function formatExpected(check: CheckResult): string {
  if (check.matcher === 'toBeCloseTo') return formatCloseTo(check.expected)
  const prefix = MATCHER_PREFIX[check.matcher]
  const value = formatValue(check.expected)
  return prefix === undefined ? `${check.matcher} ${value}` : prefix + value
}

/** toBeCloseTo(x, tol): `x +- tol`, whether the runner recorded `[x, tol]`, an object, or x alone. */
function formatCloseTo(expected: unknown): string {
  if (Array.isArray(expected) && expected.length === 2) {
    return `${formatValue(expected[0])} +- ${formatValue(expected[1])}`
  }
  if (expected !== null && typeof expected === 'object') {
    const o = expected as Record<string, unknown>
    const value = o.value ?? o.expected
    const tolerance = o.tolerance ?? o.tol
    if (value !== undefined && tolerance !== undefined) {
      return `${formatValue(value)} +- ${formatValue(tolerance)}`
    }
  }
  return `~ ${formatValue(expected)}`
}

/** A check's actual or expected value, on one line. */
function formatValue(value: unknown): string {
  if (typeof value === 'number') return formatNumber(value)
  if (typeof value === 'string') return JSON.stringify(value)
  if (value === undefined) return 'undefined'
  try {
    const json = JSON.stringify(value)
    return json.length > 80 ? json.slice(0, 77) + '...' : json
  } catch {
    return String(value)
  }
}

/** Cuts `text` to `width` columns, marking the cut with `~`. */
function fit(text: string, width: number): string {
  return text.length <= width ? text : text.slice(0, width - 1) + '~'
}
