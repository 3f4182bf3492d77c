/**
 * /proc/vmstat and /proc/meminfo names, verbatim (include/linux/vm_event_item.h, mm/vmstat.c,
 * fs/proc/meminfo.c): the one source of the counter names. Events are cumulative; the `nr_*`
 * gauges and the meminfo fields are computed when read (mm/vmstat.ts).
 */
import type { VariantFeatures } from '../result'

export const VM_EVENTS = [
  'pgfault',
  'pgmajfault',
  'pswpin',
  'pswpout',
  'pgscan_anon',
  'pgsteal_anon',
  'pgscan_kswapd',
  'pgscan_direct',
  'pgsteal_kswapd',
  'pgsteal_direct',
  'allocstall_normal',
  'allocstall_movable',
  'pgrefill',
  'pgactivate',
  'pgdeactivate',
  'pageoutrun',
  'swap_ra',
  'swap_ra_hit',
  'swpin_zero',
  'swpout_zero',
  'zswpin',
  'zswpout',
  'zswpwb',
  'oom_kill',
  'thp_fault_alloc',
  'thp_fault_fallback',
  'thp_fault_fallback_charge',
  'thp_collapse_alloc',
  'thp_collapse_alloc_failed',
  'thp_split_page',
  'thp_split_page_failed',
  'thp_deferred_split_page',
  'thp_split_pmd',
  /** Lazy page-table deposit series only (THP_SPLIT_PMD_FAILED; SERIES_EVENTS). */
  'thp_split_pmd_failed',
  'thp_scan_exceed_none_pte',
  'thp_scan_exceed_swap_pte',
  'thp_scan_exceed_share_pte',
  'thp_zero_page_alloc',
  'thp_zero_page_alloc_failed',
  'thp_swpout',
  'thp_swpout_fallback',
  /** PMD swap entry series only (SERIES_EVENTS): swap-out installed a PMD swap entry, no split. */
  'thp_swpout_pmd',
] as const

export type VmEvent = (typeof VM_EVENTS)[number]

export type VmEvents = Record<VmEvent, number>

export function newVmEvents(): VmEvents {
  const e = {} as VmEvents
  for (const name of VM_EVENTS) e[name] = 0
  return e
}

/**
 * The events a patch series adds to include/linux/vm_event_item.h, each with the variant feature
 * that brings it: a kernel without the series has no such line in /proc/vmstat, and a result of a
 * variant without it has no such key (hugeswap.d.ts marks exactly these optional, the result
 * schema requires each exactly where its feature is on, and the reports show every one of them
 * among their key counters: tests hold all three to this table).
 */
export const SERIES_EVENTS = {
  thp_swpout_pmd: 'pmdSwap',
  thp_split_pmd_failed: 'lazyDeposit',
} as const satisfies Partial<Record<VmEvent, keyof VariantFeatures>>

export type SeriesEvent = keyof typeof SERIES_EVENTS

/** SERIES_EVENTS' names, in its order. */
export const SERIES_EVENT_NAMES = Object.keys(SERIES_EVENTS) as readonly SeriesEvent[]

function isSeriesEvent(name: VmEvent): name is SeriesEvent {
  return Object.prototype.hasOwnProperty.call(SERIES_EVENTS, name)
}

/** The counters a kernel of this variant has: a series' events exist only with the series. */
export function vmEventExists(name: VmEvent, f: VariantFeatures): boolean {
  return !isSeriesEvent(name) || f[SERIES_EVENTS[name]]
}

/** The `nr_*` gauges of /proc/vmstat the model reports, in /proc/vmstat's order. */
export const VM_GAUGES = [
  'nr_free_pages',
  'nr_anon_pages',
  'nr_anon_transparent_hugepages',
  'nr_page_table_pages',
  'nr_swapcached',
] as const

export type VmGauge = (typeof VM_GAUGES)[number]

/** A /proc/vmstat name a result can hold: a gauge or an event. */
export type VmstatName = VmGauge | VmEvent

/** Every /proc/vmstat name a result can hold, gauges first (as /proc/vmstat lists them). */
export const VMSTAT_NAMES: readonly VmstatName[] = [...VM_GAUGES, ...VM_EVENTS]

/** The /proc/meminfo fields the model reports (kB), in /proc/meminfo's order. */
export const MEMINFO_FIELDS = [
  'MemTotal',
  'MemFree',
  'AnonPages',
  'AnonHugePages',
  'PageTables',
  'SwapCached',
  'SwapTotal',
  'SwapFree',
  'Zswapped',
] as const

export type MeminfoField = (typeof MEMINFO_FIELDS)[number]
