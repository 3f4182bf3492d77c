/**
 * PMD-level paths (mm/huge_memory.c): the anonymous THP fault, the huge zero page, write-protect
 * faults, PMD splits (present, huge-zero and — series — swap PMDs), zap, fork copy, folio split,
 * and the series' do_huge_pmd_swap_page().
 */
import type { MthpEnabled, MthpSize, ThpEnabled } from '../api'
import type { Kernel } from '../kernel'
import {
  E_DIRTY,
  E_SOFT_DIRTY,
  E_SPLIT_INHERIT,
  E_SWP_EXCLUSIVE,
  E_UFFD_WP,
  E_WRITE,
  E_YOUNG,
  PMD_HUGE,
  PMD_HUGE_ZERO,
  PMD_NONE,
  PMD_SWAP,
  PMD_TABLE,
  PTE_PRESENT,
  PTE_SWAP,
  PTE_ZERO,
  pte_index,
} from '../include/pgtable'
import { SLOT_ZSWAP, type SwapInfo } from './swapfile'
import { HPAGE_PMD_NR, HPAGE_PMD_ORDER, PMD_SIZE } from '../include/units'
import {
  PG_ANON_EXCLUSIVE,
  PG_DIRTY,
  PG_LRU,
  PG_PARTIALLY_MAPPED,
  PG_SWAPCACHE,
  PG_UPTODATE,
  PG_WRITEBACK,
  VM_HUGEPAGE,
  VM_NOHUGEPAGE,
  VM_WRITE,
  type Mm,
  type Vma,
} from './mm_types'
import { alloc_pages } from './page_alloc'
import { swap_read_folio } from './page_io'
import {
  pgtable_trans_huge_deposit,
  pgtable_trans_huge_withdraw,
  pte_alloc_one,
  pte_free,
  zap_deposited_table,
} from './pgtable_generic'
import {
  folio_add_anon_rmap_pmd,
  folio_add_new_anon_rmap,
  folioPtes,
  folio_remove_rmap_pmd,
  rmap_walk_anon,
} from './rmap'
import { __folio_put, folioPutIfUnused } from './swap'
import {
  folio_free_swap,
  free_swap_and_cache,
  free_swap_cache,
  swap_cache_add_folio,
  swap_cache_del_folio,
} from './swap_state'
import { should_try_to_free_swap } from './memory'

/** Outcome of a fault handler; the caller retries the access after any of them but OOM. */
export const FAULT_DONE = 0
/** The PMD path cannot serve this fault: handle it at PTE level (VM_FAULT_FALLBACK). */
export const FAULT_FALLBACK = 1
/** State changed under us (e.g. reclaim ran during an allocation): look again. */
export const FAULT_RETRY = 2
/** VM_FAULT_OOM */
export const FAULT_OOM = 3
export type FaultResult =
  typeof FAULT_DONE | typeof FAULT_FALLBACK | typeof FAULT_RETRY | typeof FAULT_OOM

export function pmdIndexOf(addr: number): number {
  return Math.floor(addr / PMD_SIZE)
}

/**
 * @kernel mm/huge_memory.c thp_vma_allowable_order() for PMD order on anonymous memory:
 * THP `enabled` (always / madvise + MADV_HUGEPAGE), not MADV_NOHUGEPAGE, and the VMA covers the
 * whole aligned 2 MB range.
 */
export function thp_vma_allowable_order(k: Kernel, vma: Vma, addr: number): boolean {
  if (!thpOrderEnabled(k, vma, HPAGE_PMD_ORDER)) return false
  const start = pmdIndexOf(addr) * PMD_SIZE
  return start >= vma.start && start + PMD_SIZE <= vma.end
}

/**
 * Whether anonymous folios of `order` may be used in `vma`: hugepages-<size>kB/enabled
 * ('inherit' follows the top-level `enabled`), with 'madvise' needing MADV_HUGEPAGE, and
 * MADV_NOHUGEPAGE turning everything off (__thp_vma_allowable_orders()).
 */
export function thpOrderEnabled(k: Kernel, vma: Vma, order: number): boolean {
  if (vma.flags & VM_NOHUGEPAGE) return false
  const size = `${4 << order}kB` as MthpSize
  let mode: MthpEnabled | ThpEnabled = k.spec.thp.hugepages[size]
  if (mode === 'inherit') mode = k.spec.thp.enabled
  if (mode === 'never') return false
  return mode === 'always' || (vma.flags & VM_HUGEPAGE) !== 0
}

/**
 * @kernel mm/huge_memory.c vma_thp_gfp_mask(): whether a PMD-order allocation may enter direct
 * reclaim, per transparent_hugepage/defrag.
 */
export function thpDirectReclaim(k: Kernel, vma: Vma): boolean {
  const defrag = k.spec.thp.defrag
  if (defrag === 'always') return true
  if (defrag === 'madvise' || defrag === 'defer+madvise') return (vma.flags & VM_HUGEPAGE) !== 0
  return false
}

/** Installs a PMD row for a 2 MB range of an mm (the PMD exists once something maps there). */
export function pmdRow(k: Kernel, mm: Mm, pmdIdx: number): number {
  let p = mm.pmds.get(pmdIdx)
  if (p === undefined) {
    p = k.pmds.alloc()
    pmdSet(k, mm, pmdIdx, p)
  }
  return p
}

/** Forgets an empty PMD row. */
export function pmdClear(k: Kernel, mm: Mm, pmdIdx: number): void {
  const p = mm.pmds.get(pmdIdx)
  if (p === undefined) return
  if (k.pmds.deposit[p] >= 0) throw new Error('pmdClear: table still deposited')
  pmdUnset(k, mm, pmdIdx)
  k.pmds.release(p)
}

/**
 * Puts PMD row `p` at `pmdIdx`, with the PMD and PUD tables above it: pmd_alloc() and
 * pud_alloc() take a page each for the first PMD in their GB and 512 GB (kernel memory, the
 * mm's cgroup's; below the watermarks if need be, as the model has no -ENOMEM for them).
 */
export function pmdSet(k: Kernel, mm: Mm, pmdIdx: number, p: number): void {
  mm.pmds.set(pmdIdx, p)
  for (const key of upperKeys(pmdIdx)) {
    const u = mm.upper.get(key)
    if (u) {
      u[0]++
      continue
    }
    const charge = k.chargeTo
    k.chargeTo = mm.memcg
    let pfn = alloc_pages(k, 0, !k.inReclaim, true)
    if (pfn < 0) pfn = k.mem.alloc(0)
    k.chargeTo = charge
    mm.upper.set(key, [1, pfn])
  }
}

/** Takes the row at `pmdIdx` out; free_pgd_range() frees a PMD or PUD table left empty. */
export function pmdUnset(k: Kernel, mm: Mm, pmdIdx: number): void {
  if (!mm.pmds.delete(pmdIdx)) return
  for (const key of upperKeys(pmdIdx)) {
    const u = mm.upper.get(key)!
    if (--u[0] > 0) continue
    mm.upper.delete(key)
    if (u[1] >= 0) k.mem.free(u[1], 0)
  }
}

/** The PMD table (per GB) and PUD table (per 512 GB) keys of a PMD index. */
function upperKeys(pmdIdx: number): [number, number] {
  return [Math.floor(pmdIdx / 512), -Math.floor(pmdIdx / (512 * 512)) - 1]
}

function pmdKindOf(k: Kernel, mm: Mm, pmdIdx: number): number {
  const p = mm.pmds.get(pmdIdx)
  return p === undefined ? PMD_NONE : k.pmds.kind[p]
}

/**
 * @kernel mm/huge_memory.c do_huge_pmd_anonymous_page() -> __do_huge_pmd_anonymous_page()
 * Allocates a PMD-order folio (thp_fault_fallback if that fails), clears 2 MB
 * (folio_zero_user()), deposits a PTE table unless lazy deposit, maps the PMD (thp_fault_alloc).
 * A read fault with use_zero_page maps the huge zero folio instead (set_huge_zero_folio()).
 */
export function do_huge_pmd_anonymous_page(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  addr: number,
  write: boolean,
): FaultResult {
  const pmdIdx = pmdIndexOf(addr)
  if (!write && !k.spec.mm_forbids_zeropage && k.spec.thp.use_zero_page) {
    return set_huge_zero_folio(k, mm, pmdIdx)
  }
  const pfn = vma_alloc_anon_folio_pmd(k, vma)
  if (pfn < 0) return FAULT_FALLBACK
  let table = -1
  if (!k.variant.lazyDeposit) {
    table = pte_alloc_one(k, mm, true)
    if (table < 0) {
      k.mem.free(pfn, HPAGE_PMD_ORDER)
      return FAULT_OOM
    }
  }
  if (mm.exited || pmdKindOf(k, mm, pmdIdx) !== PMD_NONE) {
    // Reclaim during the allocations changed the picture: undo and look again.
    if (table >= 0) pte_free(k, mm, table)
    k.mem.free(pfn, HPAGE_PMD_ORDER)
    return FAULT_RETRY
  }
  const p = pmdRow(k, mm, pmdIdx)
  if (table >= 0) pgtable_trans_huge_deposit(k, p, table)
  return map_anon_folio_pmd(k, mm, vma, p, pfn, pmdIdx * PMD_SIZE)
}

/**
 * @kernel mm/huge_memory.c vma_alloc_anon_folio_pmd(): a PMD-order page for an anonymous fault,
 * or -1 after counting thp_fault_fallback (and the mTHP anon_fault_fallback).
 */
function vma_alloc_anon_folio_pmd(k: Kernel, vma: Vma): number {
  const pfn = k.inject('thp_fault_alloc')
    ? -1
    : alloc_pages(k, HPAGE_PMD_ORDER, thpDirectReclaim(k, vma))
  if (pfn < 0) {
    k.vm.thp_fault_fallback++
    k.mthpCount(HPAGE_PMD_ORDER, 'anon_fault_fallback')
    // The page was there but the memcg charge failed (mem_cgroup_charge()).
    if (k.chargeFailed) {
      k.vm.thp_fault_fallback_charge++
      k.mthpCount(HPAGE_PMD_ORDER, 'anon_fault_fallback_charge')
    }
  }
  return pfn
}

/**
 * @kernel mm/huge_memory.c map_anon_folio_pmd(): a new, cleared THP at `pfn` mapped at `haddr` by
 * PMD row `p` (writable and dirty when the VMA is), with its anon rmap; counts thp_fault_alloc.
 */
function map_anon_folio_pmd(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  p: number,
  pfn: number,
  haddr: number,
): FaultResult {
  const fo = k.folios
  const f = fo.alloc()
  fo.order[f] = HPAGE_PMD_ORDER
  fo.pfn[f] = pfn
  fo.flags[f] = PG_UPTODATE
  k.mem.pageTag.fill(pfn, pfn + HPAGE_PMD_NR, 0)
  k.cost('clear', k.cpu.clear2mNs)
  k.pmds.kind[p] = PMD_HUGE
  k.pmds.val[p] = f
  k.pmds.flags[p] = E_YOUNG | E_SOFT_DIRTY | (vma.flags & VM_WRITE ? E_WRITE | E_DIRTY : 0)
  folio_add_new_anon_rmap(k, f, vma, haddr, true)
  mm.anonRss += HPAGE_PMD_NR
  k.vm.thp_fault_alloc++
  k.mthpCount(HPAGE_PMD_ORDER, 'anon_fault_alloc')
  k.cost('install', k.cpu.installEntryNs)
  k.faultType = 'anon-thp'
  return FAULT_DONE
}

/**
 * @kernel mm/huge_memory.c mm_get_huge_zero_folio() -> get_huge_zero_folio(): the huge zero
 * folio is 2 MB of real memory, allocated on first use (thp_zero_page_alloc); each mm that maps
 * it holds a reference until it exits, and the shrinker frees it once none does. An allocation
 * that fails counts thp_zero_page_alloc_failed, and the fault falls back (thp_fault_fallback).
 */
function mm_get_huge_zero_folio(k: Kernel, mm: Mm): boolean {
  if (k.hugeZeroPfn < 0) {
    const pfn = alloc_pages(k, HPAGE_PMD_ORDER, true)
    if (pfn < 0) {
      k.vm.thp_zero_page_alloc_failed++
      return false
    }
    k.mem.pageTag.fill(pfn, pfn + HPAGE_PMD_NR, 0)
    k.hugeZeroPfn = pfn
    k.vm.thp_zero_page_alloc++
  }
  k.hugeZeroUsers.add(mm.pid)
  return true
}

/**
 * @kernel mm/huge_memory.c shrink_huge_zero_folio_scan(): the huge zero folio goes back to the
 * free lists once no mm holds it. Returns pages freed.
 */
export function shrink_huge_zero_folio(k: Kernel): number {
  if (k.hugeZeroPfn < 0 || k.hugeZeroUsers.size > 0) return 0
  k.mem.free(k.hugeZeroPfn, HPAGE_PMD_ORDER)
  k.hugeZeroPfn = -1
  return HPAGE_PMD_NR
}

/** @kernel mm/huge_memory.c set_huge_zero_folio() (with its deposited table) */
function set_huge_zero_folio(k: Kernel, mm: Mm, pmdIdx: number): FaultResult {
  if (!mm_get_huge_zero_folio(k, mm)) {
    k.vm.thp_fault_fallback++
    k.mthpCount(HPAGE_PMD_ORDER, 'anon_fault_fallback')
    return FAULT_FALLBACK
  }
  let table = -1
  if (!k.variant.lazyDeposit) {
    table = pte_alloc_one(k, mm, true)
    if (table < 0) return FAULT_OOM
  }
  if (mm.exited || pmdKindOf(k, mm, pmdIdx) !== PMD_NONE) {
    if (table >= 0) pte_free(k, mm, table)
    return FAULT_RETRY
  }
  const p = pmdRow(k, mm, pmdIdx)
  if (table >= 0) pgtable_trans_huge_deposit(k, p, table)
  k.pmds.kind[p] = PMD_HUGE_ZERO
  k.pmds.val[p] = -1
  k.pmds.flags[p] = E_YOUNG
  k.cost('install', k.cpu.installEntryNs)
  k.faultType = 'huge-zero'
  return FAULT_DONE
}

/**
 * @kernel mm/huge_memory.c do_huge_zero_wp_pmd(): a write to the huge zero page puts a new,
 * cleared THP in its place (the deposited table stays with the PMD). FAULT_FALLBACK when none
 * can be had (thp_fault_fallback): the caller splits, and the write is taken at 4 KB.
 */
function do_huge_zero_wp_pmd(k: Kernel, mm: Mm, vma: Vma, pmdIdx: number): FaultResult {
  const p = mm.pmds.get(pmdIdx)!
  const pfn = vma_alloc_anon_folio_pmd(k, vma)
  if (pfn < 0) return FAULT_FALLBACK
  if (mm.exited || mm.pmds.get(pmdIdx) !== p || k.pmds.kind[p] !== PMD_HUGE_ZERO) {
    k.mem.free(pfn, HPAGE_PMD_ORDER)
    return FAULT_RETRY
  }
  // pmdp_huge_clear_flush(), then map_anon_folio_pmd().
  k.flushTlb()
  return map_anon_folio_pmd(k, mm, vma, p, pfn, pmdIdx * PMD_SIZE)
}

/**
 * @kernel mm/huge_memory.c do_huge_pmd_wp_page()
 * Write to a read-only huge PMD: the huge zero page gets a THP of its own (do_huge_zero_wp_pmd());
 * a THP is reused if it is exclusively ours, else the PMD is split and the PTE-level fault
 * copies 4 KB (the kernel has not copied whole THPs on COW since 5.8).
 */
export function do_huge_pmd_wp_page(k: Kernel, mm: Mm, vma: Vma, pmdIdx: number): FaultResult {
  const p = mm.pmds.get(pmdIdx)!
  const pm = k.pmds
  const fo = k.folios
  if (pm.kind[p] === PMD_HUGE_ZERO && vma.flags & VM_WRITE) {
    const r = do_huge_zero_wp_pmd(k, mm, vma, pmdIdx)
    if (r !== FAULT_FALLBACK) return r
  }
  if (pm.kind[p] === PMD_HUGE && vma.flags & VM_WRITE) {
    const f = pm.val[p]
    const onlyHere = fo.pmdMapcount[f] === 1 && fo.pteMapcount[f] === 0
    // Reuse an anon-exclusive THP; or one this PMD is the only mapping of (folio_ref_count()
    // == 1 once its swap-cache copy is dropped), e.g. after the other side of a fork exited
    // (held against a 6.18 kernel: one fault, no split).
    if (onlyHere && !(fo.flags[f] & PG_ANON_EXCLUSIVE) && fo.flags[f] & PG_SWAPCACHE) {
      folio_free_swap(k, f)
    }
    if (onlyHere && (fo.flags[f] & PG_ANON_EXCLUSIVE || !(fo.flags[f] & PG_SWAPCACHE))) {
      if (fo.flags[f] & PG_SWAPCACHE) folio_free_swap(k, f)
      fo.flags[f] |= PG_ANON_EXCLUSIVE
      pm.flags[p] |= E_WRITE | E_DIRTY | E_YOUNG | E_SOFT_DIRTY
      k.cost('install', k.cpu.installEntryNs)
      k.faultType = 'wp-reuse-pmd'
      return FAULT_DONE
    }
  }
  if (pm.kind[p] === PMD_HUGE) k.count('F12-pmd-cow-split')
  return __split_huge_pmd(k, mm, pmdIdx) ? FAULT_FALLBACK : FAULT_OOM
}

/**
 * @kernel mm/huge_memory.c __split_huge_pmd() -> __split_huge_pmd_locked()
 * Turns one huge, huge-zero or (series) swap PMD into a PTE table of 512 entries. The table is
 * the deposited one, or — lazy deposit — a new allocation that can fail (thp_split_pmd_failed).
 * Counts thp_split_pmd for every kind, as the kernel does at the top of
 * __split_huge_pmd_locked(). Returns false if no table could be had.
 */
export function __split_huge_pmd(k: Kernel, mm: Mm, pmdIdx: number): boolean {
  const p = mm.pmds.get(pmdIdx)
  if (p === undefined) return true
  const pm = k.pmds
  const kind = pm.kind[p]
  if (kind !== PMD_HUGE && kind !== PMD_HUGE_ZERO && kind !== PMD_SWAP) return true
  let table: number
  if (pm.deposit[p] >= 0) {
    table = pgtable_trans_huge_withdraw(k, p)
  } else {
    table = pte_alloc_one(k, mm)
    if (table < 0) {
      if (k.variant.lazyDeposit) k.vm.thp_split_pmd_failed++
      return false
    }
    // The allocation may have reclaimed: the PMD must still be what we are splitting.
    if (pm.kind[p] !== kind) {
      pte_free(k, mm, table)
      return __split_huge_pmd(k, mm, pmdIdx)
    }
  }
  k.vm.thp_split_pmd++
  const pt = k.ptes
  const base = table * HPAGE_PMD_NR
  const flags = pm.flags[p]
  if (kind === PMD_HUGE) {
    const f = pm.val[p]
    const entryFlags = flags & (E_WRITE | E_DIRTY | E_YOUNG | E_SOFT_DIRTY | E_UFFD_WP)
    pt.kind.fill(PTE_PRESENT, base, base + HPAGE_PMD_NR)
    pt.val.fill(f, base, base + HPAGE_PMD_NR)
    pt.flags.fill(entryFlags, base, base + HPAGE_PMD_NR)
    for (let i = 0; i < HPAGE_PMD_NR; i++) pt.sub[base + i] = i
    // The PMD mapping becomes 512 PTE mappings of the same folio.
    const fo = k.folios
    fo.pteMapcount[f] += HPAGE_PMD_NR
    folio_remove_rmap_pmd(k, f)
  } else if (kind === PMD_HUGE_ZERO) {
    pt.kind.fill(PTE_ZERO, base, base + HPAGE_PMD_NR)
  } else {
    // Series (08/16): each PTE gets its own slot and inherits soft-dirty, uffd-wp, exclusive.
    const off = pm.val[p]
    pt.kind.fill(PTE_SWAP, base, base + HPAGE_PMD_NR)
    pt.swapType.fill(pm.swapType[p], base, base + HPAGE_PMD_NR)
    pt.flags.fill(flags & E_SPLIT_INHERIT, base, base + HPAGE_PMD_NR)
    for (let i = 0; i < HPAGE_PMD_NR; i++) pt.val[base + i] = off + i
  }
  pm.kind[p] = PMD_TABLE
  pm.val[p] = table
  pm.flags[p] = 0
  k.cost('install', HPAGE_PMD_NR * k.cpu.installEntryNs)
  k.flushTlb()
  return true
}

/**
 * @kernel mm/huge_memory.c zap_huge_pmd()
 * Removes a whole huge, huge-zero or swap PMD and frees its deposited table. A swap PMD puts all
 * 512 slot references at once (series).
 */
export function zap_huge_pmd(k: Kernel, mm: Mm, pmdIdx: number): void {
  const p = mm.pmds.get(pmdIdx)!
  const pm = k.pmds
  const kind = pm.kind[p]
  if (kind === PMD_HUGE) {
    const f = pm.val[p]
    folio_remove_rmap_pmd(k, f)
    mm.anonRss -= HPAGE_PMD_NR
    free_swap_cache(k, f)
    folioPutIfUnused(k, f)
  } else if (kind === PMD_SWAP) {
    mm.swapEnts -= HPAGE_PMD_NR
    free_swap_and_cache(k, k.swap[pm.swapType[p]], pm.val[p], HPAGE_PMD_NR)
  }
  zap_deposited_table(k, mm, p)
  k.cost('install', k.cpu.installEntryNs)
  // tlb_remove_pmd_tlb_entry(): a present PMD owes the gather's flush.
  if (kind !== PMD_SWAP) k.tlbBatchPending = true
  pmdClear(k, mm, pmdIdx)
}

/**
 * @kernel mm/huge_memory.c copy_huge_pmd() (present) and, series, copy_huge_non_present_pmd()
 * The child gets its own deposited table (eager deposit); a present THP is shared read-only by
 * both (folio_try_dup_anon_rmap_pmd() clears anon-exclusive); a swap PMD is copied as one entry
 * with one 512-slot folio_dup_swap(), and the parent's exclusive bit is cleared.
 * Returns false on -ENOMEM (fork fails).
 */
export function copy_huge_pmd(k: Kernel, dst: Mm, src: Mm, pmdIdx: number): boolean | 'again' {
  const sp = src.pmds.get(pmdIdx)!
  const pm = k.pmds
  const sf = pm.val[sp]
  if (pm.kind[sp] === PMD_HUGE && k.pins.has(sf) && k.folios.flags[sf] & PG_ANON_EXCLUSIVE) {
    // A maybe-DMA-pinned exclusive THP must not be shared: split the PMD and let
    // copy_pte_range() copy the pages (-EAGAIN).
    return __split_huge_pmd(k, src, pmdIdx) ? 'again' : false
  }
  let table = -1
  if (!k.variant.lazyDeposit) {
    table = pte_alloc_one(k, dst, true)
    if (table < 0) return false
  }
  const dp = pmdRow(k, dst, pmdIdx)
  if (table >= 0) pgtable_trans_huge_deposit(k, dp, table)
  const kind = pm.kind[sp]
  pm.kind[dp] = kind
  pm.val[dp] = pm.val[sp]
  pm.swapType[dp] = pm.swapType[sp]
  if (kind === PMD_HUGE) {
    const f = pm.val[sp]
    k.folios.flags[f] &= ~PG_ANON_EXCLUSIVE
    folio_add_anon_rmap_pmd(k, f)
    pm.flags[sp] &= ~E_WRITE
    dst.anonRss += HPAGE_PMD_NR
  } else if (kind === PMD_SWAP) {
    k.swap[pm.swapType[sp]].dup(pm.val[sp], HPAGE_PMD_NR)
    pm.flags[sp] &= ~E_SWP_EXCLUSIVE
    dst.swapEnts += HPAGE_PMD_NR
  }
  // The child's VMA has no userfaultfd (dup_userfaultfd()): pmd_clear_uffd_wp(); a present PMD
  // is old in the child (pmd_mkold()), so the parent's access alone counts for reclaim.
  pm.flags[dp] = pm.flags[sp] & ~(E_SOFT_DIRTY | E_UFFD_WP | E_YOUNG)
  k.cost('install', k.cpu.installEntryNs)
  return true
}

/**
 * @kernel-series https://lore-kernel.gnuweeb.org/lkml/20260427100553.2754667-12-usama.arif@linux.dev/
 * do_huge_pmd_swap_page(), with the swap-in classifier agreed with Lance Yang (a swap PMD is a
 * compact encoding of 512 slots): whole-PMD swap-in only if the swap cache holds the one
 * PMD-sized folio of these slots, or none of the 512 slots has a cached folio or zswap entry;
 * otherwise split to 512 swap PTEs and take the PTE path (F7, F10), as also when the PMD-order
 * allocation fails (F6).
 */
export function do_huge_pmd_swap_page(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  pmdIdx: number,
  write: boolean,
): FaultResult {
  if (k.faultRetries === 0 && k.inject('swapin_race')) {
    // Another thread got here first (the PMD or the slots changed): drop out and retry.
    k.faultRetries++
    k.count('F8-swapin-race')
    return FAULT_RETRY
  }
  const r = swapin_pmd_folio(k, mm, vma, pmdIdx, true)
  if (r === FAULT_RETRY || r === FAULT_OOM) return r
  if (r === FAULT_FALLBACK) return __split_huge_pmd(k, mm, pmdIdx) ? FAULT_FALLBACK : FAULT_OOM
  const major = r.read
  mapSwapPmd(k, mm, vma, pmdIdx, r.folio, write)
  if (major) k.vm.pgmajfault++
  k.faultType = major ? 'pmd-swapin-io' : 'pmd-swapin-cache'
  return FAULT_DONE
}

/**
 * @kernel-series https://lkml.iu.edu/2604.3/03974.html swapin_alloc_pmd_folio() and the shared
 * classification helper: the PMD-sized swap-cache folio of the swap PMD's slots, or a new
 * PMD-order folio read from them into the swap cache. FAULT_FALLBACK (counted by reason) when the
 * slots have per-page state (F7, F10) or the allocation fails (F6); the caller splits.
 */
export function swapin_pmd_folio(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  pmdIdx: number,
  directReclaim: boolean,
  wait = true,
):
  { folio: number; read: boolean } | typeof FAULT_FALLBACK | typeof FAULT_RETRY | typeof FAULT_OOM {
  const p = mm.pmds.get(pmdIdx)!
  const pm = k.pmds
  const fo = k.folios
  const si = k.swap[pm.swapType[p]]
  const off = pm.val[p]
  k.cost('swapcache', k.cpu.swapCacheOpNs)
  if (k.inject('swapcache_split')) injectSwapcacheSplit(k, si, off)
  const cached = si.cacheOf(off)
  if (cached >= 0 && fo.order[cached] === HPAGE_PMD_ORDER && fo.swapOffset[cached] === off) {
    return { folio: cached, read: false }
  }
  const reason = swapPmdSplitReason(si, off)
  if (reason) {
    k.count(reason)
    return FAULT_FALLBACK
  }
  const pfn = k.inject('thp_swapin_alloc')
    ? -1
    : alloc_pages(k, HPAGE_PMD_ORDER, directReclaim && thpDirectReclaim(k, vma))
  if (pfn < 0) {
    k.count('F6-swapin-alloc-failed')
    return FAULT_FALLBACK
  }
  if (mm.exited || mm.pmds.get(pmdIdx) !== p || pm.kind[p] !== PMD_SWAP) {
    k.mem.free(pfn, HPAGE_PMD_ORDER)
    return FAULT_RETRY
  }
  const f = fo.alloc()
  fo.order[f] = HPAGE_PMD_ORDER
  fo.pfn[f] = pfn
  swap_cache_add_folio(k, f, si, off)
  const read = swap_read_folio(k, f, off, si.type, wait)
  if (k.inject('swap_read_error')) {
    // The folio is not uptodate: it leaves the swap cache, and the caller splits and reads per
    // page (swapoff's -EIO path; the model does the same for the fault, see ARCHITECTURE.md).
    swap_cache_del_folio(k, f)
    __folio_put(k, f)
    k.count('F9-swap-read-error')
    return FAULT_FALLBACK
  }
  return { folio: f, read }
}

/** A racing split (fault injection): the swap-cache folio behind the slots splits first (F14). */
function injectSwapcacheSplit(k: Kernel, si: SwapInfo, off: number): void {
  const f = si.cacheOf(off)
  if (f >= 0 && k.folios.order[f] === HPAGE_PMD_ORDER && !k.folios.mapped(f)) split_folio(k, f)
}

/**
 * @kernel-series https://lkml.iu.edu/2604.3/03974.html madvise_willneed() on a swap PMD
 * MADV_WILLNEED on a swap PMD (series): read the PMD folio into the swap cache without mapping
 * it. Returns false when the swap PMD had to be split instead (the caller reads per PTE).
 */
export function swapin_pmd_readahead(k: Kernel, mm: Mm, pmdIdx: number): boolean {
  const vma = mm.vmas.find((v) => v.start <= pmdIdx * PMD_SIZE && v.end > pmdIdx * PMD_SIZE)!
  const r = swapin_pmd_folio(k, mm, vma, pmdIdx, false, false)
  if (r === FAULT_FALLBACK) return !__split_huge_pmd(k, mm, pmdIdx)
  return true
}

/** Why a swap PMD cannot be swapped in whole (beyond an allocation failure), or undefined. */
function swapPmdSplitReason(
  si: SwapInfo,
  off: number,
): 'F7-swapcache-not-pmd' | 'F10-zswap-entries' | undefined {
  if (si.anyCached(off, HPAGE_PMD_NR)) return 'F7-swapcache-not-pmd'
  if (si.anySlotFlag(off, HPAGE_PMD_NR, SLOT_ZSWAP)) return 'F10-zswap-entries'
  return undefined
}

/** Maps a PMD-sized swap-cache folio in place of the swap PMD (the fault's part of it). */
function mapSwapPmd(k: Kernel, mm: Mm, vma: Vma, pmdIdx: number, f: number, write: boolean): void {
  const p = mm.pmds.get(pmdIdx)!
  const pm = k.pmds
  const si = k.swap[pm.swapType[p]]
  const swpFlags = pm.flags[p]
  let exclusive = (swpFlags & E_SWP_EXCLUSIVE) !== 0
  if (si.stableWrites && k.folios.flags[f] & PG_WRITEBACK) {
    // 11/13: still under writeback to a SWP_STABLE_WRITES device: drop exclusive, map read-only;
    // a later write takes the COW path (F16, then F12).
    exclusive = false
    k.count('F16-stable-writes-writeback')
  }
  const writable = exclusive && (vma.flags & VM_WRITE) !== 0 && !(swpFlags & E_UFFD_WP)
  installSwappedInPmd(k, mm, vma, pmdIdx, f, exclusive, writable, writable && write)
  k.cost('install', k.cpu.installEntryNs)
  if (should_try_to_free_swap(k, si, f, write && exclusive)) folio_free_swap(k, f)
  if (writable && write) k.folios.flags[f] |= PG_DIRTY
}

/**
 * The swap PMD at `pmdIdx` becomes a PMD mapping the PMD-sized folio `f`: young, soft-dirty and
 * uffd-wp kept from the swap entry, writable and dirty as the caller says; the folio's anon rmap
 * and exclusivity, the 512 slots' references and the mm's counters follow. Shared by the fault
 * (do_huge_pmd_swap_page() via mapSwapPmd()) and swapoff (unuse_pmd()); each charges its own cost.
 */
export function installSwappedInPmd(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  pmdIdx: number,
  f: number,
  exclusive: boolean,
  writable: boolean,
  dirty: boolean,
): void {
  const p = mm.pmds.get(pmdIdx)!
  const pm = k.pmds
  const fo = k.folios
  const si = k.swap[pm.swapType[p]]
  const off = pm.val[p]
  const swpFlags = pm.flags[p]
  pm.kind[p] = PMD_HUGE
  pm.val[p] = f
  pm.flags[p] =
    E_YOUNG |
    (swpFlags & (E_SOFT_DIRTY | E_UFFD_WP)) |
    (writable ? E_WRITE : 0) |
    (dirty ? E_DIRTY : 0)
  // A folio the swap-in just read has no anon rmap yet (folio_add_new_anon_rmap()).
  if (fo.anonVma[f] < 0) folio_add_new_anon_rmap(k, f, vma, pmdIdx * PMD_SIZE, true)
  else folio_add_anon_rmap_pmd(k, f)
  if (exclusive) fo.flags[f] |= PG_ANON_EXCLUSIVE
  else fo.flags[f] &= ~PG_ANON_EXCLUSIVE
  si.put(off, HPAGE_PMD_NR)
  mm.swapEnts -= HPAGE_PMD_NR
  mm.anonRss += HPAGE_PMD_NR
}

/**
 * @kernel mm/huge_memory.c split_huge_page_to_list_to_order() (order 0)
 * Splits a large folio into 512 order-0 folios. Every PMD mapping is split first (which can fail
 * under lazy deposit: thp_split_page_failed); every PTE then points at its own folio. A folio in
 * the swap cache stays there page by page (the state F7/F14 leave behind a swap PMD).
 * Returns the folio ids, or null if the split failed.
 */
export function split_folio(k: Kernel, f: number): number[] | null {
  const fo = k.folios
  const nr = fo.nrPages(f)
  if (nr === 1) return [f]
  if (k.pins.has(f)) {
    // A pinned folio has extra references: can_split_folio() says no.
    k.vm.thp_split_page_failed++
    k.mthpCount(fo.order[f], 'split_failed')
    return null
  }
  // unmap_folio(): a PTE-mapped folio loses its PTEs one by one (try_to_migrate_one()), so it
  // is partially mapped after the first and goes on the deferred split queue (unless it is in
  // the swap cache); a PMD mapping is frozen whole and does not (held against a 6.18 kernel:
  // MADV_PAGEOUT of a THP a VMA boundary cuts).
  if (
    fo.pteMapcount[f] >= 2 &&
    fo.order[f] > 1 &&
    !(fo.flags[f] & (PG_PARTIALLY_MAPPED | PG_SWAPCACHE))
  ) {
    k.vm.thp_deferred_split_page++
    k.mthpCount(fo.order[f], 'split_deferred')
  }
  const maps = rmap_walk_anon(k, f)
  for (const { vma, addr } of maps) {
    const pmdIdx = pmdIndexOf(addr)
    const p = addr >= vma.start ? vma.mm.pmds.get(pmdIdx) : undefined
    if (p !== undefined && k.pmds.kind[p] === PMD_HUGE && k.pmds.val[p] === f) {
      if (!__split_huge_pmd(k, vma.mm, pmdIdx)) {
        k.vm.thp_split_page_failed++
        k.mthpCount(fo.order[f], 'split_failed')
        return null
      }
    }
  }
  const wasMapped = fo.mapped(f)
  // lru_add_split_folio(): on the LRU, the new folios join the head's list; isolated (reclaim),
  // they go back with it to the caller's list. Off the LRU while the order changes.
  const onLru = (fo.flags[f] & PG_LRU) !== 0
  k.lruDel(f)
  k.mthpCount(fo.order[f], 'split')
  const ids = [f]
  const pfn = fo.pfn[f]
  const flags = fo.flags[f] & ~PG_PARTIALLY_MAPPED
  k.deferredSplit.delete(f)
  const inCache = (flags & PG_SWAPCACHE) !== 0
  const si = inCache ? k.swap[fo.swapType[f]] : null
  const off = fo.swapOffset[f]
  for (let i = 1; i < nr; i++) {
    const g = fo.alloc()
    fo.pfn[g] = pfn + i
    fo.flags[g] = flags & ~PG_LRU // lruAdd() below
    fo.index[g] = fo.index[f] + i
    fo.anonVma[g] = fo.anonVma[f]
    fo.swapType[g] = fo.swapType[f]
    if (si) {
      fo.swapOffset[g] = off + i
      si.setCache(off + i, g)
    }
    ids.push(g)
  }
  // Re-point every PTE mapping at its own folio (rows found while `f` is still large).
  const rows = maps.flatMap(({ vma, addr }) => folioPtes(k, vma, addr, f))
  fo.order[f] = 0
  fo.flags[f] = flags
  fo.pteMapcount[f] = 0
  const pt = k.ptes
  for (const [e] of rows) {
    const g = ids[pt.sub[e]]
    pt.val[e] = g
    pt.sub[e] = 0
    fo.pteMapcount[g]++
  }
  if (wasMapped) k.nrAnonMapped -= nr
  for (const g of ids) {
    if (fo.mapped(g)) k.nrAnonMapped++
    if (onLru) k.lruAdd(g)
  }
  k.vm.thp_split_page++
  for (const g of ids) {
    if (!fo.mapped(g) && !(fo.flags[g] & PG_SWAPCACHE)) __folio_put(k, g)
  }
  return ids.filter((g) => fo.pfn[g] >= 0)
}

/**
 * Splits the large folio behind `addr` as deferred_split_scan() or memory_failure() would: the
 * mapped one (PMD or PTE), or the swap-cache folio behind a swap PMD, which the rmap cannot reach
 * (page_vma_mapped_walk() does not visit swap PMDs), so the swap PMD stays and the mismatch shows
 * at swap-in or swapoff (F14 -> F7). Returns whether a folio was split.
 */
export function splitFolioAt(k: Kernel, mm: Mm, addr: number): boolean {
  const p = mm.pmds.get(pmdIndexOf(addr))
  if (p === undefined) return false
  const pm = k.pmds
  const fo = k.folios
  let f = -1
  if (pm.kind[p] === PMD_HUGE) f = pm.val[p]
  else if (pm.kind[p] === PMD_SWAP) {
    f = k.swap[pm.swapType[p]].cacheOf(pm.val[p] + pte_index(addr))
  } else if (pm.kind[p] === PMD_TABLE) {
    const e = pm.val[p] * HPAGE_PMD_NR + pte_index(addr)
    const pk = k.ptes.kind[e]
    if (pk === PTE_PRESENT) f = k.ptes.val[e]
    else if (pk === PTE_SWAP) f = k.swap[k.ptes.swapType[e]].cacheOf(k.ptes.val[e])
  }
  if (f < 0 || fo.order[f] === 0) return false
  return split_folio(k, f) !== null
}
