/**
 * swapoff(2) and swapon(2) (mm/swapfile.c: SYSCALL_DEFINE1(swapoff), try_to_unuse(), unuse_mm(),
 * unuse_pte_range(), and the series' unuse_pmd()). Every page still on the device is read back
 * and mapped again: a swap PMD as one PMD-order folio when the classifier allows it (F15), else
 * split and brought in page by page (unuse_pte_range()). The uffd-wp and soft-dirty bits of the
 * entries survive, and the pages come back read-only (a write then reuses an exclusive folio).
 */
import { SimUsageError } from '../api'
import type { Kernel } from '../kernel'
import {
  E_SOFT_DIRTY,
  E_SWP_EXCLUSIVE,
  E_UFFD_WP,
  PMD_SWAP,
  PMD_TABLE,
  PTE_PRESENT,
  PTE_SWAP,
} from '../include/pgtable'
import { HPAGE_PMD_NR, PAGE_SIZE, PMD_SIZE } from '../include/units'
import {
  FAULT_FALLBACK,
  FAULT_OOM,
  FAULT_RETRY,
  __split_huge_pmd,
  installSwappedInPmd,
  swapin_pmd_folio,
} from './huge_memory'
import { drop_fresh_large_swapcache, find_vma } from './memory'
import { folio_wait_writeback, swapReadIo } from './page_io'
import { PG_ANON_EXCLUSIVE, PG_DIRTY, PG_SWAPCACHE, type Mm } from './mm_types'
import { folio_add_anon_rmap_ptes, folio_add_new_anon_rmap } from './rmap'
import { folioPutIfUnused } from './swap'
import {
  read_swap_cache_async,
  swap_cache_del_folio,
  swapin_readahead,
  type ReadBatch,
} from './swap_state'
import type { SwapInfo } from './swapfile'

export function swapoff(k: Kernel, type: number): void {
  const si = k.swap[type]
  if (!si) throw new SimUsageError(`swapoff: no swap device ${type}`)
  if (!si.enabled) throw new SimUsageError(`swapoff: EINVAL: swap device ${type} is not active`)
  si.enabled = false
  try {
    try_to_unuse(k, si)
  } catch (e) {
    si.enabled = true
    throw e
  }
}

export function swapon(k: Kernel, type: number): void {
  const si = k.swap[type]
  if (!si) throw new SimUsageError(`swapon: no swap device ${type}`)
  if (si.enabled) throw new SimUsageError(`swapon: EBUSY: swap device ${type} is already active`)
  si.enabled = true
}

/** Passes in a row that free no slot before try_to_unuse() gives up (the model's bound). */
const MAX_UNUSE_PASSES = 4

/** Whether some live mm still has a swap entry on `si`. */
function mmsHold(k: Kernel, si: SwapInfo): boolean {
  const pm = k.pmds
  const pt = k.ptes
  for (const mm of k.mms.values()) {
    if (mm.exited || mm.swapEnts === 0) continue
    for (const p of mm.pmds.values()) {
      if (pm.kind[p] === PMD_SWAP && pm.swapType[p] === si.type) return true
      if (pm.kind[p] !== PMD_TABLE) continue
      const base = pm.val[p] * HPAGE_PMD_NR
      for (let e = base; e < base + HPAGE_PMD_NR; e++) {
        if (pt.kind[e] === PTE_SWAP && pt.swapType[e] === si.type) return true
      }
    }
  }
  return false
}

/** @kernel mm/swapfile.c try_to_unuse() */
function try_to_unuse(k: Kernel, si: SwapInfo): void {
  let visited = 0
  // The kernel goes round again while slots are in use (`goto retry`): reclaim may have swapped
  // a page it brought back out again, to a slot of this device still held by another mapping.
  // The model gives up with -ENOMEM after passes that make no headway.
  let stalled = 0
  for (let before = si.inuseSlots; ; before = si.inuseSlots) {
    for (const mm of [...k.mms.values()]) {
      if (mm.exited) continue
      // What comes back in is charged to the owner's cgroup (mem_cgroup_swapin_charge_folio()).
      k.chargeTo = mm.memcg
      visited += unuse_mm(k, mm, si)
    }
    k.chargeTo = 0
    // No slot in use: no entry can be left. Otherwise look (swap-cache leftovers hold slots too).
    if (si.inuseSlots === 0 || !mmsHold(k, si)) break
    stalled = si.inuseSlots < before ? 0 : stalled + 1
    if (stalled >= MAX_UNUSE_PASSES) throw new SimUsageError('swapoff: ENOMEM')
  }
  // Whatever the swap cache still holds for this device (readahead leftovers, folios whose
  // mappings are gone) is dropped with it.
  for (let off = 0; off < si.nrSlots; off++) {
    const f = si.cacheOf(off)
    if (f < 0) continue
    if (si.swapCount(off) !== 0) continue
    if (k.folios.flags[f] & PG_SWAPCACHE) {
      folio_wait_writeback(k, f)
      swap_cache_del_folio(k, f)
      folioPutIfUnused(k, f)
    }
  }
  if (si.inuseSlots !== 0) {
    throw new SimUsageError(`swapoff: ${si.inuseSlots} slots are still in use (a bug in the model)`)
  }
  k.walk('swapoff', visited)
}

/** @kernel mm/swapfile.c unuse_mm() -> unuse_pmd_range(); returns entries visited. */
function unuse_mm(k: Kernel, mm: Mm, si: SwapInfo): number {
  const pm = k.pmds
  const pt = k.ptes
  let visited = 0
  for (const idx of [...mm.pmds.keys()].sort((a, b) => a - b)) {
    // An allocation here may have OOM-killed this very mm: its tables are gone (the kernel's
    // mmap_read_lock() keeps exit_mmap() out until unuse_mm() is done; the model stops).
    if (mm.exited) break
    const p = mm.pmds.get(idx)
    if (p === undefined) continue
    if (pm.kind[p] === PMD_SWAP && pm.swapType[p] === si.type) {
      visited++
      if (unuse_pmd(k, mm, idx)) continue
    }
    if (pm.kind[p] !== PMD_TABLE) continue
    visited += HPAGE_PMD_NR
    const base = pm.val[p] * HPAGE_PMD_NR
    for (let i = 0; i < HPAGE_PMD_NR && !mm.exited; i++) {
      const e = base + i
      if (pt.kind[e] !== PTE_SWAP || pt.swapType[e] !== si.type) continue
      unuse_pte(k, mm, si, e, idx * PMD_SIZE + i * PAGE_SIZE)
    }
  }
  return visited
}

/**
 * @kernel-series https://lkml.iu.edu/2604.3/03974.html unuse_pmd()
 * Reads the whole 2 MB and reinstalls a PMD. Returns false after splitting the swap PMD when the
 * folio cannot be had whole (F6, F7, F10): the caller takes the PTE path.
 */
function unuse_pmd(k: Kernel, mm: Mm, idx: number): boolean {
  const p = mm.pmds.get(idx)!
  const vma = find_vma(mm, idx * PMD_SIZE)!
  const pm = k.pmds
  const r = swapin_pmd_folio(k, mm, vma, idx, true)
  if (r === FAULT_OOM) throw new SimUsageError('swapoff: ENOMEM')
  if (r === FAULT_FALLBACK || r === FAULT_RETRY) {
    k.count('F15-swapoff-split')
    if (!__split_huge_pmd(k, mm, idx)) throw new SimUsageError('swapoff: ENOMEM splitting a PMD')
    return false
  }
  const f = r.folio
  folio_wait_writeback(k, f)
  if (mm.pmds.get(idx) !== p || pm.kind[p] !== PMD_SWAP) {
    folioPutIfUnused(k, f)
    return false
  }
  const si = k.swap[pm.swapType[p]]
  // The fault's install, read-only: no write is pending (a later one takes the WP fault).
  const exclusive = (pm.flags[p] & E_SWP_EXCLUSIVE) !== 0
  installSwappedInPmd(k, mm, vma, idx, f, exclusive, false, false)
  dropFromDevice(k, si, f)
  k.cost('install', k.cpu.installEntryNs)
  return true
}

/** @kernel mm/swapfile.c unuse_pte(): one swap PTE back to a present, read-only page. */
function unuse_pte(k: Kernel, mm: Mm, si: SwapInfo, e: number, addr: number): void {
  const pt = k.ptes
  const fo = k.folios
  const off = pt.val[e]
  const vma = find_vma(mm, addr)!
  let f: number
  const cached = si.cacheOf(off)
  if (cached >= 0 && fo.order[cached] > 0 && fo.anonVma[cached] < 0) {
    // A large folio read ahead and never mapped: this PTE alone cannot take it.
    drop_fresh_large_swapcache(k, cached)
  }
  if (k.spec.kernel_base === 'v6.18' && si.cacheOf(off) < 0) {
    // unuse_pte_range() on 6.18: a swap-cache miss goes through swapin_readahead().
    f = swapin_readahead(k, vma, addr, e)
  } else {
    const batch: ReadBatch = { pages: 0 }
    f = read_swap_cache_async(k, si, off, batch, true)
    if (f >= 0) swapReadIo(k, si, batch.pages)
  }
  if (f < 0) {
    // The entry went away while the read's allocation reclaimed (its mm was OOM-killed).
    if (mm.exited || pt.kind[e] !== PTE_SWAP || pt.val[e] !== off) return
    throw new SimUsageError('swapoff: ENOMEM')
  }
  // unuse_pte_range(): folio_lock(), then folio_wait_writeback(); unuse_pte() then looks again
  // (pte_same()): background work may have run meanwhile.
  folio_wait_writeback(k, f)
  if (mm.exited || pt.kind[e] !== PTE_SWAP || pt.val[e] !== off || pt.swapType[e] !== si.type) {
    folioPutIfUnused(k, f)
    return
  }
  const swpFlags = pt.flags[e]
  pt.kind[e] = PTE_PRESENT
  pt.val[e] = f
  pt.sub[e] = off - fo.swapOffset[f]
  // unuse_pte(): pte_mkold(mk_pte()), so reclaim does not take swapoff for a use.
  pt.flags[e] = swpFlags & (E_SOFT_DIRTY | E_UFFD_WP)
  if (fo.anonVma[f] < 0) folio_add_new_anon_rmap(k, f, vma, addr, false)
  else folio_add_anon_rmap_ptes(k, f, 1)
  if (swpFlags & E_SWP_EXCLUSIVE) fo.flags[f] |= PG_ANON_EXCLUSIVE
  else if (fo.order[f] === 0) fo.flags[f] &= ~PG_ANON_EXCLUSIVE
  si.put(off, 1)
  mm.swapEnts--
  mm.anonRss++
  dropFromDevice(k, si, f)
  k.cost('install', k.cpu.installEntryNs)
}

/** Once no entry refers to the folio's slots, it leaves the swap cache and stays dirty in RAM. */
function dropFromDevice(k: Kernel, si: SwapInfo, f: number): void {
  const fo = k.folios
  if (!(fo.flags[f] & PG_SWAPCACHE)) return
  const off = fo.swapOffset[f]
  if (si.anySwapped(off, fo.nrPages(f))) return
  fo.flags[f] |= PG_DIRTY
  swap_cache_del_folio(k, f)
}
