/**
 * mm/memory.c: PTE-level faults and page-table walks. handle_mm_fault() and its handlers
 * (do_anonymous_page(), do_wp_page(), do_swap_page(), whose readahead is in swap_state.ts), zap
 * and fork copies of PTE tables. What user space does before it enters handle_mm_fault() (the
 * MMU's walk, the model's data check) is in ../user/access.ts.
 */
import { SimUsageError } from '../api'
import type { Kernel } from '../kernel'
import {
  E_DIRTY,
  E_SOFT_DIRTY,
  E_SWP_EXCLUSIVE,
  E_UFFD_WP,
  E_WRITE,
  E_YOUNG,
  PMD_HUGE,
  PMD_HUGE_ZERO,
  PMD_NONE,
  PMD_SWAP,
  PMD_TABLE,
  PTE_NONE,
  PTE_PRESENT,
  PTE_SWAP,
  PTE_ZERO,
  pte_index,
} from '../include/pgtable'
import { HPAGE_PMD_NR, HPAGE_PMD_ORDER, PAGE_SIZE, PMD_SIZE } from '../include/units'
import {
  FAULT_DONE,
  FAULT_FALLBACK,
  FAULT_OOM,
  FAULT_RETRY,
  do_huge_pmd_anonymous_page,
  do_huge_pmd_swap_page,
  do_huge_pmd_wp_page,
  pmdIndexOf,
  pmdRow,
  thpDirectReclaim,
  thpOrderEnabled,
  thp_vma_allowable_order,
  type FaultResult,
} from './huge_memory'
import {
  PG_ANON_EXCLUSIVE,
  PG_DIRTY,
  PG_PARTIALLY_MAPPED,
  PG_SWAPCACHE,
  PG_UPTODATE,
  VM_WRITE,
  type Mm,
  type Vma,
} from './mm_types'
import { out_of_memory } from './oom_kill'
import { alloc_pages } from './page_alloc'
import { swap_read_folio } from './page_io'
import { pte_alloc_one, pte_free } from './pgtable_generic'
import {
  folio_add_anon_rmap_ptes,
  folio_add_new_anon_rmap,
  folio_remove_rmap_ptes,
  folioPtes,
  rmap_walk_anon,
} from './rmap'
import { folioPutIfUnused } from './swap'
import {
  folio_free_swap,
  free_swap_and_cache,
  free_swap_cache,
  swap_cache_add_folio,
  swap_cache_del_folio,
  swap_cache_get_folio,
  swap_update_readahead,
  swapin_readahead,
} from './swap_state'
import { SLOT_ZERO, type SwapInfo } from './swapfile'

/** Thrown when the task doing an operation was OOM-killed under it; the op is abandoned. */
export class TaskKilled extends Error {
  override name = 'TaskKilled'
}

/** @kernel mm/mmap.c find_vma(): the VMA holding `addr` (the model never needs the next one above). */
export function find_vma(mm: Mm, addr: number): Vma | undefined {
  const vmas = mm.vmas
  let lo = 0
  let hi = vmas.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const v = vmas[mid]
    if (addr < v.start) hi = mid - 1
    else if (addr >= v.end) lo = mid + 1
    else return v
  }
  return undefined
}

/**
 * @kernel mm/memory.c handle_mm_fault() -> __handle_mm_fault() -> handle_pte_fault()
 * One page fault: pgfault +1, dispatch on the PMD then the PTE, one handler per state. Records the
 * fault's type and simulated latency and advances the clock by it.
 */
export function handle_mm_fault(k: Kernel, mm: Mm, vma: Vma, addr: number, write: boolean): void {
  const startNs = k.events.nowNs
  faultEnter(k)
  let r: FaultResult = FAULT_RETRY
  for (let step = 0; step < 8 && r !== FAULT_DONE; step++) {
    r = faultStep(k, mm, vma, addr, write)
    if (r === FAULT_OOM) {
      if (mm.exited || !out_of_memory(k) || mm.exited) break
    }
  }
  // The latency: the work done, plus any time the clock moved while the fault waited for
  // writeback in direct reclaim.
  const stallNs = k.events.nowNs - startNs
  if (stallNs > 0) k.cost('stall', stallNs)
  k.faults.record(k.faultType || 'retry', k.pendingNs, k.pendingParts)
  const ns = k.pendingNs - stallNs
  k.resetPending()
  // Not yet a safe point for kswapd: the access the fault was for has not happened (it retries
  // at once on a kernel); kswapd's turns wait for it (kswapdAfterAccess(), user/access.ts).
  k.events.advance(ns)
  if (mm.exited) throw new TaskKilled()
  if (r === FAULT_OOM) throw new SimUsageError('out of memory and nothing left to kill')
}

/** The start of every fault: pgfault +1, its figures from zero, the entry cost, no type yet. */
export function faultEnter(k: Kernel): void {
  k.vm.pgfault++
  k.resetPending()
  k.cost('entry', k.cpu.faultEntryNs)
  k.faultType = ''
  k.faultRetries = 0
}

function faultStep(k: Kernel, mm: Mm, vma: Vma, addr: number, write: boolean): FaultResult {
  const pmdIdx = pmdIndexOf(addr)
  const p = mm.pmds.get(pmdIdx)
  const pm = k.pmds
  const kind = p === undefined ? PMD_NONE : pm.kind[p]
  if (kind === PMD_NONE) {
    if (thp_vma_allowable_order(k, vma, addr)) {
      const r = do_huge_pmd_anonymous_page(k, mm, vma, addr, write)
      if (r !== FAULT_FALLBACK) return r
    }
    return __pte_alloc(k, mm, pmdIdx)
  }
  if (kind === PMD_SWAP) {
    const r = do_huge_pmd_swap_page(k, mm, vma, pmdIdx, write)
    return r === FAULT_FALLBACK ? FAULT_RETRY : r
  }
  if (kind === PMD_HUGE || kind === PMD_HUGE_ZERO) {
    if (!write) return FAULT_DONE
    const r = do_huge_pmd_wp_page(k, mm, vma, pmdIdx)
    return r === FAULT_FALLBACK ? FAULT_RETRY : r
  }
  const e = pm.val[p!] * HPAGE_PMD_NR + pte_index(addr)
  const pk = k.ptes.kind[e]
  if (pk === PTE_NONE) return do_anonymous_page(k, mm, vma, e, addr, write)
  if (pk === PTE_SWAP) return do_swap_page(k, mm, vma, e, addr, write)
  if (write && !(k.ptes.flags[e] & E_WRITE)) return do_wp_page(k, mm, vma, e, addr)
  return FAULT_DONE
}

/** @kernel mm/memory.c __pte_alloc(): give an empty PMD a PTE table. */
function __pte_alloc(k: Kernel, mm: Mm, pmdIdx: number): FaultResult {
  const t = pte_alloc_one(k, mm)
  if (t < 0) return FAULT_OOM
  if (
    mm.exited ||
    (mm.pmds.get(pmdIdx) !== undefined && k.pmds.kind[mm.pmds.get(pmdIdx)!] !== PMD_NONE)
  ) {
    pte_free(k, mm, t)
    return FAULT_RETRY
  }
  const p = pmdRow(k, mm, pmdIdx)
  k.pmds.kind[p] = PMD_TABLE
  k.pmds.val[p] = t
  return FAULT_RETRY
}

/**
 * @kernel mm/memory.c do_anonymous_page()
 * Read: map the shared zero page. Write: allocate, clear and map one 4 KB folio (mTHP orders
 * below PMD are not enabled in the model's machines: hugepages-<size>kB/enabled = never).
 */
function do_anonymous_page(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  e: number,
  addr: number,
  write: boolean,
): FaultResult {
  const pt = k.ptes
  // Use the zero page for reads, unless mm_forbids_zeropage().
  if (!write && !k.spec.mm_forbids_zeropage) {
    pt.kind[e] = PTE_ZERO
    pt.flags[e] = E_YOUNG
    k.cost('install', k.cpu.installEntryNs)
    k.faultType = 'zero-page'
    return FAULT_DONE
  }
  const mthp = alloc_anon_folio(k, mm, vma, e, addr)
  if (mthp !== FAULT_FALLBACK) return mthp
  const pfn = alloc_pages(k, 0, true)
  if (pfn < 0) return FAULT_OOM
  if (mm.exited || pt.kind[e] !== PTE_NONE || !stillTable(k, mm, addr, e)) {
    k.mem.free(pfn, 0)
    return FAULT_RETRY
  }
  const f = newOrder0Folio(k, pfn)
  k.mem.pageTag.set(pfn, 0)
  k.cost('clear', k.cpu.clear4kNs)
  k.cost('install', k.cpu.installEntryNs)
  // Writable and dirty when the VMA is (a read fault gets here under mm_forbids_zeropage()).
  mapPte(k, e, f, 0, (vma.flags & VM_WRITE ? E_WRITE | E_DIRTY : 0) | E_YOUNG | E_SOFT_DIRTY)
  folio_add_new_anon_rmap(k, f, vma, addr, false)
  mm.anonRss++
  k.faultType = 'anon-4k'
  return FAULT_DONE
}

/**
 * @kernel mm/memory.c alloc_anon_folio(): the largest enabled mTHP order (below PMD) whose
 * naturally aligned range lies in the VMA and has only empty PTEs; anon_fault_alloc or
 * anon_fault_fallback per size. FAULT_FALLBACK means order 0.
 */
function alloc_anon_folio(k: Kernel, mm: Mm, vma: Vma, e: number, addr: number): FaultResult {
  const pt = k.ptes
  for (let order = HPAGE_PMD_ORDER - 1; order >= 2; order--) {
    if (!thpOrderEnabled(k, vma, order)) continue
    const n = 1 << order
    const start = addr - (addr % (n * PAGE_SIZE))
    if (start < vma.start || start + n * PAGE_SIZE > vma.end) continue
    const first = e - (addr - start) / PAGE_SIZE
    let empty = true
    for (let i = first; i < first + n && empty; i++) empty = pt.kind[i] === PTE_NONE
    if (!empty) continue
    const pfn = alloc_pages(k, order, thpDirectReclaim(k, vma))
    if (pfn < 0) {
      k.mthpCount(order, 'anon_fault_fallback')
      if (k.chargeFailed) k.mthpCount(order, 'anon_fault_fallback_charge')
      continue
    }
    if (mm.exited || !stillTable(k, mm, addr, e) || pt.kind[e] !== PTE_NONE) {
      k.mem.free(pfn, order)
      return FAULT_RETRY
    }
    const f = k.folios.alloc()
    k.folios.order[f] = order
    k.folios.pfn[f] = pfn
    k.folios.flags[f] = PG_UPTODATE
    k.mem.pageTag.fill(pfn, pfn + n, 0)
    for (let i = 0; i < n; i++)
      mapPte(k, first + i, f, i, E_WRITE | E_DIRTY | E_YOUNG | E_SOFT_DIRTY)
    folio_add_new_anon_rmap(k, f, vma, start, false)
    mm.anonRss += n
    k.mthpCount(order, 'anon_fault_alloc')
    k.cost('clear', n * k.cpu.clear4kNs)
    k.cost('install', n * k.cpu.installEntryNs)
    k.faultType = 'anon-mthp'
    return FAULT_DONE
  }
  return FAULT_FALLBACK
}

export function newOrder0Folio(k: Kernel, pfn: number): number {
  const f = k.folios.alloc()
  k.folios.pfn[f] = pfn
  k.folios.flags[f] = PG_UPTODATE
  return f
}

export function mapPte(k: Kernel, e: number, f: number, sub: number, flags: number): void {
  const pt = k.ptes
  pt.kind[e] = PTE_PRESENT
  pt.val[e] = f
  pt.sub[e] = sub
  pt.flags[e] = flags
}

/** The PTE row `e` is still the one mapping `addr` (no reclaim or zap replaced the table). */
function stillTable(k: Kernel, mm: Mm, addr: number, e: number): boolean {
  const p = mm.pmds.get(pmdIndexOf(addr))
  return (
    p !== undefined &&
    k.pmds.kind[p] === PMD_TABLE &&
    k.pmds.val[p] === Math.floor(e / HPAGE_PMD_NR)
  )
}

/**
 * @kernel mm/memory.c do_wp_page()
 * Write to a read-only PTE: reuse an exclusive anonymous folio (wp_can_reuse_anon_folio()),
 * otherwise copy 4 KB into a new folio (wp_page_copy(); from the zero page: a cleared one).
 */
function do_wp_page(k: Kernel, mm: Mm, vma: Vma, e: number, addr: number): FaultResult {
  const pt = k.ptes
  const fo = k.folios
  if (pt.kind[e] === PTE_PRESENT && wp_can_reuse_anon_folio(k, mm, pt.val[e])) {
    pt.flags[e] |= E_WRITE | E_DIRTY | E_YOUNG | E_SOFT_DIRTY
    k.cost('install', k.cpu.installEntryNs)
    k.faultType = 'wp-reuse-pte'
    return FAULT_DONE
  }
  const pfn = alloc_pages(k, 0, true)
  if (pfn < 0) return FAULT_OOM
  if (
    mm.exited ||
    !stillTable(k, mm, addr, e) ||
    (pt.kind[e] !== PTE_PRESENT && pt.kind[e] !== PTE_ZERO)
  ) {
    k.mem.free(pfn, 0)
    return FAULT_RETRY
  }
  const g = newOrder0Folio(k, pfn)
  if (pt.kind[e] === PTE_ZERO) {
    k.mem.pageTag.set(pfn, 0)
    k.cost('clear', k.cpu.clear4kNs)
  } else {
    const old = pt.val[e]
    k.mem.pageTag.set(pfn, k.mem.pageTag.get(fo.pfn[old] + pt.sub[e]))
    k.cost('copy', k.cpu.copy4kNs)
    folio_remove_rmap_ptes(k, old, 1)
    mm.anonRss--
    releaseIfDone(k, old)
  }
  mapPte(k, e, g, 0, E_WRITE | E_DIRTY | E_YOUNG | E_SOFT_DIRTY)
  folio_add_new_anon_rmap(k, g, vma, addr, false)
  mm.anonRss++
  k.cost('install', k.cpu.installEntryNs)
  k.flushTlb()
  k.faultType = 'cow-pte'
  return FAULT_DONE
}

/**
 * @kernel mm/memory.c wp_can_reuse_anon_folio()
 * An anon-exclusive page is reused at once. Otherwise a folio is reused if its swap-cache copy
 * can go too (folio_free_swap() fails while a swap entry elsewhere, e.g. a forked child's,
 * still refers to the slot: then the write must copy), and it is an order-0 folio mapped only
 * here, or a large one with more than one mapping, all of them this mm's, and no other
 * reference (__wp_can_reuse_large_anon_folio(): not mm-shared, large mapcount == refcount,
 * so no pin).
 */
function wp_can_reuse_anon_folio(k: Kernel, mm: Mm, f: number): boolean {
  const fo = k.folios
  if (fo.flags[f] & PG_ANON_EXCLUSIVE) return true
  const mapcount = fo.pteMapcount[f] + fo.pmdMapcount[f]
  if (fo.order[f] === 0) {
    if (mapcount !== 1) return false
  } else {
    if (mapcount <= 1 || fo.pmdMapcount[f] > 0 || k.pins.has(f)) return false
    if (
      rmap_walk_anon(k, f).some((m) => m.vma.mm !== mm && folioPtes(k, m.vma, m.addr, f).length)
    ) {
      return false
    }
  }
  if (fo.flags[f] & PG_SWAPCACHE) folio_free_swap(k, f)
  if (fo.flags[f] & PG_SWAPCACHE) return false
  fo.flags[f] |= PG_ANON_EXCLUSIVE
  return true
}

/** After a mapping went away: a large folio left partly mapped goes on the deferred split queue. */
function releaseIfDone(k: Kernel, f: number): void {
  const fo = k.folios
  if (fo.mapped(f)) {
    // Fewer mappings than pages: some page is surely mapped nowhere (the model keeps no per-page
    // mapcount, so a folio split between two mappers half and half is not caught).
    // deferred_split_folio() leaves a folio in the swap cache alone: reclaim already has it
    // (held against a 6.18 kernel: COW of a swapped THP after fork queues nothing).
    const partial = fo.pteMapcount[f] + fo.pmdMapcount[f] * fo.nrPages(f) < fo.nrPages(f)
    if (fo.order[f] > 0 && partial && !(fo.flags[f] & (PG_PARTIALLY_MAPPED | PG_SWAPCACHE))) {
      fo.flags[f] |= PG_PARTIALLY_MAPPED
      k.deferredSplit.add(f)
      k.vm.thp_deferred_split_page++
      k.mthpCount(fo.order[f], 'split_deferred')
    }
    return
  }
  free_swap_cache(k, f)
  folioPutIfUnused(k, f)
}

/**
 * @kernel mm/memory.c should_try_to_free_swap()
 * Drop the swap slot after swap-in when swap is more than half full (vm_swap_full()), on
 * synchronous devices (2026 mm tree), or when a write fault leaves the folio exclusively ours.
 * Otherwise the slot stays, so the clean folio can be reclaimed again without I/O.
 */
export function should_try_to_free_swap(
  k: Kernel,
  si: SwapInfo,
  f: number,
  exclusiveWrite: boolean,
): boolean {
  if (!(k.folios.flags[f] & PG_SWAPCACHE)) return false
  if (vm_swap_full(k) || (si.cost.synchronous && k.spec.kernel_base !== 'v6.18')) return true
  return exclusiveWrite
}

/** @kernel include/linux/swap.h vm_swap_full(): less than half of all swap is free. */
function vm_swap_full(k: Kernel): boolean {
  let total = 0
  let used = 0
  for (const si of k.swap) {
    if (!si.enabled) continue
    total += si.pages
    used += si.inuseSlots
  }
  return (total - used) * 2 < total
}

/**
 * @kernel mm/memory.c do_swap_page()
 * Swap cache hit: map the page — or, when every PTE of the folio-aligned range still holds the
 * matching consecutive entry, the whole large folio with PTEs (never a PMD: that needs the
 * series' do_huge_pmd_swap_page()). Miss: synchronous devices read one page; others go through
 * VMA readahead. pgmajfault when I/O was needed.
 */
export function do_swap_page(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  e: number,
  addr: number,
  write: boolean,
): FaultResult {
  const pt = k.ptes
  const fo = k.folios
  const si = k.swap[pt.swapType[e]]
  const off = pt.val[e]
  let f = swap_cache_get_folio(k, si, off)
  let major = false
  // v6.18's synchronous path skips the swap cache: the folio is never in it once mapped.
  let bypass = false
  if (f >= 0) {
    swap_update_readahead(k, vma, f, addr)
  } else {
    // v6.18: the synchronous path only for a slot with one user (__swap_count() == 1).
    const sync = si.cost.synchronous && (k.spec.kernel_base !== 'v6.18' || si.swapCount(off) === 1)
    f = sync ? swapinSync(k, vma, e, addr, si, off) : swapin_readahead(k, vma, addr, e)
    bypass = sync && k.spec.kernel_base === 'v6.18'
    if (f === -2) return FAULT_OOM
    major = true
    if (mm.exited || pt.kind[e] !== PTE_SWAP || pt.val[e] !== off || !stillTable(k, mm, addr, e)) {
      return FAULT_RETRY
    }
  }
  // Map the whole large folio if all its PTEs still hold its consecutive entries.
  const base = Math.floor(e / HPAGE_PMD_NR) * HPAGE_PMD_NR
  let first = e
  let nr = 1
  if (fo.order[f] > 0) {
    const n = fo.nrPages(f)
    const start = e - (off - fo.swapOffset[f])
    let all = start >= base && start + n <= base + HPAGE_PMD_NR
    for (let i = 0; all && i < n; i++) {
      const x = start + i
      all =
        pt.kind[x] === PTE_SWAP && pt.swapType[x] === si.type && pt.val[x] === fo.swapOffset[f] + i
    }
    if (all) {
      first = start
      nr = n
    } else if (fo.anonVma[f] < 0) {
      // Read ahead whole (MADV_WILLNEED of a swap PMD) but not mappable whole: it leaves the
      // swap cache and the fault retries for this page alone.
      drop_fresh_large_swapcache(k, f)
      return FAULT_RETRY
    }
  }
  const exclusive = (pt.flags[e] & E_SWP_EXCLUSIVE) !== 0
  const writable = exclusive && (vma.flags & VM_WRITE) !== 0 && !(pt.flags[e] & E_UFFD_WP)
  const fresh = fo.anonVma[f] < 0
  for (let i = 0; i < nr; i++) {
    const x = first + i
    const slot = pt.val[x]
    const keep = pt.flags[x] & (E_SOFT_DIRTY | E_UFFD_WP)
    mapPte(
      k,
      x,
      f,
      slot - fo.swapOffset[f],
      keep | E_YOUNG | (writable ? E_WRITE : 0) | (writable && write ? E_DIRTY : 0),
    )
    si.put(slot, 1)
  }
  if (fresh) {
    // A folio the swap-in path just read: order 0 (readahead and synchronous swap-in).
    folio_add_new_anon_rmap(k, f, vma, addr, false)
  } else {
    folio_add_anon_rmap_ptes(k, f, nr)
  }
  if (exclusive) fo.flags[f] |= PG_ANON_EXCLUSIVE
  else fo.flags[f] &= ~PG_ANON_EXCLUSIVE
  if (writable && write) fo.flags[f] |= PG_DIRTY
  mm.swapEnts -= nr
  mm.anonRss += nr
  k.cost('install', nr * k.cpu.installEntryNs)
  if (bypass || should_try_to_free_swap(k, si, f, write && exclusive)) folio_free_swap(k, f)
  if (major) k.vm.pgmajfault++
  const type = major ? 'swapin-io' : 'swapin-cache'
  k.faultType = type
  if (!write || writable) return FAULT_DONE
  // A write the entry could not take writable (shared after fork): do_wp_page() within the same
  // fault, one pgfault (held against a 6.18 kernel with hugeswap real: 512 faults, not 513).
  const r = do_wp_page(k, mm, vma, e, addr)
  k.faultType = type
  return r
}

/**
 * @kernel-series https://lkml.iu.edu/2604.3/03974.html do_swap_page()'s drop of a fresh large
 * swap-cache folio.
 * The series tree's do_swap_page(): a large folio that swap-in read ahead and that no mapping
 * has taken yet (!folio_test_anon()) cannot be mapped by only some of its PTEs, since
 * folio_add_new_anon_rmap() takes all of its pages. It leaves the swap cache (clean: the
 * device still has the data, and its slots keep their counts) and the caller reads the page
 * small. Also swapoff's unuse_pte().
 */
export function drop_fresh_large_swapcache(k: Kernel, f: number): void {
  swap_cache_del_folio(k, f)
  folioPutIfUnused(k, f)
}

/**
 * __collapse_huge_page_swapin(): khugepaged swaps a page in through do_swap_page() itself (a read
 * fault that no task took: it counts pgmajfault for I/O but no pgfault, and no fault latency).
 */
export function doSwapPageForCollapse(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  e: number,
  addr: number,
): FaultResult {
  const r = do_swap_page(k, mm, vma, e, addr, false)
  k.faultType = ''
  return r
}

/**
 * The SWP_SYNCHRONOUS_IO miss path: alloc_swap_folio() (order 0 here: mTHP swap-in needs
 * hugepages-<size>kB enabled) and a synchronous read. Returns the folio, or -2 on OOM.
 */
function swapinSync(
  k: Kernel,
  vma: Vma,
  e: number,
  addr: number,
  si: SwapInfo,
  off: number,
): number {
  const large = alloc_swap_folio(k, vma, e, addr, si)
  if (large >= 0) return large
  const pfn = alloc_pages(k, 0, true)
  if (pfn < 0) return -2
  const f = newOrder0Folio(k, pfn)
  k.folios.flags[f] = 0
  swap_cache_add_folio(k, f, si, off)
  swap_read_folio(k, f, off, si.type)
  return f
}

/**
 * @kernel mm/memory.c alloc_swap_folio() (SWP_SYNCHRONOUS_IO): an mTHP below PMD order when the
 * aligned run of PTEs holds contiguous, naturally aligned swap entries of one device, none of
 * them cached, all zero or none zero, and zswap was never enabled (can_swapin_thp()). Reads it
 * whole. Returns the folio, or -1 for order 0.
 */
function alloc_swap_folio(k: Kernel, vma: Vma, e: number, addr: number, si: SwapInfo): number {
  if (k.zswapEverEnabled) return -1
  const pt = k.ptes
  for (let order = HPAGE_PMD_ORDER - 1; order >= 2; order--) {
    if (!thpOrderEnabled(k, vma, order)) continue
    const n = 1 << order
    const start = addr - (addr % (n * PAGE_SIZE))
    if (start < vma.start || start + n * PAGE_SIZE > vma.end) continue
    const first = e - (addr - start) / PAGE_SIZE
    const off0 = pt.val[first]
    if (pt.kind[first] !== PTE_SWAP || off0 % n !== 0) continue
    let ok = true
    const zero = si.slotFlagsOf(off0) & SLOT_ZERO
    for (let i = 0; i < n && ok; i++) {
      const x = first + i
      ok =
        pt.kind[x] === PTE_SWAP &&
        pt.swapType[x] === si.type &&
        pt.val[x] === off0 + i &&
        si.cacheOf(off0 + i) < 0 &&
        (si.slotFlagsOf(off0 + i) & SLOT_ZERO) === zero
    }
    if (!ok) continue
    const pfn = alloc_pages(k, order, false)
    if (pfn < 0) {
      k.mthpCount(order, 'swpin_fallback')
      continue
    }
    const f = k.folios.alloc()
    k.folios.order[f] = order
    k.folios.pfn[f] = pfn
    swap_cache_add_folio(k, f, si, off0)
    swap_read_folio(k, f, off0, si.type)
    return f
  }
  return -1
}

/**
 * @kernel mm/memory.c zap_pte_range() for one PTE table, entries [from, to) of 512.
 * Returns entries visited.
 */
export function zap_pte_range(k: Kernel, mm: Mm, table: number, from: number, to: number): number {
  const pt = k.ptes
  const base = table * HPAGE_PMD_NR
  for (let i = from; i < to; i++) {
    const e = base + i
    const kind = pt.kind[e]
    if (kind === PTE_PRESENT) {
      const f = pt.val[e]
      folio_remove_rmap_ptes(k, f, 1)
      mm.anonRss--
      pt.kind[e] = PTE_NONE
      releaseIfDone(k, f)
      // tlb_remove_tlb_entry(): the gather owes a flush (tlb_finish_mmu()).
      k.tlbBatchPending = true
    } else if (kind === PTE_SWAP) {
      mm.swapEnts--
      pt.kind[e] = PTE_NONE
      free_swap_and_cache(k, k.swap[pt.swapType[e]], pt.val[e], 1)
    } else {
      if (kind !== PTE_NONE) k.tlbBatchPending = true
      pt.kind[e] = PTE_NONE
    }
  }
  k.cost('install', (to - from) * k.cpu.installEntryNs)
  return to - from
}

export function tableEmpty(k: Kernel, table: number): boolean {
  const base = table * HPAGE_PMD_NR
  const kinds = k.ptes.kind
  for (let i = base; i < base + HPAGE_PMD_NR; i++) if (kinds[i] !== PTE_NONE) return false
  return true
}

/**
 * @kernel mm/memory.c copy_present_page(): a new order-0 page for the child with the content of
 * the parent's page at row `s`, mapped writable and dirty at row `d`. False on -ENOMEM.
 */
function copy_present_page(k: Kernel, dst: Mm, s: number, d: number, addr: number): boolean {
  const pt = k.ptes
  const fo = k.folios
  const pfn = alloc_pages(k, 0, true)
  if (pfn < 0) return false
  const g = newOrder0Folio(k, pfn)
  const f = pt.val[s]
  k.mem.pageTag.set(pfn, k.mem.pageTag.get(fo.pfn[f] + pt.sub[s]))
  k.cost('copy', k.cpu.copy4kNs)
  const vma = find_vma(dst, addr)!
  mapPte(k, d, g, 0, (vma.flags & VM_WRITE ? E_WRITE : 0) | E_DIRTY | E_SOFT_DIRTY | E_YOUNG)
  folio_add_new_anon_rmap(k, g, vma, addr, false)
  dst.anonRss++
  return true
}

/**
 * @kernel mm/memory.c copy_pte_range() / copy_present_ptes() / copy_nonpresent_pte()
 * Copies one PTE table into the child: present anon pages are shared write-protected (and lose
 * anon-exclusive), swap entries get one more reference, the parent's swap entries lose their
 * exclusive bit. Returns false on -ENOMEM.
 */
export function copy_pte_range(k: Kernel, dst: Mm, src: Mm, pmdIdx: number): boolean {
  const t = pte_alloc_one(k, dst)
  if (t < 0) return false
  const sp = src.pmds.get(pmdIdx)!
  const dp = pmdRow(k, dst, pmdIdx)
  k.pmds.kind[dp] = PMD_TABLE
  k.pmds.val[dp] = t
  const pt = k.ptes
  const fo = k.folios
  const sb = k.pmds.val[sp] * HPAGE_PMD_NR
  const db = t * HPAGE_PMD_NR
  for (let i = 0; i < HPAGE_PMD_NR; i++) {
    const s = sb + i
    const d = db + i
    const kind = pt.kind[s]
    if (kind === PTE_NONE) continue
    if (kind === PTE_PRESENT && k.pins.has(pt.val[s]) && fo.flags[pt.val[s]] & PG_ANON_EXCLUSIVE) {
      // folio_try_dup_anon_rmap_ptes() refuses a maybe-DMA-pinned exclusive page: the child
      // gets a copy of its own (copy_present_page()) and the parent keeps it writable.
      if (!copy_present_page(k, dst, s, d, pmdIdx * PMD_SIZE + i * PAGE_SIZE)) return false
      continue
    }
    pt.kind[d] = kind
    pt.val[d] = pt.val[s]
    pt.sub[d] = pt.sub[s]
    pt.swapType[d] = pt.swapType[s]
    if (kind === PTE_PRESENT) {
      const f = pt.val[s]
      fo.flags[f] &= ~PG_ANON_EXCLUSIVE
      folio_add_anon_rmap_ptes(k, f, 1)
      pt.flags[s] &= ~E_WRITE
      dst.anonRss++
    } else if (kind === PTE_SWAP) {
      k.swap[pt.swapType[s]].dup(pt.val[s], 1)
      pt.flags[s] &= ~E_SWP_EXCLUSIVE
      dst.swapEnts++
    }
    // The child's VMA has no userfaultfd (dup_userfaultfd()): pte_clear_uffd_wp(); a present
    // PTE is old in the child (__copy_present_ptes(): pte_mkold()).
    pt.flags[d] = pt.flags[s] & ~(E_SOFT_DIRTY | E_UFFD_WP | E_YOUNG)
  }
  k.cost('install', HPAGE_PMD_NR * k.cpu.installEntryNs)
  return true
}
