/**
 * madvise(2) (mm/madvise.c). MADV_PAGEOUT and MADV_COLD walk the range like
 * madvise_cold_or_pageout_pte_range(): a whole, unshared PMD-mapped THP is isolated as it is;
 * a THP only partly covered is split first; shared folios are skipped.
 */
import { SimUsageError, type Advice } from '../api'
import type { Kernel } from '../kernel'
import {
  E_DIRTY,
  E_YOUNG,
  PMD_HUGE,
  PMD_SWAP,
  PMD_TABLE,
  PTE_NONE,
  PTE_PRESENT,
  PTE_SWAP,
  pte_index,
} from '../include/pgtable'
import { HPAGE_PMD_NR, PAGE_SIZE, PMD_SIZE } from '../include/units'
import { __split_huge_pmd, split_folio, swapin_pmd_readahead, zap_huge_pmd } from './huge_memory'
import { swapReadAsync } from './page_io'
import type { SwapInfo } from './swapfile'
import { madvise_collapse } from './khugepaged'
import { splitVmaAt, vma_merge_range, zapRange } from './mmap'
import {
  PG_DIRTY,
  PG_LAZYFREE,
  PG_SWAPCACHE,
  VM_HUGEPAGE,
  VM_NOHUGEPAGE,
  type Mm,
  type Vma,
} from './mm_types'
import {
  folio_free_swap,
  free_swap_and_cache,
  read_swap_cache_async,
  type ReadBatch,
} from './swap_state'
import { reclaim_pages } from './vmscan'
import { folio_deactivate } from './swap'

/** @kernel mm/madvise.c do_madvise() */
export function do_madvise(k: Kernel, mm: Mm, start: number, end: number, advice: Advice): void {
  switch (advice) {
    case 'hugepage':
    case 'nohugepage':
      return madvise_update_vma(mm, start, end, advice)
    case 'pageout':
    case 'cold':
      return madvise_cold_or_pageout(k, mm, start, end, advice === 'pageout')
    case 'dontneed':
      return madvise_dontneed(k, mm, start, end)
    case 'free':
      return madvise_free(k, mm, start, end)
    case 'willneed':
      return madvise_willneed(k, mm, start, end)
    case 'collapse':
      madvise_collapse(k, mm, start, end)
      return
    default:
      throw new SimUsageError(`madvise: unknown advice '${String(advice)}'`)
  }
}

/**
 * @kernel mm/madvise.c madvise_update_vma()
 * MADV_HUGEPAGE / MADV_NOHUGEPAGE set VM_HUGEPAGE / VM_NOHUGEPAGE (hugepage_madvise()), splitting
 * VMAs at the edges of the range (madvise_update_vma()).
 */
function madvise_update_vma(
  mm: Mm,
  start: number,
  end: number,
  advice: 'hugepage' | 'nohugepage',
): void {
  splitVmaAt(mm, start)
  splitVmaAt(mm, end)
  for (const vma of vmasIn(mm, start, end)) {
    if (advice === 'hugepage') vma.flags = (vma.flags | VM_HUGEPAGE) & ~VM_NOHUGEPAGE
    else vma.flags = (vma.flags | VM_NOHUGEPAGE) & ~VM_HUGEPAGE
  }
  vma_merge_range(mm, start, end)
}

export function vmasIn(mm: Mm, start: number, end: number): Vma[] {
  return mm.vmas.filter((v) => v.start < end && v.end > start)
}

/**
 * @kernel mm/madvise.c madvise_cold_or_pageout_pte_range()
 * Collects the exclusively mapped folios of the range; MADV_PAGEOUT reclaims them at once
 * (reclaim_pages()), MADV_COLD clears their young bits and deactivates them (folio_deactivate():
 * an active folio goes to the inactive list's head; an inactive one stays put).
 */
function madvise_cold_or_pageout(
  k: Kernel,
  mm: Mm,
  start: number,
  end: number,
  pageout: boolean,
): void {
  const list: number[] = []
  const seen = new Set<number>()
  // The walk goes VMA by VMA (madvise_walk_vmas()): a folio is "only partly inside" against the
  // VMA's share of the range, so one a VMA boundary cuts is split first.
  for (const vma of vmasIn(mm, start, end)) {
    walkColdOrPageout(
      k,
      mm,
      Math.max(start, vma.start),
      Math.min(end, vma.end),
      pageout,
      list,
      seen,
    )
  }
  if (pageout) {
    reclaim_pages(k, list)
    return
  }
  for (const f of list) folio_deactivate(k, f)
}

function walkColdOrPageout(
  k: Kernel,
  mm: Mm,
  start: number,
  end: number,
  pageout: boolean,
  list: number[],
  seen: Set<number>,
): void {
  const fo = k.folios
  for (let pmdIdx = Math.floor(start / PMD_SIZE); pmdIdx * PMD_SIZE < end; pmdIdx++) {
    const lo = Math.max(start, pmdIdx * PMD_SIZE)
    const hi = Math.min(end, (pmdIdx + 1) * PMD_SIZE)
    let p = mm.pmds.get(pmdIdx)
    if (p === undefined) continue
    const pm = k.pmds
    if (pm.kind[p] === PMD_HUGE) {
      const f = pm.val[p]
      if (fo.pmdMapcount[f] + fo.pteMapcount[f] > 1) continue // folio_maybe_mapped_shared()
      if (hi - lo === PMD_SIZE) {
        pm.flags[p] &= ~E_YOUNG
        if (!seen.has(f)) list.push(f)
        seen.add(f)
        k.walk(pageout ? 'madvise_pageout' : 'madvise_cold', 1)
        continue
      }
      // Partial range: split the folio, then treat its pages one by one.
      if (!split_folio(k, f)) continue
      p = mm.pmds.get(pmdIdx)
      if (p === undefined || pm.kind[p] !== PMD_TABLE) continue
    }
    if (pm.kind[p] !== PMD_TABLE) continue
    const pt = k.ptes
    const base = pm.val[p] * HPAGE_PMD_NR
    const from = pte_index(lo)
    const to = hi - lo === PMD_SIZE ? HPAGE_PMD_NR : from + (hi - lo) / PAGE_SIZE
    k.walk(pageout ? 'madvise_pageout' : 'madvise_cold', to - from)
    for (let i = from; i < to; i++) {
      const e = base + i
      if (pt.kind[e] !== PTE_PRESENT) continue
      let f = pt.val[e]
      if (fo.pmdMapcount[f] + fo.pteMapcount[f] > fo.nrPages(f)) continue
      if (fo.order[f] > 0) {
        // A PTE-mapped large folio only partly inside the range is split first.
        const head = i - pt.sub[e]
        if (head < from || head + fo.nrPages(f) > to) {
          if (!split_folio(k, f) || pt.kind[e] !== PTE_PRESENT) continue
          f = pt.val[e]
        }
      }
      pt.flags[e] &= ~E_YOUNG
      if (!seen.has(f)) list.push(f)
      seen.add(f)
    }
  }
}

/** @kernel mm/madvise.c madvise_dontneed_single_vma(): zap, keep the VMA; reads give zeroes. */
function madvise_dontneed(k: Kernel, mm: Mm, start: number, end: number): void {
  zapRange(k, mm, start, end, false, 'madvise_dontneed')
  // zap_page_range_single() -> tlb_finish_mmu(): one flush when a present entry went.
  k.flushTlbBatch()
  for (const vma of vmasIn(mm, start, end)) {
    const lo = Math.max(start, vma.start)
    const hi = Math.min(end, vma.end)
    vma.expected.fill((lo - vma.start) / PAGE_SIZE, (hi - vma.start) / PAGE_SIZE, 0)
  }
}

/**
 * @kernel mm/madvise.c madvise_free_pte_range() / mm/huge_memory.c madvise_free_huge_pmd()
 * Swap entries are dropped at once (the pages read as zeroes); present exclusive folios become
 * lazyfree (clean, !swapbacked) and are discarded by reclaim unless written again first. A whole
 * swap PMD is freed in place (series v7); a partly covered huge or swap PMD is split first.
 */
function madvise_free(k: Kernel, mm: Mm, start: number, end: number): void {
  const fo = k.folios
  const pm = k.pmds
  const pt = k.ptes
  let visited = 0
  for (let pmdIdx = Math.floor(start / PMD_SIZE); pmdIdx * PMD_SIZE < end; pmdIdx++) {
    const p = mm.pmds.get(pmdIdx)
    if (p === undefined) continue
    const pmdStart = pmdIdx * PMD_SIZE
    const lo = Math.max(start, pmdStart)
    const hi = Math.min(end, pmdStart + PMD_SIZE)
    const whole = hi - lo === PMD_SIZE
    if (pm.kind[p] === PMD_HUGE) {
      const f = pm.val[p]
      if (fo.pmdMapcount[f] + fo.pteMapcount[f] > 1) continue
      if (whole) {
        visited++
        // madvise_free_huge_pmd(): clean and old, then folio_mark_lazyfree(), which leaves a
        // swap-cache folio as it is (still swap-backed).
        fo.flags[f] &= ~PG_DIRTY
        pm.flags[p] &= ~(E_DIRTY | E_YOUNG)
        folio_mark_lazyfree(k, f)
        continue
      }
      if (!split_folio(k, f)) continue
    } else if (pm.kind[p] === PMD_SWAP) {
      if (whole) {
        visited++
        zap_huge_pmd(k, mm, pmdIdx)
        continue
      }
      k.count('F11-partial-range')
      if (!__split_huge_pmd(k, mm, pmdIdx)) continue
    }
    if (pm.kind[p] !== PMD_TABLE) continue
    const base = pm.val[p] * HPAGE_PMD_NR
    const from = (lo - pmdStart) / PAGE_SIZE
    const to = (hi - pmdStart) / PAGE_SIZE
    visited += to - from
    for (let e = base + from; e < base + to; e++) {
      if (pt.kind[e] === PTE_SWAP) {
        mm.swapEnts--
        pt.kind[e] = PTE_NONE
        free_swap_and_cache(k, k.swap[pt.swapType[e]], pt.val[e], 1)
        continue
      }
      if (pt.kind[e] !== PTE_PRESENT) continue
      let f = pt.val[e]
      if (fo.order[f] > 0) {
        const head = e - base - pt.sub[e]
        if (head < from || head + fo.nrPages(f) > to) {
          if (!split_folio(k, f) || pt.kind[e] !== PTE_PRESENT) continue
          f = pt.val[e]
        }
      }
      if (fo.pmdMapcount[f] + fo.pteMapcount[f] > fo.nrPages(f)) continue
      // madvise_free_pte_range(): a swap-cache folio whose swap cannot be freed (another
      // mapping still has the slot, or it is under writeback) is skipped, PTE and all.
      if (fo.flags[f] & PG_SWAPCACHE && !folio_free_swap(k, f)) continue
      fo.flags[f] &= ~PG_DIRTY
      pt.flags[e] &= ~(E_DIRTY | E_YOUNG)
      folio_mark_lazyfree(k, f)
    }
  }
  // Dropped swap entries read as zeroes from now on.
  for (const vma of vmasIn(mm, start, end)) {
    const lo = Math.max(start, vma.start)
    const hi = Math.min(end, vma.end)
    for (let a = lo; a < hi; a += PAGE_SIZE) {
      if (!pageMapped(k, mm, a)) vma.expected.set((a - vma.start) / PAGE_SIZE, 0)
    }
  }
  k.cost('install', visited * k.cpu.installEntryNs)
  k.flushTlb()
  k.walk('madvise_free', visited)
}

/**
 * @kernel mm/swap.c folio_mark_lazyfree(): an anon, swap-backed folio out of the swap cache
 * becomes lazyfree (!swapbacked) at the LRU's tail; any other folio is left as it is.
 */
function folio_mark_lazyfree(k: Kernel, f: number): void {
  const fo = k.folios
  if (fo.flags[f] & (PG_SWAPCACHE | PG_LAZYFREE)) return
  fo.flags[f] |= PG_LAZYFREE
  k.lruMoveTail(f)
}

function pageMapped(k: Kernel, mm: Mm, addr: number): boolean {
  const p = mm.pmds.get(Math.floor(addr / PMD_SIZE))
  if (p === undefined) return false
  const kind = k.pmds.kind[p]
  if (kind === PMD_HUGE || kind === PMD_SWAP) return true
  if (kind !== PMD_TABLE) return false
  const e = k.pmds.val[p] * HPAGE_PMD_NR + pte_index(addr)
  return k.ptes.kind[e] === PTE_PRESENT || k.ptes.kind[e] === PTE_SWAP
}

/**
 * @kernel mm/madvise.c madvise_willneed() -> swapin_walk_pmd_entry()
 * Starts reading swapped pages into the swap cache without mapping them: one PMD-order read for a
 * swap PMD the classifier allows (series), else order-0 reads per slot (splitting a swap PMD whose
 * slots have per-page state, F7/F10). The call does not wait for the I/O.
 */
function madvise_willneed(k: Kernel, mm: Mm, start: number, end: number): void {
  const pm = k.pmds
  const pt = k.ptes
  let visited = 0
  for (let pmdIdx = Math.floor(start / PMD_SIZE); pmdIdx * PMD_SIZE < end; pmdIdx++) {
    const p = mm.pmds.get(pmdIdx)
    if (p === undefined) continue
    const pmdStart = pmdIdx * PMD_SIZE
    if (pm.kind[p] === PMD_SWAP) {
      visited++
      if (swapin_pmd_readahead(k, mm, pmdIdx)) continue
    }
    if (pm.kind[p] !== PMD_TABLE) continue
    const base = pm.val[p] * HPAGE_PMD_NR
    const from = (Math.max(start, pmdStart) - pmdStart) / PAGE_SIZE
    const to = (Math.min(end, pmdStart + PMD_SIZE) - pmdStart) / PAGE_SIZE
    visited += to - from
    const batch: ReadBatch = { pages: 0 }
    let si: SwapInfo | null = null
    for (let e = base + from; e < base + to; e++) {
      if (pt.kind[e] !== PTE_SWAP) continue
      si = k.swap[pt.swapType[e]]
      read_swap_cache_async(k, si, pt.val[e], batch)
    }
    // Submitted, not waited for.
    if (si) swapReadAsync(k, si, batch.pages)
  }
  k.walk('madvise_willneed', visited)
}
