/**
 * The result as one long CSV table (RFC 4180, CRLF line ends): `variant,snapshot,time_ns,metric,
 * value`, one row per variant x metric x snapshot, then a `final` row per metric (the values at the
 * end of the run, `time_ns` = the variant's end time). pandas, R or a spreadsheet can pivot it any
 * way. Variants come baseline first; inside a snapshot the metrics keep report order. Each phase
 * (k.phase(), or the stretch between two snapshots) adds rows with `snapshot` = `phase <name>`.
 *
 * Metric names are the ones the LKP table uses: kernel counters as `proc-vmstat.<name>` and
 * `meminfo.<Field>` (every counter the variant has, not only the compared ones), the simulator's
 * own figures under `hugeswap.` (latencies in microseconds, sizes in kB, times in ns). A snapshot
 * that the scenario itself labelled `final` is indistinguishable from the final rows but for
 * `time_ns`.
 */
import { showControls } from '../../shared/terminal'
import type { Phase, ResultJson, Snapshot, VariantResult } from '../../shared/result'
import { displayOrder } from './metrics'

export const CSV_HEADER = ['variant', 'snapshot', 'time_ns', 'metric', 'value'] as const

/** The `snapshot` of the end-of-run rows. */
export const CSV_FINAL = 'final'

type Values = [metric: string, value: number][]

const entries = (prefix: string, record: Record<string, number> | undefined): Values =>
  Object.entries(record ?? {}).map(([name, value]) => [prefix + name, value])

const ledger = (l: VariantResult['pageTables']): Values => [
  ['hugeswap.pagetables.allocated', l.allocated],
  ['hugeswap.pagetables.freed', l.freed],
  ['hugeswap.pagetables.deposited', l.deposited],
  ['hugeswap.pagetables.withdrawn', l.withdrawn],
  ['hugeswap.pagetables.peak_kB', l.peakBytes / 1024],
]

const LATENCIES = ['mean', 'p50', 'p90', 'p99', 'p999', 'max'] as const

function latency(prefix: string, count: number, ns: VariantResult['faults']['latencyNs']): Values {
  if (count === 0) return []
  return LATENCIES.map((p) => [`${prefix}latency.${p}_us`, ns[p] / 1000])
}

function snapshotValues(s: Snapshot): Values {
  return [
    ...entries('proc-vmstat.', s.vmstat),
    ...entries('meminfo.', s.meminfo),
    ...ledger(s.pageTables),
    ['hugeswap.pagetables.bytes', s.pageTableBytes],
    ...(s.faults
      ? ([
          ['hugeswap.faults.count', s.faults.count],
          ['hugeswap.faults.total_ns', s.faults.totalNs],
        ] as Values)
      : []),
    ...(s.io ?? []).flatMap((d, i): Values => [
      [`hugeswap.io.swap${i}.read_pages`, d.readPages],
      [`hugeswap.io.swap${i}.write_pages`, d.writePages],
    ]),
  ]
}

function finalValues(v: VariantResult): Values {
  const f = v.faults
  return [
    ...entries('proc-vmstat.', v.vmstat),
    ...entries('meminfo.', v.meminfo),
    ...ledger(v.pageTables),
    ['hugeswap.faults.count', f.count],
    ...(f.totalNs !== undefined ? ([['hugeswap.faults.total_ns', f.totalNs]] as Values) : []),
    // Latency per fault type only: a distribution over all types together answers no question.
    ...Object.entries(f.byType).flatMap(([type, t]): Values => [
      [`hugeswap.faults.${type}.count`, t.count],
      ...(t.totalNs !== undefined
        ? ([[`hugeswap.faults.${type}.total_ns`, t.totalNs]] as Values)
        : []),
      ...latency(`hugeswap.faults.${type}.`, t.count, t.latencyNs),
    ]),
    ...Object.entries(v.walkers).flatMap(([name, w]): Values => [
      [`hugeswap.walkers.${name}.calls`, w.calls],
      [`hugeswap.walkers.${name}.entries`, w.entriesVisited],
      ...(w.lockHoldNs !== undefined
        ? ([[`hugeswap.walkers.${name}.lock_hold_ns`, w.lockHoldNs]] as Values)
        : []),
    ]),
    ...entries('hugeswap.fallbacks.', v.fallbacks),
    ...Object.entries(v.mthp ?? {}).flatMap(([dir, stats]) =>
      entries(`hugeswap.mthp.${dir.replace(/^hugepages-/, '')}.`, stats),
    ),
    ...(v.khugepaged
      ? ([
          ['hugeswap.khugepaged.pages_collapsed', v.khugepaged.pages_collapsed],
          ['hugeswap.khugepaged.full_scans', v.khugepaged.full_scans],
          ...entries('hugeswap.khugepaged.result.', v.khugepaged.results),
        ] as Values)
      : []),
  ]
}

/** A phase's rows: its fault count and time, and per type count, time, p50 and p99. */
function phaseValues(p: Phase): Values {
  return [
    ['hugeswap.phase.faults.count', p.faults.count],
    ['hugeswap.phase.faults.total_ns', p.faults.totalNs],
    ...Object.entries(p.faults.byType).flatMap(([type, t]): Values => [
      [`hugeswap.phase.faults.${type}.count`, t.count],
      [`hugeswap.phase.faults.${type}.total_ns`, t.totalNs],
      [`hugeswap.phase.faults.${type}.latency.p50_us`, t.latencyNs.p50 / 1000],
      [`hugeswap.phase.faults.${type}.latency.p99_us`, t.latencyNs.p99 / 1000],
    ]),
  ]
}

export function formatCsv(result: ResultJson): string {
  const rows: (string | number)[][] = [[...CSV_HEADER]]
  for (const v of displayOrder(result.variants)) {
    for (const s of v.snapshots) {
      for (const [metric, value] of snapshotValues(s))
        rows.push([v.name, s.label, s.timeNs, metric, value])
    }
    // Phases: `snapshot` is `phase <name>`, `time_ns` the phase's end.
    for (const p of v.phases ?? []) {
      for (const [metric, value] of phaseValues(p))
        rows.push([v.name, `phase ${p.name}`, p.endNs, metric, value])
    }
    for (const [metric, value] of finalValues(v))
      rows.push([v.name, CSV_FINAL, v.endTimeNs, metric, value])
  }
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n'
}

/**
 * Quotes a field only when it must be (comma, quote, line break), doubling inner quotes. A text
 * field a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage
 * return: a scenario names its snapshots and phases) gets a leading ' (OWASP's CSV injection
 * advice); numbers stay numbers.
 */
export function csvField(value: string | number): string {
  // Control characters (a scenario's labels may carry any) shown as `\x1b` text.
  let text = showControls(String(value), true)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}
