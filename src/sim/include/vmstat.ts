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
  /** Lazy page-table deposit series only (THP_SPLIT_PMD_FAILED). */
  'thp_split_pmd_failed',
  'thp_scan_exceed_none_pte',
  'thp_scan_exceed_swap_pte',
  'thp_scan_exceed_share_pte',
  'thp_zero_page_alloc',
  'thp_zero_page_alloc_failed',
  'thp_swpout',
  'thp_swpout_fallback',
  /** PMD-level swap entry series only: swap-out installed a PMD swap entry instead of splitting. */
  'thp_swpout_pmd',
] as const

export type VmEvent = (typeof VM_EVENTS)[number]

export type VmEvents = Record<VmEvent, number>

export function newVmEvents(): VmEvents {
  const e = {} as VmEvents
  for (const name of VM_EVENTS) e[name] = 0
  return e
}

/** The counters a kernel of this variant has: the series' events exist only with the series. */
export function vmEventExists(name: VmEvent, f: VariantFeatures): boolean {
  if (name === 'thp_swpout_pmd') return f.pmdSwap
  if (name === 'thp_split_pmd_failed') return f.lazyDeposit
  return true
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
