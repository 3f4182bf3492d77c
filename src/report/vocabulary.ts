/**
 * The names the reports print, typed against the simulator's own vocabulary: every list of
 * counters a chart, a text format or the workbench shows is checked against these types
 * (`satisfies readonly VmstatName[]`), so a misspelt counter fails to compile instead of showing
 * an empty panel or a row of dashes. Also the readable labels of the fallback reasons and of
 * khugepaged's scan results, which the reports show next to the kernel's exact names.
 *
 * Pure data: nothing here runs the simulator. The names and the labels are the simulator's own
 * (src/sim/include/vmstat.ts, src/sim/result.ts), re-exported for the reports.
 */
import {
  MEMINFO_FIELDS,
  SERIES_EVENT_NAMES,
  SERIES_EVENTS,
  VM_EVENTS,
  VM_GAUGES,
  VMSTAT_NAMES,
  type MeminfoField,
  type SeriesEvent,
  type VmEvent,
  type VmGauge,
  type VmstatName,
  vmEventExists,
} from '../sim/include/vmstat'
import {
  FALLBACK_LABELS,
  SCAN_RESULT_LABELS,
  type FallbackReason,
  type ScanResult,
} from '../shared/result'

export {
  FALLBACK_LABELS,
  MEMINFO_FIELDS,
  SCAN_RESULT_LABELS,
  SERIES_EVENT_NAMES,
  SERIES_EVENTS,
  VM_EVENTS,
  VM_GAUGES,
  VMSTAT_NAMES,
  vmEventExists,
}
export type { FallbackReason, MeminfoField, ScanResult, SeriesEvent, VmEvent, VmGauge, VmstatName }

/**
 * The /proc/vmstat events a THP-swap reviewer reads first, in reading order: the one list the
 * counters chart, every text format and the workbench's counter table show (so they always talk
 * about the same counters). THP swap-out and its split, then every event the series add
 * (SERIES_EVENTS, in its order: a counter a series adds is a key counter without a second edit),
 * then faults and 4 KB swap traffic.
 */
export const KEY_VMSTAT_EVENTS: readonly VmEvent[] = [
  'thp_swpout',
  'thp_swpout_fallback',
  'thp_split_pmd',
  ...SERIES_EVENT_NAMES,
  'thp_fault_alloc',
  'pswpout',
  'pswpin',
  'pgfault',
  'pgmajfault',
]

/** A kernel counter of either file, as the workbench's counter table lists them together. */
export type CounterName = VmstatName | MeminfoField

/**
 * A flat LKP-style metric name (text/metrics.ts): a kernel counter under its file's prefix, or a
 * figure the simulator measures itself under `hugeswap.`.
 */
export type MetricKey =
  `proc-vmstat.${VmstatName}` | `meminfo.${MeminfoField}` | `hugeswap.${string}`

const has = <T extends object>(table: T, key: string): key is Extract<keyof T, string> =>
  Object.prototype.hasOwnProperty.call(table, key)

/** The readable label of a fallback reason (`F2-swap-file`); undefined for a name it does not know. */
export function fallbackLabel(reason: string): string | undefined {
  return has(FALLBACK_LABELS, reason) ? FALLBACK_LABELS[reason] : undefined
}

/** The readable label of a khugepaged scan result (`SCAN_SUCCEED`); undefined when unknown. */
export function scanResultLabel(result: string): string | undefined {
  return has(SCAN_RESULT_LABELS, result) ? SCAN_RESULT_LABELS[result] : undefined
}

/**
 * `label (key)`, the label first and the exact name after it, for places with room (tooltips,
 * legends); the name alone when it has no label.
 */
export function labelled(key: string, label: string | undefined): string {
  return label === undefined ? key : `${label} (${key})`
}

/**
 * A /proc/vmstat value of a result or snapshot, by a name the compiler checks (the result types
 * hold them as a plain string record, so `v.vmstat.oom_kil` would compile).
 */
export function vmstatOf(
  counters: Readonly<Record<string, number>>,
  name: VmstatName,
): number | undefined {
  return counters[name]
}

/** A /proc/meminfo value (kB) of a result or snapshot, by a name the compiler checks. */
export function meminfoOf(
  fields: Readonly<Record<string, number>>,
  name: MeminfoField,
): number | undefined {
  return fields[name]
}
