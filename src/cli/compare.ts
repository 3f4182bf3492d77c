/**
 * `hugeswap compare A.json B.json`: two saved results, variant by variant. For every variant name
 * present in both files, one block in which A is the baseline column and B the other, with B's
 * change against A, over the same metric list as every text format (src/report/text/metrics.ts).
 * A file may hold one result (`--json`) or several runs (`--runs N --json`): then each value is
 * the mean over the runs, with the sample %stddev where it is at least 1%.
 *
 * Layouts: `lkp` (default) is a 0-day style two-commit table per variant; `mmtests` puts A and B
 * side by side as compare-kernels.sh does (latency with gain percentages, counters as Ops rows);
 * `text` is a plain table (metric, A, B, change).
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { formatDifferences } from '../report/text/differences'
import { absoluteChange, percentChange } from '../report/text/lkp'
import {
  ascii,
  formatMetricValue,
  formatSeeds,
  metricDefs,
  statsOf,
  stddevPercent,
  type MetricDef,
  type MetricStats,
} from '../report/text/metrics'
import { RESULT_SCHEMA, type ResultJson, type VariantResult } from '../shared/result'
import type { CompareOptions } from './args'
import { EXIT_CANNOT_RUN, EXIT_OK, describeIoError, type CliEnv } from './run'

/** One side of the comparison: its runs (one for a plain result file). */
export interface Side {
  /** The file as the user typed it. */
  file: string
  runs: ResultJson[]
}

export class CompareInputError extends Error {}

/** Reads a result file or a runs file; throws CompareInputError with a message for stderr. */
export async function loadSide(cwd: string, file: string): Promise<Side> {
  let text: string
  try {
    text = await readFile(resolve(cwd, file), 'utf8')
  } catch (err) {
    throw new CompareInputError(`${file}: cannot read: ${describeIoError(err)}`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err)
    throw new CompareInputError(`${file}: not valid JSON: ${why}`)
  }
  return { file, runs: parseResults(file, data) }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
const numbersIn = (v: unknown): boolean =>
  isRecord(v) && Object.values(v).every((x) => typeof x === 'number')

/**
 * What in `r` the tables could not read, or '' (every field formatCompare() and the metric
 * tables read, with its type: a hand-edited or truncated file is named, never a stack trace).
 */
function resultProblem(r: Record<string, unknown>): string {
  const tool = r.tool
  if (!isRecord(tool) || typeof tool.version !== 'string' || typeof tool.model !== 'string') {
    return 'tool.version and tool.model missing'
  }
  const s = r.scenario
  if (!isRecord(s) || typeof s.title !== 'string' || typeof s.file !== 'string') {
    return 'scenario.title and scenario.file missing'
  }
  if (typeof s.seed !== 'number') return 'scenario.seed missing'
  if (!Array.isArray(r.variants) || r.variants.length === 0) return 'no variants'
  for (const [i, v] of (r.variants as unknown[]).entries()) {
    const at = `variants[${i}]`
    if (!isRecord(v) || typeof v.name !== 'string') return `${at}.name missing`
    if (!numbersIn(v.vmstat)) return `${at}.vmstat is not an object of numbers`
    if (!numbersIn(v.meminfo)) return `${at}.meminfo is not an object of numbers`
    const f = v.faults
    if (!isRecord(f) || typeof f.count !== 'number' || typeof f.totalNs !== 'number') {
      return `${at}.faults missing`
    }
    if (!isRecord(f.latencyNs) || !isRecord(f.byType)) return `${at}.faults.latencyNs missing`
    if (!numbersIn(v.pageTables)) return `${at}.pageTables is not an object of numbers`
    for (const list of ['checks', 'snapshots'] as const) {
      if (v[list] !== undefined && !Array.isArray(v[list])) return `${at}.${list} is not a list`
    }
  }
  return ''
}

/** A ResultJson, or `{ schema: 1, runs: [...] }`, checked enough for the tables to be sound. */
export function parseResults(file: string, data: unknown): ResultJson[] {
  const bad = (why: string): never => {
    throw new CompareInputError(`${file}: ${why}`)
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return bad('not a hugeswap result (expected a JSON object)')
  }
  const obj = data as Record<string, unknown>
  if (obj.schema !== RESULT_SCHEMA) {
    return bad(
      `schema ${JSON.stringify(obj.schema) ?? 'missing'}: this hugeswap reads schema ${RESULT_SCHEMA}`,
    )
  }
  const runs = Array.isArray(obj.runs) ? (obj.runs as unknown[]) : [obj]
  if (runs.length === 0) bad('the runs list is empty')
  return runs.map((run, i) => {
    const where = Array.isArray(obj.runs) ? `runs[${i}]: ` : ''
    const r = run as Partial<ResultJson> | null
    if (typeof r !== 'object' || r === null) return bad(`${where}not a result object`)
    if (r.schema !== RESULT_SCHEMA) {
      return bad(`${where}schema ${JSON.stringify(r.schema)}: this hugeswap reads schema 1`)
    }
    const problem = resultProblem(r)
    if (problem) return bad(`${where}not a hugeswap result: ${problem}`)
    return r as ResultJson
  })
}

export async function compareCommand(options: CompareOptions, env: CliEnv): Promise<number> {
  let a: Side
  let b: Side
  try {
    ;[a, b] = await Promise.all([loadSide(env.cwd, options.a), loadSide(env.cwd, options.b)])
  } catch (err) {
    if (!(err instanceof CompareInputError)) throw err
    env.stderr.write(`hugeswap: ${err.message}\n`)
    return EXIT_CANNOT_RUN
  }
  let text: string
  try {
    text = formatCompare(a, b, options.format)
  } catch (err) {
    // The check above reads every field the tables do; anything it missed lands here.
    const why = err instanceof Error ? err.message : String(err)
    env.stderr.write(`hugeswap: cannot compare ${options.a} and ${options.b}: ${why}\n`)
    return EXIT_CANNOT_RUN
  }
  env.stdout.write(text)
  return EXIT_OK
}

/** One metric of one variant on both sides. */
interface Row {
  def: Omit<MetricDef, 'value'>
  a: MetricStats | undefined
  b: MetricStats | undefined
}

interface Block {
  variant: string
  rows: Row[]
}

function variantsOf(side: Side, name: string): VariantResult[] {
  return side.runs.flatMap((r) => r.variants.filter((v) => v.name === name))
}

function blocks(a: Side, b: Side): { blocks: Block[]; onlyA: string[]; onlyB: string[] } {
  const names = (s: Side): string[] => [
    ...new Set(s.runs.flatMap((r) => r.variants.map((v) => v.name))),
  ]
  const namesA = names(a)
  const namesB = names(b)
  // Baseline first, as everywhere; then in A's order.
  const both = namesA
    .filter((n) => namesB.includes(n))
    .sort((x, y) => Number(y === 'baseline') - Number(x === 'baseline'))
  const out = both.map((variant): Block => {
    const va = variantsOf(a, variant)
    const vb = variantsOf(b, variant)
    const stats = (vs: VariantResult[], def: MetricDef): MetricStats | undefined =>
      statsOf(vs.map(def.value).filter((x): x is number => x !== undefined))
    const rows = metricDefs([...va, ...vb]).map(({ value, ...def }) => ({
      def,
      a: stats(va, { ...def, value }),
      b: stats(vb, { ...def, value }),
    }))
    return { variant, rows: rows.filter((r) => r.a !== undefined || r.b !== undefined) }
  })
  return {
    blocks: out,
    onlyA: namesA.filter((n) => !namesB.includes(n)),
    onlyB: namesB.filter((n) => !namesA.includes(n)),
  }
}

function describeSide(label: string, side: Side): string {
  const first = side.runs[0]
  const { title, file } = first.scenario
  const seeds = side.runs.map((r) => r.scenario.seed)
  const seedText =
    seeds.length === 1 ? `seed ${seeds[0]}` : `seeds ${formatSeeds(seeds)} (${seeds.length} runs)`
  return ascii(
    `${label} = ${side.file}: ${file} (${title}), ${seedText}, hugeswap ${first.tool.version}, model ${first.tool.model}`,
  )
}

/** The comparison in one of the layouts documented in --help. */
export function formatCompare(a: Side, b: Side, format: CompareOptions['format']): string {
  const { blocks: list, onlyA, onlyB } = blocks(a, b)
  const lines = [describeSide('A', a), describeSide('B', b)]
  if (a.runs[0].scenario.file !== b.runs[0].scenario.file) {
    lines.push('note: A and B ran different scenario files')
  }
  lines.push(...formatDifferences(a.runs[0], b.runs[0]))
  if (onlyA.length > 0) lines.push(`only in A (skipped): ${onlyA.join(', ')}`)
  if (onlyB.length > 0) lines.push(`only in B (skipped): ${onlyB.join(', ')}`)
  lines.push('')
  if (list.length === 0) {
    lines.push('no variant is present in both files', '')
    return lines.join('\n')
  }
  const several = a.runs.length > 1 || b.runs.length > 1
  // The columns are A and B, as 0-day heads its columns with commit ids: the file names are on
  // the lines above, whole (a long name cut to fit a column says nothing).
  const colA = 'A'
  const colB = 'B'
  for (const block of list) {
    lines.push(`variant: ${block.variant}`)
    if (format === 'lkp') lines.push(...lkpBlock(block, colA, colB, several))
    else if (format === 'mmtests') lines.push(...mmtestsBlock(block, colA, colB))
    else lines.push(...textBlock(block, several))
    lines.push('')
  }
  return lines.map(ascii).join('\n')
}

const VALUE_WIDTH = 10
const STDDEV_WIDTH = 7
const BASE_WIDTH = VALUE_WIDTH + STDDEV_WIDTH
const CHANGE_WIDTH = 10
const GROUP_WIDTH = CHANGE_WIDTH + VALUE_WIDTH + 1 + STDDEV_WIDTH

function stddevCell(stats: MetricStats | undefined): string {
  if (stats === undefined || stats.n < 2) return ''
  const pct = stddevPercent(stats)
  if (pct < 1) return ''
  return ` +-${String(Math.min(999, Math.round(pct))).padStart(3)}%`
}

function change(row: Row): string {
  const x = row.a?.mean
  const y = row.b?.mean
  return row.def.unit === 'pct' ? absoluteChange(x, y) : percentChange(x, y)
}

function valueText(row: Row, s: MetricStats | undefined): string {
  return s === undefined ? '-' : formatMetricValue(row.def.unit, s.mean)
}

function fit(text: string, width: number): string {
  return text.length > width ? '...' + text.slice(text.length - width + 3) : text
}

/** 0-day's two-commit layout: A | %change | B | metric. */
function lkpBlock(block: Block, colA: string, colB: string, several: boolean): string[] {
  const lines = [
    fit(colA, BASE_WIDTH).padStart(BASE_WIDTH) + ' ' + fit(colB, GROUP_WIDTH).padStart(GROUP_WIDTH),
    '-'.repeat(BASE_WIDTH) + ' ' + '-'.repeat(GROUP_WIDTH),
    '%stddev'.padStart(BASE_WIDTH) + '%change'.padStart(11) + '%stddev'.padStart(18),
    '\\'.padStart(BASE_WIDTH - 2) + '|'.padStart(12) + '\\'.padStart(17),
  ]
  for (const row of block.rows) {
    const cell = (s: MetricStats | undefined): string =>
      (valueText(row, s).padStart(VALUE_WIDTH) + (several ? stddevCell(s) : '')).padEnd(BASE_WIDTH)
    lines.push(`${cell(row.a)} ${change(row).padStart(CHANGE_WIDTH)} ${cell(row.b)} ${row.def.key}`)
  }
  return lines
}

/** compare-kernels.sh: latency rows with gain percentages (positive = B faster), Ops rows raw. */
function mmtestsBlock(block: Block, colA: string, colB: string): string[] {
  const rows = block.rows
  const labels = rows.map((r) =>
    r.def.unit === 'us'
      ? `${r.def.label.replace(/^latency /, '').replace(/ us$/, '')} fault-latency-us`
      : `Ops ${r.def.key.replace(/^proc-vmstat\./, '')}`,
  )
  const labelWidth = Math.max(...labels.map((l) => l.length)) + 2
  const cells = rows.map((r) => {
    const a = valueText(r, r.a)
    const b = valueText(r, r.b)
    if (r.def.unit !== 'us') return [a, b]
    return [`${a} (   0.00%)`, `${b} (${gain(r.a?.mean, r.b?.mean)}%)`]
  })
  const wA = Math.max(colA.length, ...cells.map((c) => c[0].length))
  const wB = Math.max(colB.length, ...cells.map((c) => c[1].length))
  return [
    ' '.repeat(labelWidth) + colA.padStart(wA) + ' ' + colB.padStart(wB),
    ...rows.map(
      (_, i) =>
        labels[i].padEnd(labelWidth) + cells[i][0].padStart(wA) + ' ' + cells[i][1].padStart(wB),
    ),
  ]
}

/** mmtests' sign for lower-is-better metrics: positive = B lower than A. 7 wide. */
function gain(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined) return '    n/a'
  if (a === 0) return b === 0 ? '   0.00' : '    n/a'
  const text = (((a - b) / a) * 100).toFixed(2)
  return (text === '-0.00' ? '0.00' : text).padStart(7)
}

/** metric | A | B | change. */
function textBlock(block: Block, several: boolean): string[] {
  const cell = (r: Row, s: MetricStats | undefined): string => {
    const v = valueText(r, s)
    if (!several || s === undefined || s.n < 2 || s.stddev === 0) return v
    return `${v} +- ${formatMetricValue(r.def.unit, s.stddev)}`
  }
  const table = block.rows.map((r) => [r.def.key, cell(r, r.a), cell(r, r.b), change(r)])
  const head = ['metric', 'A', 'B', 'change']
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)))
  const line = (row: string[]): string =>
    row
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd()
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...table.map(line)]
}
