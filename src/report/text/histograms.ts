/**
 * Fault latency as bpftrace prints a `hist()` map (docs/cli.md#text-formats: ASCII
 * histograms pasted from bpftrace are how distributions travel on linux-mm):
 *
 *   @latency_ns[pmd-swap]:
 *   [512, 1K)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
 *
 * exactly bpftrace's TextOutput::hist: the range left-aligned in 16 columns (powers of two with
 * K/M/G/T suffixes for 2^10, 2^20, ...), the count right-aligned in 8, then ` |`, a bar of `@`
 * scaled so that the largest bucket is 52 wide (truncated, as bpftrace's int conversion does) padded
 * to 52, and `|`. Only buckets from the first to the last non-empty one are printed; each map ends
 * with a blank line. Variants that took no fault print no map. Several runs: the runs' histograms
 * are added up (one map per variant, as if bpftrace had traced all the runs). In the mail the bar
 * is 49 wide instead of 52, so that every line fits 76 columns.
 */
import type { LatencyHistogram, ResultJson, VariantName } from '../../shared/result'
import { withBanner } from './banner'
import { displayOrder, formatFooter, toRuns, type RunsInput } from './metrics'

const BAR_WIDTH = 52
const SUFFIXES = ['', 'K', 'M', 'G', 'T', 'P', 'E']

export function formatHistograms(input: RunsInput): string {
  return `${withBanner(input, histogramsBody(input))}\n${formatFooter(input)}\n`
}

/**
 * The maps without the footer; `@latency_ns: no faults` when no variant took a fault. With
 * `maxColumns` (the mail) the bars are narrowed so that every line fits.
 */
export function histogramsBody(input: RunsInput, opts: { maxColumns?: number } = {}): string {
  const runs = toRuns(input)
  // 16 (range) + 8 (count) + ' |' + bar + '|'.
  const bar = opts.maxColumns ? Math.min(BAR_WIDTH, opts.maxColumns - 27) : BAR_WIDTH
  const maps = mergedHistograms(runs)
    .map(([name, h]) => bpftraceHist(`@latency_ns[${name}]`, h, bar))
    .filter((text) => text !== '')
  return maps.length > 0 ? maps.join('\n') : '@latency_ns: no faults\n'
}

/** Per variant (baseline first), the sum of the runs' log2 histograms. */
function mergedHistograms(runs: readonly ResultJson[]): [VariantName, LatencyHistogram][] {
  const names = [...new Set(displayOrder(runs.flatMap((r) => r.variants)).map((v) => v.name))]
  return names.map((name) => {
    const hists = runs.flatMap((r) =>
      r.variants.filter((v) => v.name === name).map((v) => v.faults.histogram),
    )
    const nonEmpty = hists.filter((h) => h.counts.length > 0)
    if (nonEmpty.length === 0) return [name, { firstLog2: 0, counts: [] }]
    const first = Math.min(...nonEmpty.map((h) => h.firstLog2))
    const counts: number[] = []
    for (const h of nonEmpty) {
      h.counts.forEach((c, i) => {
        const at = h.firstLog2 - first + i
        counts[at] = (counts[at] ?? 0) + c
      })
    }
    return [name, { firstLog2: first, counts: Array.from(counts, (c) => c ?? 0) }]
  })
}

/** `1`, `512`, `1K`, `2M`: bpftrace's hist_index_label for 2^power. */
export function powerLabel(power: number): string {
  const decade = Math.min(Math.floor(power / 10), SUFFIXES.length - 1)
  return `${2 ** (power - 10 * decade)}${SUFFIXES[decade]}`
}

/** One bpftrace `hist()` map (without bpftrace's trailing blank line), or '' when all empty. */
export function bpftraceHist(
  title: string,
  histogram: LatencyHistogram,
  barWidth = BAR_WIDTH,
): string {
  const { firstLog2, counts } = histogram
  const first = counts.findIndex((c) => c > 0)
  if (first < 0) return ''
  let last = counts.length - 1
  while (counts[last] <= 0) last--
  const max = Math.max(...counts)
  const lines = [`${title}:`]
  for (let i = first; i <= last; i++) {
    const power = firstLog2 + i
    const range = `[${powerLabel(power)}, ${powerLabel(power + 1)})`
    const bar = '@'.repeat(Math.floor((counts[i] / max) * barWidth))
    lines.push(`${range.padEnd(16)}${String(counts[i]).padStart(8)} |${bar.padEnd(barWidth)}|`)
  }
  return lines.join('\n') + '\n'
}
