/**
 * The swap cache (mm/swap_state.c): per slot, the folio that holds the slot's data in memory
 * (the folio pointer in the cluster's swap table). SwapCached counts those pages.
 */
import type { Kernel } from '../kernel'
import { PG_SWAPCACHE, PG_WRITEBACK } from './mm_types'
import type { SwapInfo } from './swapfile'
import { folio_put_if_unused } from './swap'

/** @kernel mm/swap_state.c swap_cache_add_folio(): the slots were reserved by folio_alloc_swap(). */
export function swap_cache_add_folio(k: Kernel, f: number, si: SwapInfo, offset: number): void {
  const fo = k.folios
  const nr = fo.nrPages(f)
  si.setCacheRange(offset, nr, f)
  fo.flags[f] |= PG_SWAPCACHE
  fo.swapType[f] = si.type
  fo.swapOffset[f] = offset
  k.nrSwapCache += nr
  k.cost('swapcache', k.cpu.swapCacheOpNs)
}

/**
 * @kernel mm/swap_state.c swap_cache_del_folio() + put_swap_folio()
 * Takes the folio out of the swap cache; slots no page table refers to any more are freed.
 */
export function swap_cache_del_folio(k: Kernel, f: number): void {
  const fo = k.folios
  const si = k.swap[fo.swapType[f]]
  const off = fo.swapOffset[f]
  const nr = fo.nrPages(f)
  si.setCacheRange(off, nr, -1)
  // Slots no page table refers to any more are freed.
  si.freeUnused(off, nr)
  fo.flags[f] &= ~PG_SWAPCACHE
  fo.swapOffset[f] = -1
  k.nrSwapCache -= nr
  k.cost('swapcache', k.cpu.swapCacheOpNs)
}

/** @kernel mm/swap_state.c swap_cache_get_folio(): the cached folio for one slot, or -1. */
export function swap_cache_get_folio(k: Kernel, si: SwapInfo, offset: number): number {
  k.cost('swapcache', k.cpu.swapCacheOpNs)
  return si.cacheOf(offset)
}

/** Whether any slot of the folio still has a swap count (folio_swapped()). */
export function folio_swapped(k: Kernel, f: number): boolean {
  const fo = k.folios
  const si = k.swap[fo.swapType[f]]
  const off = fo.swapOffset[f]
  return si.anySwapped(off, fo.nrPages(f))
}

/**
 * @kernel mm/swapfile.c folio_free_swap(): drop the folio from the swap cache and free its slots,
 * but only if no page table refers to any of them any more.
 */
export function folio_free_swap(k: Kernel, f: number): boolean {
  const flags = k.folios.flags[f]
  if (!(flags & PG_SWAPCACHE) || flags & PG_WRITEBACK || folio_swapped(k, f)) return false
  swap_cache_del_folio(k, f)
  return true
}

/**
 * @kernel mm/swap_state.c free_swap_cache() as called when a mapping goes away: an unmapped
 * folio whose slots nobody references leaves the swap cache (the caller drops the folio).
 */
export function free_swap_cache(k: Kernel, f: number): void {
  if (k.folios.mapped(f)) return
  folio_free_swap(k, f)
}

/**
 * @kernel mm/swapfile.c free_swap_and_cache() for slots whose count just dropped to zero: a
 * cached folio that nothing maps any more is reclaimed with them.
 */
export function free_swap_and_cache(k: Kernel, si: SwapInfo, offset: number, nr: number): void {
  si.put(offset, nr)
  let last = -1
  for (let i = offset; i < offset + nr; i++) {
    const f = si.cacheOf(i)
    if (f < 0 || f === last || si.swapCount(i) !== 0) continue
    last = f
    free_swap_cache(k, f)
    folio_put_if_unused(k, f)
  }
}
