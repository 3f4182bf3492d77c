/**
 * Anonymous reclaim (mm/vmscan.c): isolating folios from the LRU, shrink_folio_list() with
 * folio_alloc_swap() and its split fallback, try_to_unmap(), pageout, and freeing clean
 * swap-cache folios. Entry points: MADV_PAGEOUT (reclaim_pages()), direct reclaim
 * (try_to_free_pages()) and memory.reclaim (try_to_free_mem_cgroup_pages()).
 */
import type { FallbackReason, Kernel } from '../kernel'
import { E_YOUNG, PMD_HUGE } from '../include/pgtable'
import { HPAGE_PMD_NR, PAGE_SIZE, PMD_SIZE } from '../include/units'
import { shrink_huge_zero_folio, split_folio } from './huge_memory'
import {
  PG_DIRTY,
  PG_LAZYFREE,
  PG_LRU,
  PG_PARTIALLY_MAPPED,
  PG_SWAPCACHE,
  PG_WRITEBACK,
} from './mm_types'
import { swap_writeout } from './page_io'
import { folioPtes, rmap_walk_anon, try_to_unmap } from './rmap'
import { __folio_put } from './swap'
import { swap_cache_add_folio, swap_cache_del_folio } from './swap_state'

/**
 * @kernel mm/swapfile.c folio_alloc_swap()
 * Reserves 2^order contiguous slots on the highest-priority device that has them and adds the
 * folio to the swap cache. On failure returns why, for the fallback accounting.
 */
export function folio_alloc_swap(k: Kernel, f: number): true | FallbackReason | 'swap-full' {
  const order = k.folios.order[f]
  const devices = k.swapByPriority().filter((si) => si.enabled)
  // Without CONFIG_THP_SWAP a large folio gets no contiguous slots at all (-E2BIG).
  if (order > 0 && !k.spec.thp_swap && devices.length) return 'F2-no-thp-swap'
  for (const si of devices) {
    k.cost('swapcache', k.cpu.swapSlotAllocNs)
    const off = si.allocSlots(order, f)
    if (off >= 0) {
      swap_cache_add_folio(k, f, si, off)
      return true
    }
  }
  if (order === 0) return 'swap-full'
  return devices.some((si) => si.cost.blockDevice) ? 'F2-no-free-cluster' : 'F2-swap-file'
}

/**
 * @kernel mm/rmap.c folio_referenced(): counts and clears the young bits of every mapping.
 */
function folio_referenced(k: Kernel, f: number): number {
  let referenced = 0
  for (const { vma, addr } of rmap_walk_anon(k, f)) {
    const p = addr >= vma.start ? vma.mm.pmds.get(Math.floor(addr / PMD_SIZE)) : undefined
    const pm = k.pmds
    if (p !== undefined && pm.kind[p] === PMD_HUGE && pm.val[p] === f) {
      if (pm.flags[p] & E_YOUNG) referenced++
      pm.flags[p] &= ~E_YOUNG
    } else {
      const pt = k.ptes
      for (const [e] of folioPtes(k, vma, addr, f)) {
        if (pt.flags[e] & E_YOUNG) referenced++
        pt.flags[e] &= ~E_YOUNG
      }
    }
  }
  return referenced
}

/**
 * @kernel mm/vmscan.c shrink_folio_list()
 * Takes isolated folios; returns the pages freed. Folios that stay (under writeback, referenced,
 * unmappable) are returned in `keep` for the caller to put back on the LRU.
 */
export function shrink_folio_list(
  k: Kernel,
  list: number[],
  ignoreReferences: boolean,
  keep: number[],
): number {
  const fo = k.folios
  const wasInReclaim = k.inReclaim
  k.inReclaim = true
  let reclaimed = 0
  try {
    for (let i = 0; i < list.length; i++) {
      const f = list[i]
      if (fo.pfn[f] < 0) continue
      const nr = fo.nrPages(f)
      // Under writeback, or maybe DMA-pinned (folio_maybe_dma_pinned()): not now.
      if (fo.flags[f] & PG_WRITEBACK || k.pins.has(f)) {
        keep.push(f)
        continue
      }
      if (!ignoreReferences && fo.mapped(f) && folio_referenced(k, f) > 0) {
        keep.push(f)
        continue
      }
      const lazyfree = (fo.flags[f] & PG_LAZYFREE) !== 0
      if (!lazyfree && !(fo.flags[f] & PG_SWAPCACHE)) {
        if (nr > 1 && fo.flags[f] & PG_PARTIALLY_MAPPED) {
          const parts = split_folio(k, f)
          if (!parts) {
            keep.push(f)
            continue
          }
          k.count('F3-partially-mapped')
          list.push(...parts)
          continue
        }
        const r = folio_alloc_swap(k, f)
        if (r !== true) {
          if (r === 'swap-full' || k.swap.length === 0) {
            keep.push(f)
            continue
          }
          // split_folio_to_list(): retry as order-0 folios.
          const parts = split_folio(k, f)
          if (!parts) {
            keep.push(f)
            continue
          }
          if (nr >= HPAGE_PMD_NR) k.vm.thp_swpout_fallback++
          k.mthpCount(Math.log2(nr), 'swpout_fallback')
          k.count(r)
          list.push(...parts)
          continue
        }
        fo.flags[f] |= PG_DIRTY
      }
      if (fo.mapped(f) && !try_to_unmap(k, f)) {
        keep.push(f)
        continue
      }
      if (lazyfree) {
        // Discarded without I/O (MADV_FREE), unless it was written again meanwhile.
        if (!(fo.flags[f] & PG_LAZYFREE) || fo.mapped(f)) {
          keep.push(f)
          continue
        }
        __folio_put(k, f)
        reclaimed += nr
        continue
      }
      // try_to_unmap_flush_dirty(): the deferred TLB flush before the data goes out.
      k.flushTlbBatch()
      if (fo.flags[f] & PG_DIRTY && swap_writeout(k, f)) {
        keep.push(f)
        continue
      }
      // Clean and unmapped: __remove_mapping() drops it from the swap cache; the slots keep
      // their counts for the swap entries that now stand for the data.
      swap_cache_del_folio(k, f)
      __folio_put(k, f)
      reclaimed += nr
    }
  } finally {
    k.flushTlbBatch()
    k.inReclaim = wasInReclaim
  }
  return reclaimed
}

/** Puts kept folios back at the LRU head (putback_lru_folios()). */
function putback(k: Kernel, keep: number[]): void {
  for (const f of keep) {
    if (k.folios.pfn[f] >= 0 && !(k.folios.flags[f] & PG_LRU)) k.lruAdd(f)
  }
}

/** @kernel mm/vmscan.c reclaim_pages(): MADV_PAGEOUT's isolated list, references ignored. */
export function reclaim_pages(k: Kernel, list: number[]): number {
  for (const f of list) k.lruDel(f)
  const keep: number[] = []
  const n = shrink_folio_list(k, list, true, keep)
  putback(k, keep)
  return n
}

/**
 * One pass over the LRU from its tail (oldest first), SWAP_CLUSTER_MAX folios at a time, until
 * `nrPages` are freed or every folio was looked at once. Returns pages freed.
 * Each batch is one shrink_inactive_list(): it counts PGSCAN_ANON for the pages it isolated and
 * PGSTEAL_ANON for the pages shrink_folio_list() freed. reclaim_pages() (MADV_PAGEOUT) counts
 * neither: reclaim_folio_list() calls shrink_folio_list() directly (checked against a 6.18
 * kernel with hugeswap real: pgscan_anon stays put across MADV_PAGEOUT).
 */
function shrink_lruvec(k: Kernel, nrPages: number): number {
  let reclaimed = 0
  let budget = k.nrLru
  // Pages sent to an asynchronous device count as progress for this pass (they are freed once
  // written), so reclaim does not write out the whole LRU to free a few pages.
  const started = k.writebackPagesStarted
  while (
    reclaimed + (k.writebackPagesStarted - started) < nrPages &&
    budget > 0 &&
    k.lruTail >= 0
  ) {
    const batch: number[] = []
    while (batch.length < 32 && budget > 0 && k.lruTail >= 0) {
      const f = k.lruTail
      k.lruDel(f)
      batch.push(f)
      budget--
    }
    const keep: number[] = []
    for (const f of batch) k.vm.pgscan_anon += k.folios.nrPages(f)
    const freed = shrink_folio_list(k, batch, false, keep)
    k.vm.pgsteal_anon += freed
    reclaimed += freed
    putback(k, keep)
  }
  return reclaimed
}

/** @kernel mm/vmscan.c try_to_free_pages(): direct reclaim for an allocation. */
export function try_to_free_pages(k: Kernel, nrPages: number): number {
  if (k.inReclaim) return 0
  // shrink_node(): the LRU first, then the shrinkers (deferred split, the huge zero folio).
  const n = shrink_lruvec(k, nrPages)
  return n + deferred_split_scan(k) + shrink_huge_zero_folio(k)
}

/**
 * @kernel mm/huge_memory.c deferred_split_scan(): the shrinker splits the partially mapped large
 * folios on the queue, freeing the pages nothing maps. Returns pages freed.
 */
export function deferred_split_scan(k: Kernel): number {
  let freed = 0
  for (const f of [...k.deferredSplit]) {
    k.deferredSplit.delete(f)
    const fo = k.folios
    if (fo.pfn[f] < 0 || fo.order[f] === 0) continue
    const before = k.mem.nrFree
    // Reclaim (through its shrinker) splits the partially mapped THP: it will never be swapped
    // out whole (F3).
    if (split_folio(k, f)) k.count('F3-partially-mapped')
    freed += k.mem.nrFree - before
  }
  return freed
}

/**
 * @kernel mm/vmscan.c try_to_free_mem_cgroup_pages() as driven by a write to memory.reclaim:
 * reclaim until `bytes` are freed, retrying up to MAX_RECLAIM_RETRIES times and waiting for
 * writeback in between (reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK)), so clean swap-cache folios
 * left by an earlier asynchronous swap-out are freed too. Returns bytes reclaimed.
 */
/** @kernel mm/vmscan.c reclaim_throttle(): VMSCAN_THROTTLE_WRITEBACK sleeps up to HZ/10. */
const RECLAIM_THROTTLE_NS = 100_000_000

/**
 * @kernel mm/vmscan.c reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK): with writeback in flight,
 * sleep until it completes, at most HZ/10. The clock moves; a fault in progress sees the stall.
 * Returns whether there was anything to wait for.
 */
export function reclaim_throttle(k: Kernel): boolean {
  if (k.nrWriteback === 0) return false
  k.events.runUntil(Math.min(k.writebackDoneNs, k.events.nowNs + RECLAIM_THROTTLE_NS))
  return true
}

export function memory_reclaim(k: Kernel, bytes: number): number {
  const target = Math.ceil(bytes / PAGE_SIZE)
  let reclaimed = 0
  // memory_reclaim() retries MAX_RECLAIM_RETRIES times without progress before giving up.
  for (let pass = 0; pass < 16 && reclaimed < target; pass++) {
    const n =
      shrink_lruvec(k, target - reclaimed) + deferred_split_scan(k) + shrink_huge_zero_folio(k)
    reclaimed += n
    if (reclaimed < target) reclaim_throttle(k)
  }
  return reclaimed * PAGE_SIZE
}
