/**
 * /proc/vmstat names, verbatim (include/linux/vm_event_item.h, mm/vmstat.c). Events are
 * cumulative; the `nr_*` gauges are computed when read.
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
