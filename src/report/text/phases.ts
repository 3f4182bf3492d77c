/**
 * Time in faults per phase, and per fault type its count and p50/p99: the latency figures a
 * reviewer quotes. Never a percentile over all fault types together: a THP write fault (~120 us)
 * and a 4 KB swap-in from NVMe (~70 us) in one distribution answer no question, and a variant
 * that takes 500x fewer faults would look worse on it while spending 15x less time faulting.
 *
 *   Time in faults per phase (simulated); p50/p99 per fault type:
 *
 *   reclaimed -> read back
 *                                faults        time  vs base      p50      p99
 *     baseline                  1310720   1373.1 ms
 *       swapin-cache            1302526    794.5 ms            0.61us   0.61us
 *       swapin-io                  8194    578.6 ms            70.6us   70.6us
 *     pmd-swap                     2560     74.8 ms   -94.6%
 *       ...
 *
 * At most MAIL_MAX_COLUMNS wide. Several runs: counts and times are means over the runs; p50
 * and p99 the mean of each run's value.
 */
import type { PhaseFaults, ResultJson, VariantName } from '../../shared/result'
import { percentChange } from './lkp'
import {
  ascii,
  displayOrder,
  formatMicros,
  formatNumber,
  toRuns,
  wrap,
  type RunsInput,
} from './metrics'

/** A plain-text mail reply: quoted twice it still fits 80 columns. */
export const MAIL_MAX_COLUMNS = 76

const NAME_WIDTH = 26

interface TypeRow {
  count: number
  totalNs: number
  p50: number
  p99: number
}

interface VariantPhase {
  name: VariantName
  count: number
  totalNs: number
  types: Map<string, TypeRow>
}

/** Means over the runs of one phase's faults, per variant. */
function phaseRows(runs: readonly ResultJson[], phase: string): VariantPhase[] {
  const names = displayOrder(runs[0].variants).map((v) => v.name)
  const out: VariantPhase[] = []
  for (const name of names) {
    const found: PhaseFaults[] = []
    for (const r of runs) {
      const p = r.variants.find((v) => v.name === name)?.phases?.find((x) => x.name === phase)
      if (p) found.push(p.faults)
    }
    if (found.length === 0) continue
    const n = found.length
    const types = new Map<string, TypeRow>()
    const typeNames = [...new Set(found.flatMap((f) => Object.keys(f.byType)))]
    for (const type of typeNames) {
      const rows = found.map((f) => f.byType[type]).filter((t) => t !== undefined)
      const mean = (pick: (t: (typeof rows)[number]) => number, over = n) =>
        rows.reduce((s, t) => s + pick(t), 0) / over
      types.set(type, {
        count: mean((t) => t.count),
        totalNs: mean((t) => t.totalNs),
        p50: mean((t) => t.latencyNs.p50, rows.length),
        p99: mean((t) => t.latencyNs.p99, rows.length),
      })
    }
    out.push({
      name,
      count: found.reduce((s, f) => s + f.count, 0) / n,
      totalNs: found.reduce((s, f) => s + f.totalNs, 0) / n,
      types,
    })
  }
  return out
}

/** `1373.1 ms`, `74.8 ms`, `0.15 ms`, `0 ms`. */
export function formatMs(ns: number): string {
  return ns === 0 ? '0 ms' : `${formatMicros(ns / 1e6)} ms`
}

const us = (ns: number): string => `${formatMicros(ns / 1000)}us`

/** The phase block of the mail and the summary; empty when no phase of any variant faulted. */
export function phasesBody(input: RunsInput): string {
  const runs = toRuns(input)
  const phaseNames: string[] = []
  for (const v of runs[0].variants) {
    for (const p of v.phases ?? []) if (!phaseNames.includes(p.name)) phaseNames.push(p.name)
  }
  const blocks: string[] = []
  for (const phase of phaseNames) {
    const rows = phaseRows(runs, phase)
    if (rows.every((r) => r.count === 0)) continue
    const base = rows.find((r) => r.name === 'baseline')
    const lines = [
      cut(ascii(phase), MAIL_MAX_COLUMNS),
      row('', 'faults', 'time', 'vs base', 'p50', 'p99'),
    ]
    for (const v of rows) {
      const vs = base && v !== base ? percentChange(base.totalNs, v.totalNs) : ''
      lines.push(row(`  ${v.name}`, formatNumber(round1(v.count)), formatMs(v.totalNs), vs, '', ''))
      // The types that cost the most time first.
      const types = [...v.types.entries()].sort(
        (a, b) => b[1].totalNs - a[1].totalNs || (a[0] < b[0] ? -1 : 1),
      )
      for (const [type, t] of types) {
        lines.push(
          row(
            `    ${type}`,
            formatNumber(round1(t.count)),
            formatMs(t.totalNs),
            '',
            us(t.p50),
            us(t.p99),
          ),
        )
      }
    }
    blocks.push(lines.join('\n'))
  }
  if (blocks.length === 0) return ''
  const head =
    runs.length > 1
      ? `Time in faults per phase (simulated, means over ${runs.length} runs); p50/p99 per fault type:`
      : 'Time in faults per phase (simulated); p50/p99 per fault type:'
  return [wrap(head, '', '', MAIL_MAX_COLUMNS), '', blocks.join('\n\n'), ''].join('\n')
}

function round1(n: number): number {
  return Number.isInteger(n) ? n : Math.round(n * 10) / 10
}

function row(
  name: string,
  count: string,
  time: string,
  vs: string,
  p50: string,
  p99: string,
): string {
  return (
    cut(name, NAME_WIDTH).padEnd(NAME_WIDTH) +
    count.padStart(9) +
    time.padStart(12) +
    vs.padStart(9) +
    p50.padStart(10) +
    p99.padStart(10)
  ).trimEnd()
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 3)}...`
}
