/**
 * A few sentences of plain prose for a changelog or a linux-mm reply: what was run (scenario,
 * variants, simulated machine, model), then, per variant, its headline differences against the
 * baseline: PTE-table memory, fault count and time spent in faults, swap-in major faults, whether the PMD
 * mapping came back, fallbacks. Every line fits 75 columns (the changelog width of
 * submitting-patches.rst); ASCII only.
 *
 * Several runs: the figures are the means over the runs, and the first paragraph says so.
 */
import type { ResultJson, VariantName } from '../../shared/result'
import { meminfoOf, type MetricKey } from '../vocabulary'
import { percentChange } from './lkp'
import {
  aggregateRuns,
  ascii,
  formatBytes,
  formatFooter,
  formatMicros,
  formatNumber,
  formatSeeds,
  quoted,
  toRuns,
  PROSE_MAX_COLUMNS,
  wrap,
  type AggregatedMetric,
  type RunsInput,
} from './metrics'
import { withBanner } from './banner'

export { PROSE_MAX_COLUMNS, wrap }

export function formatShortSummary(input: RunsInput): string {
  return `${withBanner(input, shortSummaryBody(input))}\n${formatFooter(input)}\n`
}

/** The prose without the footer. */
export function shortSummaryBody(input: RunsInput): string {
  const runs = toRuns(input)
  const aggregate = aggregateRuns(runs)
  const paragraphs = [wrap(whatRan(runs, aggregate.variants))]
  const [ref, ...others] = aggregate.variants
  if (ref === undefined) return paragraphs.join('\n\n') + '\n'
  const metric = new Map(aggregate.metrics.map((m) => [m.key, m]))
  const value = (key: MetricKey, i: number): number | undefined => metric.get(key)?.values[i]
  const facts = new Facts(aggregate.metrics, value)

  if (others.length === 0) {
    paragraphs.push(wrap(`${ref}: ${facts.alone(0)}`, '- ', '  '))
  } else {
    const bullets = others.map((name, j) =>
      wrap(`${name}: ${facts.versus(j + 1, ref)}`, '- ', '  '),
    )
    paragraphs.push([`Against ${ref}:`, ...bullets].join('\n'))
  }
  const legend = facts.legend()
  if (legend !== '') paragraphs.push(legend)
  paragraphs.push(wrap(checks(runs)))
  return paragraphs.join('\n\n') + '\n'
}

function whatRan(runs: readonly ResultJson[], variants: readonly VariantName[]): string {
  const { title, file, seed } = runs[0].scenario
  const { version, model } = runs[0].tool
  const seeds =
    runs.length === 1
      ? `seed ${seed}`
      : `seeds ${formatSeeds(runs.map((r) => r.scenario.seed))}, ${runs.length} runs, ` +
        'figures are means'
  const ref = runs[0].variants.find((v) => v.name === variants[0])
  const mem = ref && meminfoOf(ref.meminfo, 'MemTotal')
  const swap = ref && meminfoOf(ref.meminfo, 'SwapTotal')
  const machine =
    mem === undefined
      ? 'the scenario machine'
      : `a simulated machine with ${size(mem)} RAM` +
        (swap === undefined ? '' : swap > 0 ? ` and ${size(swap)} swap` : ' and no swap')
  return (
    `Ran ${quoted(title)} (${ascii(file)}, ${seeds}) on ${list(variants)}, in ${machine} ` +
    `(hugeswap ${ascii(version)}, model ${ascii(model)}).`
  )
}

/** The sentences about one variant, read from the aggregated metrics. */
class Facts {
  constructor(
    private readonly metrics: readonly AggregatedMetric[],
    private readonly value: (key: MetricKey, i: number) => number | undefined,
  ) {}

  alone(i: number): string {
    const v = (key: MetricKey): number | undefined => this.value(key, i)
    const out: string[] = []
    const peak = v('hugeswap.pagetables.peak_kB')
    if (peak !== undefined) out.push(`PTE-table memory peaks at ${kB(peak)}.`)
    const faults = v('hugeswap.faults.count') ?? 0
    const time = v('hugeswap.faults.time_ms')
    out.push(
      `${count(faults, 'fault')}` +
        (time === undefined || faults === 0 ? '.' : `, ${ms(time)} in faults.`),
    )
    const major = v('proc-vmstat.pgmajfault')
    if (major !== undefined) out.push(`Swap-in major faults: ${formatNumber(major)}.`)
    out.push(this.pmd(i))
    out.push(`Fallbacks: ${this.fallbacks(i)}.`)
    return out.join(' ')
  }

  versus(i: number, ref: string): string {
    const pair = (key: MetricKey): [number | undefined, number | undefined] => [
      this.value(key, 0),
      this.value(key, i),
    ]
    const out: string[] = []

    const [basePeak, peak] = pair('hugeswap.pagetables.peak_kB')
    const [baseEnd, end] = pair('meminfo.PageTables')
    if (basePeak !== undefined && peak !== undefined) {
      let s =
        peak === basePeak
          ? `PTE-table memory peaks at ${kB(peak)}, as in ${ref}`
          : `PTE-table memory peaks at ${kB(peak)} vs ${kB(basePeak)} ` +
            `(${percentChange(basePeak, peak)}, ${peak < basePeak ? 'saves' : 'costs'} ` +
            `${kB(Math.abs(basePeak - peak))})`
      if (baseEnd !== undefined && end !== undefined && end !== baseEnd) {
        s += ` and ends at ${kB(end)} vs ${kB(baseEnd)}`
      }
      out.push(s + '.')
    }

    const [baseFaults = 0, faults = 0] = pair('hugeswap.faults.count')
    // Time in faults, not a percentile over every fault type together: that mixes THP write
    // faults with swap-in I/O and says nothing (per-type p50/p99 are in the phase table).
    const [baseTime, time] = pair('hugeswap.faults.time_ms')
    let s =
      faults === baseFaults
        ? `${count(faults, 'fault')}, as in ${ref}`
        : `${count(faults, 'fault')} vs ${formatNumber(baseFaults)} ` +
          `(${percentChange(baseFaults, faults)})`
    if (time !== undefined && baseTime !== undefined && (faults > 0 || baseFaults > 0)) {
      s +=
        ms(time) === ms(baseTime)
          ? `, same time in faults (${ms(time)})`
          : `, ${ms(time)} in faults vs ${ms(baseTime)} (${percentChange(baseTime, time)})`
    }
    out.push(s + '.')

    const [baseMajor, major] = pair('proc-vmstat.pgmajfault')
    if (major !== undefined) {
      out.push(
        `Swap-in major faults: ${formatNumber(major)}` +
          (baseMajor === undefined ? '.' : ` vs ${formatNumber(baseMajor)}.`),
      )
    }
    out.push(this.pmd(i, ref))
    const fallbacks = this.fallbacks(i)
    const baseFallbacks = this.fallbacks(0)
    out.push(
      fallbacks === baseFallbacks
        ? `Fallbacks: ${fallbacks}, as in ${ref}.`
        : `Fallbacks: ${fallbacks} (${ref}: ${baseFallbacks}).`,
    )
    return out.join(' ')
  }

  /** Whether the THP ends PMD-mapped: AnonHugePages at the end of the run. */
  private pmd(i: number, ref?: string): string {
    const huge = this.value('meminfo.AnonHugePages', i)
    if (huge === undefined) return 'AnonHugePages not reported.'
    const base = this.value('meminfo.AnonHugePages', 0)
    const vs = ref !== undefined && base !== undefined ? `; ${ref}: ${kB(base)}` : ''
    return huge > 0
      ? `PMD mapping restored (AnonHugePages ${kB(huge)} at the end${vs}).`
      : `PMD mapping not restored (AnonHugePages 0 kB at the end${vs}).`
  }

  /** `none` or `3 split_for_swap, 1 pte_table_alloc_failed` (non-zero reasons, as listed). */
  private fallbacks(i: number): string {
    const parts = this.metrics
      .filter((m) => m.section === 'fallbacks' && (m.values[i] ?? 0) > 0)
      .map((m) => `${formatNumber(m.values[i]!)} ${m.label}`)
    return parts.length > 0 ? ascii(parts.join(', ')) : 'none'
  }

  /**
   * What the fallback reasons named above mean, one bullet each, after the per-variant
   * paragraphs (the sentences stay short and keep the exact names); '' when none has a label.
   *
   *   Fallback reasons:
   *   - F2-swap-file: swap file on a filesystem (not SWP_BLKDEV): order-0
   *     slots only.
   */
  legend(): string {
    const named = this.metrics.filter(
      (m) =>
        m.section === 'fallbacks' &&
        m.description !== undefined &&
        m.values.some((x) => (x ?? 0) > 0),
    )
    if (named.length === 0) return ''
    return [
      'Fallback reasons:',
      ...named.map((m) => wrap(ascii(`${m.label}: ${m.description}.`), '- ', '  ')),
    ].join('\n')
  }
}

function checks(runs: readonly ResultJson[]): string {
  const all = runs.flatMap((r) => r.variants.flatMap((v) => v.checks))
  const per = runs.length > 1 ? ` over ${runs.length} runs` : ''
  if (all.length === 0) return `No checks${per}.`
  const failed = all.filter((c) => !c.pass).length
  return `Checks${per}: ${all.length - failed} passed, ${failed} failed.`
}

const kB = (n: number): string => `${formatNumber(n)} kB`
const ms = (n: number): string => `${formatMicros(n)}ms`
const count = (n: number, noun: string): string => `${formatNumber(n)} ${noun}${n === 1 ? '' : 's'}`

/** `8 GiB`, `512 MiB`, `1536 kB`, from a meminfo size in kB. */
const size = (kb: number): string => formatBytes(kb * 1024)

/** `a`, `a and b`, `a, b and c`. */
function list(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}
