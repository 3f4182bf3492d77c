/**
 * Reverse mapping (mm/rmap.c): mapcounts, the anon rmap walk, and try_to_unmap_one() with the
 * series' PMD branch (set_pmd_swap_entry()).
 */
import type { Kernel } from '../kernel'
import {
  E_DIRTY,
  E_SOFT_DIRTY,
  E_SWP_EXCLUSIVE,
  E_UFFD_WP,
  PMD_HUGE,
  PMD_SWAP,
  PMD_TABLE,
  PTE_NONE,
  PTE_PRESENT,
  PTE_SWAP,
  pte_index,
} from '../include/pgtable'
import { HPAGE_PMD_NR, HPAGE_PMD_ORDER, PAGE_SIZE, PMD_SIZE } from '../include/units'
import { __split_huge_pmd } from './huge_memory'
import { PG_ANON_EXCLUSIVE, PG_DIRTY, PG_LAZYFREE, type Mm, type Vma } from './mm_types'

/** @kernel mm/rmap.c folio_add_new_anon_rmap(): a freshly allocated folio gets its first mapping. */
export function folio_add_new_anon_rmap(
  k: Kernel,
  f: number,
  vma: Vma,
  addr: number,
  pmd: boolean,
): void {
  const fo = k.folios
  fo.anonVma[f] = vma.anonVma.id
  fo.index[f] = vma.pgoff + (addr - vma.start) / PAGE_SIZE
  fo.flags[f] |= PG_ANON_EXCLUSIVE
  if (pmd) folio_add_anon_rmap_pmd(k, f)
  else folio_add_anon_rmap_ptes(k, f, fo.nrPages(f))
  k.lruAdd(f)
}

/** @kernel mm/rmap.c folio_add_anon_rmap_pmd() */
export function folio_add_anon_rmap_pmd(k: Kernel, f: number): void {
  const fo = k.folios
  if (!fo.mapped(f)) k.nrAnonMapped += fo.nrPages(f)
  if (fo.pmdMapcount[f]++ === 0) k.nrAnonThps++
}

/** @kernel mm/rmap.c folio_add_anon_rmap_ptes() */
export function folio_add_anon_rmap_ptes(k: Kernel, f: number, nr: number): void {
  const fo = k.folios
  if (!fo.mapped(f)) k.nrAnonMapped += fo.nrPages(f)
  fo.pteMapcount[f] += nr
}

/** @kernel mm/rmap.c folio_remove_rmap_pmd() */
export function folio_remove_rmap_pmd(k: Kernel, f: number): void {
  const fo = k.folios
  if (--fo.pmdMapcount[f] === 0) k.nrAnonThps--
  if (!fo.mapped(f)) k.nrAnonMapped -= fo.nrPages(f)
}

/** @kernel mm/rmap.c folio_remove_rmap_ptes() */
export function folio_remove_rmap_ptes(k: Kernel, f: number, nr: number): void {
  const fo = k.folios
  fo.pteMapcount[f] -= nr
  if (!fo.mapped(f)) k.nrAnonMapped -= fo.nrPages(f)
}

/** One place a folio is mapped, as the anon rmap walk finds it. */
export interface FolioMapping {
  vma: Vma
  /**
   * Where the folio's first page would be in this VMA: below `vma.start` when the VMA begins
   * inside the folio (a munmap or mremap of its head). Only the pages inside the VMA are its.
   */
  addr: number
}

/**
 * @kernel mm/rmap.c rmap_walk_anon(): every VMA of the folio's anon_vma whose range holds any
 * of the folio's pages (anon_vma_interval_tree_foreach() over [index, index + nr - 1];
 * vma_address() clamps to vm_start), whether or not a page table there still maps it (the
 * caller looks).
 */
export function rmap_walk_anon(k: Kernel, f: number): FolioMapping[] {
  const fo = k.folios
  const out: FolioMapping[] = []
  const av = k.anonVmas.get(fo.anonVma[f])
  if (!av) return out
  const first = fo.index[f]
  const last = first + fo.nrPages(f) - 1
  for (const vma of av.vmas) {
    if (vma.mm.exited) continue
    const vmaLast = vma.pgoff + (vma.end - vma.start) / PAGE_SIZE - 1
    if (last < vma.pgoff || first > vmaLast) continue
    out.push({ vma, addr: vma.start + (first - vma.pgoff) * PAGE_SIZE })
  }
  return out
}

/**
 * The PTE rows of `vma` that map pages of folio `f` at `addr`, `addr + 4K`, ...
 * (page_vma_mapped_walk() over PTEs, within the VMA). Pages may sit in different PTE tables
 * when a mapping moved to an address that is not 2 MB-congruent (mremap, UFFDIO_MOVE). Returns
 * [row, page index in folio] pairs.
 */
export function folioPtes(k: Kernel, vma: Vma, addr: number, f: number): [number, number][] {
  const out: [number, number][] = []
  const mm = vma.mm
  const pm = k.pmds
  const pt = k.ptes
  const nr = k.folios.nrPages(f)
  let pmdIdx = -1
  let base = -1
  for (let i = 0; i < nr; i++) {
    const a = addr + i * PAGE_SIZE
    if (a < vma.start || a >= vma.end) continue
    const idx = Math.floor(a / PMD_SIZE)
    if (idx !== pmdIdx) {
      pmdIdx = idx
      const p = mm.pmds.get(idx)
      base = p !== undefined && pm.kind[p] === PMD_TABLE ? pm.val[p] * HPAGE_PMD_NR : -1
    }
    if (base < 0) continue
    const e = base + pte_index(a)
    if (pt.kind[e] === PTE_PRESENT && pt.val[e] === f) out.push([e, i])
  }
  return out
}

/**
 * @kernel mm/rmap.c try_to_unmap() / try_to_unmap_one()
 * Replaces every mapping of a swap-cache folio by swap entries. A PMD mapping becomes one PMD
 * swap entry in the series (when zswap was never enabled), else it is split first
 * (TTU_SPLIT_HUGE_PMD) and each PTE becomes a swap entry. Returns false if a mapping could not be
 * removed (a split that could not get a PTE table under lazy deposit).
 */
export function try_to_unmap(k: Kernel, f: number): boolean {
  let ok = true
  for (const { vma, addr } of rmap_walk_anon(k, f)) {
    if (!try_to_unmap_one(k, f, vma, addr)) ok = false
  }
  return ok && !k.folios.mapped(f)
}

/** @kernel mm/rmap.c try_to_unmap_one() */
function try_to_unmap_one(k: Kernel, f: number, vma: Vma, addr: number): boolean {
  const fo = k.folios
  const mm = vma.mm
  // A PMD maps a folio only where the VMA holds all of it: then `addr` is in that PMD.
  const pmdIdx = Math.floor(addr / PMD_SIZE)
  const pmd = addr >= vma.start ? mm.pmds.get(pmdIdx) : undefined
  const pm = k.pmds
  if (fo.flags[f] & PG_LAZYFREE) return unmapLazyfree(k, f, vma, addr)
  // A PMD-sized folio already mapped by PTEs here: the series has no PMD to turn into a swap PMD.
  if (
    k.variant.pmdSwap &&
    fo.order[f] === HPAGE_PMD_ORDER &&
    pmd !== undefined &&
    pm.kind[pmd] === PMD_TABLE &&
    folioPtes(k, vma, addr, f).length > 0
  ) {
    k.count('F4-pte-mapped')
  }
  if (pmd !== undefined && pm.kind[pmd] === PMD_HUGE && pm.val[pmd] === f) {
    if (k.variant.pmdSwap && !k.zswapEverEnabled) {
      if (!k.inject('set_pmd_swap_entry')) return set_pmd_swap_entry(k, f, mm, pmd)
      // A step failed: the present PMD stays, and TTU_SPLIT_HUGE_PMD remains the fallback.
      k.count('F5-set-pmd-swap-entry-failed')
    } else if (k.variant.pmdSwap) k.count('F1-zswap-enabled')
    // TTU_SPLIT_HUGE_PMD: split, then unmap the 512 PTEs below.
    if (!__split_huge_pmd(k, mm, pmdIdx)) {
      k.count('lazy-deposit-pte-alloc-failed')
      return false
    }
  }
  const si = k.swap[fo.swapType[f]]
  const off = fo.swapOffset[f]
  const pt = k.ptes
  const exclusive = fo.flags[f] & PG_ANON_EXCLUSIVE ? E_SWP_EXCLUSIVE : 0
  let unmapped = 0
  // Each entry takes a reference on its slot: consecutive slots in one dup() call.
  let runFrom = -1
  let runLen = 0
  for (const [e] of folioPtes(k, vma, addr, f)) {
    const sub = pt.sub[e]
    if (pt.flags[e] & E_DIRTY) fo.flags[f] |= PG_DIRTY
    pt.kind[e] = PTE_SWAP
    pt.val[e] = off + sub
    pt.swapType[e] = si.type
    pt.flags[e] = (pt.flags[e] & (E_SOFT_DIRTY | E_UFFD_WP)) | exclusive
    if (off + sub === runFrom + runLen) runLen++
    else {
      if (runLen) si.dup(runFrom, runLen)
      runFrom = off + sub
      runLen = 1
    }
    unmapped++
  }
  if (runLen) si.dup(runFrom, runLen)
  if (unmapped) {
    folio_remove_rmap_ptes(k, f, unmapped)
    mm.anonRss -= unmapped
    mm.swapEnts += unmapped
    k.cost('unmap', unmapped * k.cpu.unmapPteNs)
    k.tlbBatchPending = true
  }
  return true
}

/**
 * The lazyfree branch of try_to_unmap_one(): a clean MADV_FREE'd folio is dropped without swap;
 * its pages read as zeroes afterwards. If it was written again (a dirty entry or folio), it is
 * swap-backed again and stays. A PMD-mapped one is split at the PMD first (TTU_SPLIT_HUGE_PMD)
 * and dropped through its PTEs, which leaves the PTE table in place: measured on a 6.18 kernel
 * (thp_split_pmd +1, pglazyfreed +512 for MADV_FREE then MADV_PAGEOUT of a THP), which does
 * not discard it whole through unmap_huge_pmd_locked().
 */
function unmapLazyfree(k: Kernel, f: number, vma: Vma, addr: number): boolean {
  const fo = k.folios
  const pm = k.pmds
  const pt = k.ptes
  const mm = vma.mm
  const pmdIdx = Math.floor(addr / PMD_SIZE)
  const pmd = addr >= vma.start ? mm.pmds.get(pmdIdx) : undefined
  const redirtied = (): boolean => {
    fo.flags[f] &= ~PG_LAZYFREE
    return false
  }
  if (pmd !== undefined && pm.kind[pmd] === PMD_HUGE && pm.val[pmd] === f) {
    if (pm.flags[pmd] & E_DIRTY || fo.flags[f] & PG_DIRTY) return redirtied()
    if (!__split_huge_pmd(k, mm, pmdIdx)) {
      k.count('lazy-deposit-pte-alloc-failed')
      return false
    }
  }
  const ptes = folioPtes(k, vma, addr, f)
  for (const [e] of ptes) if (pt.flags[e] & E_DIRTY) return redirtied()
  if (fo.flags[f] & PG_DIRTY) return redirtied()
  let unmapped = 0
  for (const [e, i] of ptes) {
    pt.kind[e] = PTE_NONE
    vma.expected.set((addr - vma.start) / PAGE_SIZE + i, 0)
    unmapped++
  }
  folio_remove_rmap_ptes(k, f, unmapped)
  mm.anonRss -= unmapped
  k.cost('unmap', unmapped * k.cpu.unmapPteNs)
  k.tlbBatchPending = true
  return true
}

/**
 * @kernel-series https://lkml.iu.edu/hypermail/linux/kernel/2606.2/09620.html set_pmd_swap_entry()
 * Clears the present PMD, takes a swap reference on all 512 slots, moves the dirty bit to the
 * folio and installs a swap PMD carrying soft-dirty, uffd-wp and exclusive. The deposited table
 * (eager deposit) stays under the swap PMD. Counts thp_swpout_pmd once per mapping.
 */
function set_pmd_swap_entry(k: Kernel, f: number, mm: Mm, pmd: number): boolean {
  const fo = k.folios
  const pm = k.pmds
  const si = k.swap[fo.swapType[f]]
  const off = fo.swapOffset[f]
  if (pm.flags[pmd] & E_DIRTY) fo.flags[f] |= PG_DIRTY
  const exclusive = fo.flags[f] & PG_ANON_EXCLUSIVE ? E_SWP_EXCLUSIVE : 0
  si.dup(off, HPAGE_PMD_NR)
  pm.kind[pmd] = PMD_SWAP
  pm.val[pmd] = off
  pm.swapType[pmd] = si.type
  pm.flags[pmd] = (pm.flags[pmd] & (E_SOFT_DIRTY | E_UFFD_WP)) | exclusive
  folio_remove_rmap_pmd(k, f)
  mm.anonRss -= HPAGE_PMD_NR
  mm.swapEnts += HPAGE_PMD_NR
  k.vm.thp_swpout_pmd++
  k.cost('install', k.cpu.installEntryNs)
  k.tlbBatchPending = true
  return true
}
