/**
 * mm/swap_state.c: the swap cache and swap readahead.
 *
 * The swap cache: per slot, the folio that holds the slot's data in memory (the folio pointer in
 * the cluster's swap table). SwapCached counts those pages.
 *
 * Readahead: a swap-cache miss reads a window of neighbouring slots, by VMA (the swap PTEs around
 * the fault, vma->swap_readahead_info keeping the window) or, while a rotational device is on, by
 * swap offset (the naturally aligned cluster around the slot).
 */
import { SimInvariantError } from '../api'
import type { Kernel } from '../kernel'
import { PTE_SWAP } from '../include/pgtable'
import { HPAGE_PMD_NR, PAGE_SIZE, PMD_SIZE } from '../include/units'
import { pmdIndexOf } from './huge_memory'
import { newOrder0Folio } from './memory'
import { PG_READAHEAD, PG_SWAPCACHE, PG_UPTODATE, PG_WRITEBACK, type Vma } from './mm_types'
import { alloc_pages } from './page_alloc'
import { swapReadIo } from './page_io'
import { SLOT_ZERO, SLOT_ZSWAP, SWAP_HEADER_SLOT, type SwapInfo } from './swapfile'
import { folioPutIfUnused } from './swap'

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

/**
 * @kernel mm/swapfile.c folio_swapped()
 * Whether any slot of the folio still has a swap count (folio_swapped()).
 */
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
    folioPutIfUnused(k, f)
  }
}

/** SWAP_RA_ORDER_CEILING (64-bit): windows are at most 2^5 pages whatever page-cluster says. */
const SWAP_RA_ORDER_CEILING = 5

/** SWAP_RA_WIN_SHIFT: window and hits are PAGE_SHIFT / 2 bits each below the page address. */
const SWAP_RA_FIELD = 1 << 6

/** vma->swap_readahead_info decoded: the last fault's page, the window, the hits since. */
interface SwapRaInfo {
  pfn: number
  win: number
  hits: number
}

/**
 * GET_SWAP_RA_VAL(): vma->swap_readahead_info, SWAP_RA_VAL(addr, win, hits) as the kernel packs
 * it (page address | win << 6 | hits). A VMA that never swapped in reads as 4 hits (`?: 4`), so
 * its first fault already reads a full window (held against a 6.18 kernel: majors at pages 0, 5,
 * 13, 21, ... with page-cluster 3, 65 for 512 pages).
 */
function swapRaInfo(vma: Vma): SwapRaInfo {
  const val = vma.swapReadaheadInfo || 4
  return {
    pfn: Math.floor(val / PAGE_SIZE),
    win: Math.floor(val / SWAP_RA_FIELD) % SWAP_RA_FIELD,
    hits: val % SWAP_RA_FIELD,
  }
}

/** SWAP_RA_VAL() stored: atomic_long_set(&vma->swap_readahead_info, ...). */
function setSwapRaInfo(vma: Vma, pfn: number, win: number, hits: number): void {
  vma.swapReadaheadInfo = pfn * PAGE_SIZE + win * SWAP_RA_FIELD + hits
}

/** SWAP_RA_HITS_MAX: the hits field of vma->swap_readahead_info is PAGE_SHIFT / 2 bits wide. */
const SWAP_RA_HITS_MAX = (1 << 6) - 1

/**
 * @kernel mm/swap_state.c swap_update_readahead(): a swap-cache hit. A readahead page found
 * counts swap_ra_hit, and feeds the VMA's window, or the global one while VMA readahead is off.
 */
export function swap_update_readahead(k: Kernel, vma: Vma, f: number, addr: number): void {
  const fo = k.folios
  const readahead = (fo.flags[f] & PG_READAHEAD) !== 0
  if (readahead) fo.flags[f] &= ~PG_READAHEAD
  if (swap_use_vma_readahead(k)) {
    const ra = swapRaInfo(vma)
    const hits = readahead ? Math.min(ra.hits + 1, SWAP_RA_HITS_MAX) : ra.hits
    setSwapRaInfo(vma, Math.floor(addr / PAGE_SIZE), ra.win, hits)
  } else if (readahead) {
    k.swapRa.hits++
  }
  if (readahead) k.vm.swap_ra_hit++
}

/**
 * @kernel mm/swap_state.c swap_use_vma_readahead(): off while any rotational device is swapped
 * on (nr_rotate_swap, counted by swapon() for a device that is not SWP_SOLIDSTATE).
 */
function swap_use_vma_readahead(k: Kernel): boolean {
  return !k.swap.some((si) => si.enabled && si.cost.rotational)
}

/**
 * @kernel mm/swap_state.c swapin_readahead()
 * A swap-cache miss: VMA-based readahead, or around the swap offset while a rotational device is
 * on. Returns the faulting page's folio, -2 on OOM.
 */
export function swapin_readahead(k: Kernel, vma: Vma, addr: number, e: number): number {
  if (swap_use_vma_readahead(k)) return swap_vma_readahead(k, vma, addr)
  const pt = k.ptes
  return swap_cluster_readahead(k, k.swap[pt.swapType[e]], pt.val[e])
}

/**
 * @kernel mm/swap_state.c swapin_nr_pages(): the window from the system-wide hits, then reset.
 * prev_offset moves only when readahead was not hitting.
 */
function swapin_nr_pages(k: Kernel, offset: number): number {
  const maxPages = 1 << Math.min(k.spec.vm.page_cluster, SWAP_RA_ORDER_CEILING)
  if (maxPages <= 1) return 1
  const ra = k.swapRa
  const hits = ra.hits
  ra.hits = 0
  const pages = __swapin_nr_pages(ra.prevOffset, offset, hits, maxPages, ra.lastPages)
  if (!hits) ra.prevOffset = offset
  ra.lastPages = pages
  return pages
}

/**
 * @kernel mm/swap_state.c swap_cluster_readahead()
 * Reads the naturally aligned cluster of swap offsets around the faulting one (the window from
 * swapin_nr_pages()), skipping the header and slots nobody uses, whichever VMA or process they
 * belong to; one plugged request. Returns the faulting page's folio, -2 on OOM.
 */
function swap_cluster_readahead(k: Kernel, si: SwapInfo, offset: number): number {
  const mask = swapin_nr_pages(k, offset) - 1
  const batch: ReadBatch = { pages: 0 }
  let result = -1
  if (mask) {
    const start = Math.max(offset & ~mask, SWAP_HEADER_SLOT + 1)
    const end = Math.min(offset | mask, si.nrSlots - 1)
    for (let off = start; off <= end; off++) {
      // __read_swap_cache_async(): nothing to read for a slot without users (swap_entry_swapped()).
      if (si.swapCount(off) === 0) continue
      if (si.cacheOf(off) >= 0) {
        if (off === offset) result = si.cacheOf(off)
        continue
      }
      const f = read_swap_cache_async(k, si, off, batch, off === offset)
      if (f < 0) {
        if (off === offset) return -2
        continue
      }
      if (off === offset) result = f
      else {
        k.folios.flags[f] |= PG_READAHEAD
        k.vm.swap_ra++
      }
    }
  }
  // The faulting page, when the window left it out (it was likely read above).
  if (result < 0) result = read_swap_cache_async(k, si, offset, batch, true)
  if (batch.pages) swapReadIo(k, si, batch.pages)
  return result < 0 ? -2 : result
}

/** @kernel mm/swap_state.c __swapin_nr_pages(): the adaptive readahead window. */
export function __swapin_nr_pages(
  prevOffset: number,
  offset: number,
  hits: number,
  maxPages: number,
  prevWin: number,
): number {
  let pages = hits + 2
  if (pages === 2) {
    if (offset !== prevOffset + 1 && offset !== prevOffset - 1) pages = 1
  } else {
    let roundup = 4
    while (roundup < pages) roundup <<= 1
    pages = roundup
  }
  if (pages > maxPages) pages = maxPages
  const lastRa = prevWin >> 1
  if (pages < lastRa) pages = lastRa
  return pages
}

/**
 * @kernel mm/swap_state.c swap_vma_readahead() with swap_vma_ra_win()
 * Reads the faulting page plus a window of up to 2^page_cluster neighbouring swap PTEs, within
 * the VMA and the PMD, in one plugged request. Readahead pages are marked (swap_ra) and counted
 * as swap_ra_hit when a later fault finds them. Returns the faulting page's folio, -2 on OOM.
 */
export function swap_vma_readahead(k: Kernel, vma: Vma, addr: number): number {
  const mm = vma.mm
  const ra = swapRaInfo(vma)
  const fpfn = addr / PAGE_SIZE
  const maxWin = 1 << Math.min(k.spec.vm.page_cluster, SWAP_RA_ORDER_CEILING)
  const prev = ra.pfn
  const win = maxWin <= 1 ? 1 : __swapin_nr_pages(prev, fpfn, ra.hits, maxWin, ra.win)
  setSwapRaInfo(vma, fpfn, win, 0)
  let start = fpfn
  let end = fpfn + 1
  if (win > 1) {
    let lpfn: number
    if (fpfn === prev + 1) lpfn = fpfn
    else if (prev === fpfn + 1) lpfn = fpfn - win + 1
    else lpfn = fpfn - ((win - 1) >> 1)
    const pmdFirst = Math.floor(addr / PMD_SIZE) * HPAGE_PMD_NR
    start = Math.max(lpfn, vma.start / PAGE_SIZE, pmdFirst)
    end = Math.min(lpfn + win, vma.end / PAGE_SIZE, pmdFirst + HPAGE_PMD_NR)
  }
  const p = mm.pmds.get(pmdIndexOf(addr))!
  const tableBase = k.pmds.val[p] * HPAGE_PMD_NR
  const pmdFirst = Math.floor(addr / PMD_SIZE) * HPAGE_PMD_NR
  const pt = k.ptes
  let result = -1
  let ioSi: SwapInfo | null = null
  const batch: ReadBatch = { pages: 0 }
  for (let pfn = start; pfn < end; pfn++) {
    const e = tableBase + (pfn - pmdFirst)
    if (pt.kind[e] !== PTE_SWAP) continue
    const si = k.swap[pt.swapType[e]]
    const off = pt.val[e]
    const cached = si.cacheOf(off)
    if (cached >= 0) {
      if (pfn === fpfn) result = cached
      continue
    }
    const f = read_swap_cache_async(k, si, off, batch, pfn === fpfn)
    if (f < 0) {
      if (pfn === fpfn) return -2
      continue
    }
    ioSi = si
    if (pfn === fpfn) result = f
    else {
      k.folios.flags[f] |= PG_READAHEAD
      k.vm.swap_ra++
    }
  }
  // One plugged request for the whole window; the fault waits for it.
  if (ioSi) swapReadIo(k, ioSi, batch.pages)
  if (result < 0) throw new SimInvariantError('swap_vma_readahead: faulting page not read')
  return result
}

/**
 * @kernel mm/swap_state.c read_swap_cache_async()
 * Reads one slot into a new order-0 swap-cache folio (not mapped). The caller charges the I/O,
 * since pages of one window travel in one plugged request. Returns the folio, or -1 when no
 * page could be had (readahead does not enter reclaim for neighbours) or the entry was freed
 * while the allocation reclaimed.
 */
export function read_swap_cache_async(
  k: Kernel,
  si: SwapInfo,
  off: number,
  batch: ReadBatch,
  directReclaim = false,
): number {
  const cached = si.cacheOf(off)
  if (cached >= 0) return cached
  const pfn = alloc_pages(k, 0, directReclaim)
  if (pfn < 0) return -1
  // swapcache_prepare() comes after the allocation: its reclaim (or the OOM kill it led to) may
  // have freed the entry meanwhile (-ENOENT), or someone may have read it in (-EEXIST).
  if (si.swapCount(off) === 0 || si.cacheOf(off) >= 0) {
    k.mem.free(pfn, 0)
    return si.cacheOf(off)
  }
  const f = newOrder0Folio(k, pfn)
  k.folios.flags[f] = PG_UPTODATE
  swap_cache_add_folio(k, f, si, off)
  k.mem.pageTag.set(pfn, si.tag.get(off))
  const fl = si.slotFlagsOf(off)
  if (fl & SLOT_ZERO) k.vm.swpin_zero++
  else if (fl & SLOT_ZSWAP) {
    k.vm.zswpin++
    k.cost('compress', k.zswapCompressor.decompressNs)
  } else {
    k.vm.pswpin++
    batch.pages++
  }
  return f
}

/** Device pages read by a batch of read_swap_cache_async() calls (one plugged request). */
export interface ReadBatch {
  pages: number
}
