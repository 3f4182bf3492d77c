/**
 * Folio lifetime (mm/swap.c __folio_put(), folios_put()): an anonymous folio goes back to the
 * page allocator once nothing maps it and the swap cache does not hold it.
 */
import { SimInvariantError } from '../api'
import type { Kernel } from '../kernel'
import { HPAGE_PMD_ORDER } from '../include/units'
import { PG_ACTIVE, PG_LRU, PG_REFERENCED, PG_SWAPCACHE, PG_WRITEBACK } from './mm_types'

/** @kernel mm/swap.c __folio_put(): frees the folio's pages and its row. */
export function __folio_put(k: Kernel, f: number): void {
  const fo = k.folios
  if (fo.pfn[f] < 0) throw new SimInvariantError(`__folio_put: folio ${f} is already free`)
  k.lruDel(f)
  k.pins.delete(f)
  k.deferredSplit.delete(f)
  k.mem.free(fo.pfn[f], fo.order[f])
  fo.release(f)
}

/**
 * Drops the folio if it is neither mapped, nor in the swap cache, nor under writeback: what the
 * last folio_put() of an anonymous folio does.
 */
export function folioPutIfUnused(k: Kernel, f: number): boolean {
  const fo = k.folios
  if (fo.pfn[f] < 0) return false
  if (fo.mapped(f) || fo.flags[f] & (PG_SWAPCACHE | PG_WRITEBACK)) return false
  __folio_put(k, f)
  return true
}

/** @kernel include/linux/huge_mm.h folio_test_pmd_mappable() */
export function folio_test_pmd_mappable(k: Kernel, f: number): boolean {
  return k.folios.order[f] >= HPAGE_PMD_ORDER
}

/**
 * @kernel mm/swap.c folio_deactivate() -> lru_deactivate(): an active folio moves to the head of
 * the inactive list with PG_referenced cleared (pgdeactivate); an inactive one stays where it is.
 */
export function folio_deactivate(k: Kernel, f: number): void {
  const fo = k.folios
  if (!(fo.flags[f] & PG_LRU) || !(fo.flags[f] & PG_ACTIVE)) return
  k.lruDel(f)
  fo.flags[f] &= ~(PG_ACTIVE | PG_REFERENCED)
  k.lruAdd(f)
  k.vm.pgdeactivate += fo.nrPages(f)
}
