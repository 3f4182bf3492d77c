/**
 * The result as one long CSV table (RFC 4180): `variant,snapshot,source,name,value`, one row per
 * number, so pandas, R or a spreadsheet can pivot it any way. `snapshot` is empty for the final
 * values and the k.snapshot() label otherwise. Keys keep their kernel spelling.
 */
import type { ResultJson } from '../../shared/result'

export const CSV_HEADER = ['variant', 'snapshot', 'source', 'name', 'value'] as const

export function formatCsv(result: ResultJson): string {
  const rows: (string | number)[][] = [[...CSV_HEADER]]
  for (const v of result.variants) {
    const add = (snapshot: string, source: string, values: Record<string, number>): void => {
      for (const [name, value] of Object.entries(values))
        rows.push([v.name, snapshot, source, name, value])
    }
    add('', 'vmstat', v.vmstat)
    add('', 'meminfo', v.meminfo)
    add('', 'pagetables', { ...v.pageTables })
    add('', 'faults', {
      count: v.faults.count,
      ...prefixed('latency_ns_', { ...v.faults.latencyNs }),
    })
    for (const [type, stats] of Object.entries(v.faults.byType)) {
      add('', `faults.${type}`, {
        count: stats.count,
        ...prefixed('latency_ns_', { ...stats.latencyNs }),
      })
    }
    for (const [walker, stats] of Object.entries(v.walkers))
      add('', `walkers.${walker}`, { ...stats })
    add('', 'fallbacks', v.fallbacks)
    add('', 'sim', { end_time_ns: v.endTimeNs })
    for (const s of v.snapshots) {
      add(s.label, 'vmstat', s.vmstat)
      add(s.label, 'meminfo', s.meminfo)
      add(s.label, 'pagetables', { ...s.pageTables, page_table_bytes: s.pageTableBytes })
      add(s.label, 'sim', { time_ns: s.timeNs })
    }
  }
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n'
}

function prefixed(prefix: string, values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([k, n]) => [prefix + k, n]))
}

/** Quotes a field only when it must be (comma, quote, line break), doubling inner quotes. */
function csvField(value: string | number): string {
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}
