/**
 * Anonymous reclaim (mm/vmscan.c), classic two-list LRU (the host's 6.18 and Debian's 6.1 both
 * run without MGLRU): the inactive and active anon lists of the lruvec, aged by
 * shrink_active_list() and reclaimed from by shrink_inactive_list() -> shrink_folio_list() with
 * folio_check_references(), folio_alloc_swap() and its split fallback, try_to_unmap(), pageout,
 * and freeing clean swap-cache folios. Each pass scans lru_size >> priority pages
 * (get_scan_count()), from DEF_PRIORITY down to 0 (do_try_to_free_pages()).
 * Entry points: MADV_PAGEOUT (reclaim_pages()), direct reclaim (try_to_free_pages()), kswapd
 * (balance_pgdat()) and memory.reclaim (try_to_free_mem_cgroup_pages()).
 */
import type { FallbackReason, Kernel } from '../kernel'
import { E_YOUNG, PMD_HUGE } from '../include/pgtable'
import { DEF_PRIORITY, LRU_ACTIVE_ANON, LRU_INACTIVE_ANON, type Lruvec } from '../include/mmzone'
import type { MemCgroup } from './memcontrol'
import { zramPoolShrink } from './zram'
import { HPAGE_PMD_NR, PAGE_SIZE, PMD_SIZE } from '../include/units'
import { shrink_huge_zero_folio, split_folio } from './huge_memory'
import {
  PG_ACTIVE,
  PG_DIRTY,
  PG_LAZYFREE,
  PG_LRU,
  PG_PARTIALLY_MAPPED,
  PG_REFERENCED,
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
  let visited = 0
  for (const { vma, addr } of rmap_walk_anon(k, f)) {
    const p = addr >= vma.start ? vma.mm.pmds.get(Math.floor(addr / PMD_SIZE)) : undefined
    const pm = k.pmds
    if (p !== undefined && pm.kind[p] === PMD_HUGE && pm.val[p] === f) {
      visited++
      if (pm.flags[p] & E_YOUNG) referenced++
      pm.flags[p] &= ~E_YOUNG
    } else {
      const pt = k.ptes
      for (const [e] of folioPtes(k, vma, addr, f)) {
        visited++
        if (pt.flags[e] & E_YOUNG) referenced++
        pt.flags[e] &= ~E_YOUNG
      }
    }
  }
  // The rmap walk's time, entry by entry (reclaim's share of a fault's 'unmap' component).
  k.cost('unmap', visited * k.cpu.walkEntryNs)
  return referenced
}

const FOLIOREF_RECLAIM = 0
const FOLIOREF_KEEP = 1
const FOLIOREF_ACTIVATE = 2

/**
 * @kernel mm/vmscan.c folio_check_references(): every mapped folio starts with the reference of
 * the fault that made it, so a folio is activated only when it was referenced on two looks
 * (PG_referenced from the last one) or through more than one mapping; referenced once, it stays
 * inactive with PG_referenced set; not referenced, it is reclaimed.
 */
function folio_check_references(k: Kernel, f: number): number {
  const fo = k.folios
  const referencedPtes = fo.mapped(f) ? folio_referenced(k, f) : 0
  const referencedFolio = (fo.flags[f] & PG_REFERENCED) !== 0
  fo.flags[f] &= ~PG_REFERENCED
  if (referencedPtes > 0) {
    fo.flags[f] |= PG_REFERENCED
    if (referencedFolio || referencedPtes > 1) return FOLIOREF_ACTIVATE
    return FOLIOREF_KEEP
  }
  return FOLIOREF_RECLAIM
}

/**
 * Who reclaims. kswapd and direct reclaim count PGSCAN_KSWAPD / PGSCAN_DIRECT (+
 * reclaimer_offset()); a cgroup's reclaim (memory.reclaim, a memcg over its limit) counts those
 * only in the cgroup's memory.stat (`if (!cgroup_reclaim(sc))`), so globally just pgscan_anon
 * and pgsteal_anon move.
 */
export type Reclaimer = 'kswapd' | 'direct' | 'cgroup'

/** @kernel mm/vmscan.c struct scan_control, the part the model uses. */
export interface ScanControl {
  reclaimer: Reclaimer
  /** sc->target_mem_cgroup: a cgroup's reclaim takes only its lruvec; global reclaim, all. */
  targetMemcg: MemCgroup | null
  nrToReclaim: number
  nrReclaimed: number
  /** Pages isolated from the inactive list, this priority pass. */
  nrScanned: number
  priority: number
  /** sc->may_deactivate & DEACTIVATE_ANON */
  mayDeactivate: boolean
  forceDeactivate: boolean
  skippedDeactivate: boolean
  /** Pages met under writeback and marked for reclaim (stat->nr_writeback). */
  nrWriteback: number
  /**
   * Pages this reclaim sent to an asynchronous device. They are freed once written (rotated to
   * the inactive tail, then taken by the next pass), so they count toward nr_to_reclaim: the
   * model's device completes later, relative to its CPU, than a kernel's often does, and
   * without this reclaim would write out far more than it was asked to free.
   */
  nrWritebackStarted: number
}

export function newScanControl(reclaimer: Reclaimer, nrToReclaim: number): ScanControl {
  return {
    reclaimer,
    targetMemcg: null,
    nrToReclaim,
    nrReclaimed: 0,
    nrScanned: 0,
    priority: DEF_PRIORITY,
    mayDeactivate: false,
    forceDeactivate: false,
    skippedDeactivate: false,
    nrWriteback: 0,
    nrWritebackStarted: 0,
  }
}

/**
 * @kernel mm/vmscan.c shrink_folio_list()
 * Takes isolated folios; returns the pages freed. Folios that stay are returned in `keep` for
 * the caller to put back on the LRU: referenced ones and those met under writeback or failing
 * to unmap go back active (activate_locked, pgactivate). `sc` is null for MADV_PAGEOUT, which
 * ignores references.
 */
export function shrink_folio_list(
  k: Kernel,
  list: number[],
  sc: ScanControl | null,
  keep: number[],
): number {
  const fo = k.folios
  const wasInReclaim = k.inReclaim
  k.inReclaim = true
  let reclaimed = 0
  let activated = 0
  const activate = (f: number): void => {
    fo.flags[f] |= PG_ACTIVE
    activated += fo.nrPages(f)
    keep.push(f)
  }
  try {
    for (let i = 0; i < list.length; i++) {
      const f = list[i]
      if (fo.pfn[f] < 0) continue
      const nr = fo.nrPages(f)
      // Under writeback: marked for reclaim (PG_reclaim; folio_end_writeback() rotates it to the
      // inactive tail) and activated meanwhile.
      if (fo.flags[f] & PG_WRITEBACK) {
        if (sc) sc.nrWriteback += nr
        activate(f)
        continue
      }
      // Maybe DMA-pinned (folio_maybe_dma_pinned()): try_to_unmap() would fail.
      if (k.pins.has(f)) {
        activate(f)
        continue
      }
      if (sc) {
        const ref = folio_check_references(k, f)
        if (ref === FOLIOREF_ACTIVATE) {
          activate(f)
          continue
        }
        if (ref === FOLIOREF_KEEP) {
          keep.push(f)
          continue
        }
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
            activate(f)
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
        activate(f)
        continue
      }
      if (lazyfree) {
        // Discarded without I/O (MADV_FREE), unless it was written again meanwhile.
        if (!(fo.flags[f] & PG_LAZYFREE) || fo.mapped(f)) {
          activate(f)
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
  k.vm.pgactivate += activated
  return reclaimed
}

/** @kernel mm/vmscan.c move_folios_to_lru(): back to the head of the list PG_active names. */
function move_folios_to_lru(k: Kernel, keep: number[]): void {
  for (const f of keep) {
    if (k.folios.pfn[f] >= 0 && !(k.folios.flags[f] & PG_LRU)) k.lruAdd(f)
  }
}

/** @kernel mm/vmscan.c reclaim_pages(): MADV_PAGEOUT's isolated list, references ignored. */
export function reclaim_pages(k: Kernel, list: number[]): number {
  for (const f of list) k.lruDel(f)
  const keep: number[] = []
  const n = shrink_folio_list(k, list, null, keep)
  move_folios_to_lru(k, keep)
  return n
}

/**
 * @kernel mm/vmscan.c isolate_lru_folios(): from the tail of `lru`, until `nrToScan` pages are
 * taken (a THP counts its 512). Returns the folios and the pages scanned.
 */
function isolate_lru_folios(
  k: Kernel,
  lruvec: Lruvec,
  nrToScan: number,
  lru: number,
): [number[], number] {
  const list: number[] = []
  let scanned = 0
  while (scanned < nrToScan && lruvec.tails[lru] >= 0) {
    const f = lruvec.tails[lru]
    k.lruDel(f)
    list.push(f)
    scanned += k.folios.nrPages(f)
  }
  return [list, scanned]
}

/**
 * @kernel mm/vmscan.c shrink_inactive_list(): one batch. Counts PGSCAN_<reclaimer> (not for a
 * cgroup's reclaim) and PGSCAN_ANON for the pages isolated, PGSTEAL_<reclaimer> and PGSTEAL_ANON
 * for those freed.
 * reclaim_pages() (MADV_PAGEOUT) counts neither: reclaim_folio_list() calls shrink_folio_list()
 * directly (checked against a 6.18 kernel with hugeswap real: pgscan_anon stays put across
 * MADV_PAGEOUT).
 */
function shrink_inactive_list(k: Kernel, cg: MemCgroup, nrToScan: number, sc: ScanControl): number {
  const [list, scanned] = isolate_lru_folios(k, cg.lruvec, nrToScan, LRU_INACTIVE_ANON)
  if (!list.length) return 0
  sc.nrScanned += scanned
  if (sc.reclaimer !== 'cgroup') k.vm[`pgscan_${sc.reclaimer}`] += scanned
  k.vm.pgscan_anon += scanned
  cg.stat.pgscan += scanned
  const keep: number[] = []
  const freed = shrink_folio_list(k, list, sc, keep)
  move_folios_to_lru(k, keep)
  if (sc.reclaimer !== 'cgroup') k.vm[`pgsteal_${sc.reclaimer}`] += freed
  k.vm.pgsteal_anon += freed
  cg.stat.pgsteal += freed
  return freed
}

/**
 * @kernel mm/vmscan.c shrink_active_list(): ages `nrToScan` pages from the active tail. Every
 * anonymous folio is deactivated whether referenced or not (only executable file folios stay
 * active); its young bits are cleared on the way, so a second reference is needed to earn it
 * activation again. Counts pgrefill and pgdeactivate.
 */
function shrink_active_list(k: Kernel, lruvec: Lruvec, nrToScan: number): void {
  const [list, scanned] = isolate_lru_folios(k, lruvec, nrToScan, LRU_ACTIVE_ANON)
  k.vm.pgrefill += scanned
  const fo = k.folios
  let deactivated = 0
  for (const f of list) {
    if (fo.mapped(f)) folio_referenced(k, f)
    fo.flags[f] &= ~PG_ACTIVE
    deactivated += fo.nrPages(f)
    k.lruAdd(f)
  }
  k.vm.pgdeactivate += deactivated
}

/**
 * @kernel mm/vmscan.c inactive_is_low(): the inactive list is too small when inactive *
 * inactive_ratio < active, where the ratio is sqrt(10 * GB of the lists), 1 under 1 GB.
 */
function inactive_is_low(inactive: number, active: number): boolean {
  const gb = Math.floor((inactive + active) / 262144)
  const ratio = gb ? Math.floor(Math.sqrt(10 * gb)) : 1
  return inactive * ratio < active
}

/** @kernel mm/swapfile.c get_nr_swap_pages(): free slots on the devices that are on. */
export function get_nr_swap_pages(k: Kernel): number {
  let n = 0
  for (const si of k.swap) if (si.enabled) n += si.pages - si.inuseSlots
  return n
}

/**
 * @kernel mm/vmscan.c shrink_lruvec() with get_scan_count(): scans lru_size >> priority pages of
 * each anon list, SWAP_CLUSTER_MAX at a time, inactive first; stops once nr_to_reclaim pages are
 * freed (except global direct reclaim at DEF_PRIORITY, which scans proportionally); then ages
 * the active list if the inactive one is low. Without swap space only MADV_FREE'd folios can go.
 */
function shrink_lruvec(k: Kernel, cg: MemCgroup, sc: ScanControl): void {
  const lruvec = cg.lruvec
  const nr = [
    lruvec.pages[LRU_INACTIVE_ANON] >> sc.priority,
    lruvec.pages[LRU_ACTIVE_ANON] >> sc.priority,
  ]
  const proportional = sc.reclaimer === 'direct' && sc.priority === DEF_PRIORITY
  let reclaimed = 0
  const started = k.writebackPagesStarted
  while (nr[LRU_INACTIVE_ANON] > 0) {
    for (const lru of [LRU_INACTIVE_ANON, LRU_ACTIVE_ANON]) {
      if (!nr[lru]) continue
      const n = Math.min(nr[lru], SWAP_CLUSTER_MAX)
      nr[lru] -= n
      if (lru === LRU_INACTIVE_ANON) reclaimed += shrink_inactive_list(k, cg, n, sc)
      else if (sc.mayDeactivate) shrink_active_list(k, lruvec, n)
      else sc.skippedDeactivate = true
    }
    const progress = reclaimed + sc.nrWritebackStarted
    if (progress + (k.writebackPagesStarted - started) < sc.nrToReclaim || proportional) continue
    break
  }
  sc.nrWritebackStarted += k.writebackPagesStarted - started
  sc.nrReclaimed += reclaimed
  if (inactive_is_low(lruvec.pages[LRU_INACTIVE_ANON], lruvec.pages[LRU_ACTIVE_ANON])) {
    shrink_active_list(k, lruvec, SWAP_CLUSTER_MAX)
  }
}

/**
 * @kernel mm/vmscan.c shrink_node() -> shrink_node_memcgs(): decides whether the active lists may
 * be aged this pass (sc->may_deactivate: the target's inactive list is low; workingset refaults
 * are not modelled), shrinks the lruvec of every memcg under the target (all of them for global
 * reclaim), then runs the shrinkers (shrink_slab(): the deferred split queue and the huge zero
 * folio).
 */
function shrink_node(k: Kernel, sc: ScanControl): void {
  const target = sc.targetMemcg
  const [inactive, active] = target
    ? [target.lruvec.pages[LRU_INACTIVE_ANON], target.lruvec.pages[LRU_ACTIVE_ANON]]
    : k.lruPagesTotal()
  sc.mayDeactivate = sc.forceDeactivate || inactive_is_low(inactive, active)
  const before = sc.nrReclaimed
  for (const cg of target ? [target] : k.memcgs) shrink_lruvec(k, cg, sc)
  sc.nrReclaimed += deferred_split_scan(k) + shrink_huge_zero_folio(k)
  // Any reclaim that frees something makes the node worth kswapd's effort again.
  if (sc.nrReclaimed > before) k.kswapd.failures = 0
}

/**
 * @kernel mm/vmscan.c do_try_to_free_pages(): shrink_node() at falling priority until
 * nr_to_reclaim pages are freed; if nothing was and the active list was never aged, once more
 * with deactivation forced.
 */
function do_try_to_free_pages(k: Kernel, sc: ScanControl): number {
  const wasInReclaim = k.inReclaim
  k.inReclaim = true
  try {
    for (;;) {
      do {
        sc.nrScanned = 0
        shrink_node(k, sc)
        if (sc.nrReclaimed + sc.nrWritebackStarted >= sc.nrToReclaim) break
      } while (--sc.priority >= 0)
      if (sc.nrReclaimed || !sc.skippedDeactivate || sc.forceDeactivate) break
      sc.priority = DEF_PRIORITY
      sc.forceDeactivate = true
      sc.skippedDeactivate = false
    }
  } finally {
    k.inReclaim = wasInReclaim
  }
  return sc.nrReclaimed
}

/**
 * @kernel mm/vmscan.c try_to_free_pages(): direct reclaim for an allocation of `order`, counted
 * as allocstall_<zone> (`movable` for user pages, `normal` for the kernel's own, page tables).
 * Returns pages freed. Compaction is not modelled: a PMD-order allocation asks reclaim for a
 * whole pageblock's worth instead of SWAP_CLUSTER_MAX and compaction_ready().
 */
export function try_to_free_pages(k: Kernel, order: number, movable: boolean): number {
  if (k.inReclaim) return 0
  if (movable) k.vm.allocstall_movable++
  else k.vm.allocstall_normal++
  const sc = newScanControl('direct', Math.max(SWAP_CLUSTER_MAX, 1 << order))
  const freed = do_try_to_free_pages(k, sc)
  zramPoolShrink(k)
  return freed
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
 * @kernel mm/vmscan.c try_to_free_mem_cgroup_pages(): one reclaim of at least SWAP_CLUSTER_MAX
 * pages from a cgroup's lruvec (the root's reclaim covers every cgroup's); returns pages freed.
 */
export function try_to_free_mem_cgroup_pages(k: Kernel, memcg: MemCgroup, nrPages: number): number {
  if (k.inReclaim) return 0
  const sc = newScanControl('cgroup', Math.max(nrPages, SWAP_CLUSTER_MAX))
  if (memcg.id !== 0) sc.targetMemcg = memcg
  return do_try_to_free_pages(k, sc)
}

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

/**
 * @kernel mm/memcontrol.c memory_reclaim() -> try_to_free_mem_cgroup_pages(): a cgroup's reclaim
 * until `bytes` are freed, in rounds of a quarter of what is left (at least SWAP_CLUSTER_MAX),
 * giving up after MAX_RECLAIM_RETRIES rounds that freed nothing. A round that freed nothing
 * waits for writeback in flight (the model's stand-in for reclaim_throttle() in shrink_node()),
 * so clean swap-cache folios left by an earlier asynchronous swap-out are freed next round.
 * Returns bytes reclaimed.
 */
export function memory_reclaim(k: Kernel, bytes: number, memcg: MemCgroup = k.memcgs[0]): number {
  const target = Math.ceil(bytes / PAGE_SIZE)
  let reclaimed = 0
  let retries = MAX_RECLAIM_RETRIES
  while (reclaimed < target) {
    const batch = Math.floor((target - reclaimed) / 4)
    const n = try_to_free_mem_cgroup_pages(k, memcg, batch)
    if (!n) {
      if (!retries--) break
      reclaim_throttle(k)
    }
    reclaimed += n
  }
  return reclaimed * PAGE_SIZE
}

// ---- kswapd ----------------------------------------------------------------------------------

/** @kernel mm/vmscan.c kswapd(), struct pglist_data's kswapd_* fields. */
export interface KswapdState {
  /** Woken and not yet back asleep. */
  awake: boolean
  /** A run fell due while the kernel was inside an operation: it runs at the next safe point. */
  deferred: boolean
  /** balance_pgdat()'s priority and progress this round. */
  priority: number
  reclaimed: number
  /** pgdat->kswapd_failures: rounds that freed nothing; at MAX_RECLAIM_RETRIES it gives up. */
  failures: number
}

export function newKswapdState(): KswapdState {
  return { awake: false, deferred: false, priority: DEF_PRIORITY, reclaimed: 0, failures: 0 }
}

/**
 * @kernel mm/page_alloc.c __setup_per_zone_wmarks(): the low and high watermarks sit
 * max(min / 4, managed * watermark_scale_factor / 10000) and twice that above min. In pages.
 */
export function wmark_pages(k: Kernel): { min: number; low: number; high: number } {
  const min = Math.floor(k.spec.vm.min_free_kbytes / 4)
  const step = Math.max(
    min >> 2,
    Math.floor((k.mem.totalPages * k.spec.vm.watermark_scale_factor) / 10000),
  )
  return { min, low: min + step, high: min + 2 * step }
}

/** @kernel mm/vmscan.c pgdat_balanced(): free pages at or above the high watermark. */
function pgdat_balanced(k: Kernel): boolean {
  return k.mem.nrFree >= wmark_pages(k).high
}

/**
 * @kernel mm/vmscan.c wakeup_kswapd(): an allocation fell below the low watermark. kswapd runs
 * on its own CPU from now on, one priority pass per turn on the clock, until the node is
 * balanced; a node where it failed MAX_RECLAIM_RETRIES times is left to direct reclaim.
 */
export function wakeup_kswapd(k: Kernel): void {
  const st = k.kswapd
  if (st.awake || st.failures >= MAX_RECLAIM_RETRIES || pgdat_balanced(k)) return
  st.awake = true
  st.priority = DEF_PRIORITY
  st.reclaimed = 0
  k.vm.pageoutrun++
  k.events.schedule(k.events.nowNs + k.pendingNs, () => kswapdRun(k))
}

/**
 * One turn of kswapd: balance_pgdat()'s loop body, kswapd_shrink_node() at the current priority
 * with nr_to_reclaim = the high watermark. Its work takes time on kswapd's CPU: the next turn is
 * that much later, or, when it found only folios under writeback, once writeback completes
 * (VMSCAN_THROTTLE_WRITEBACK). Runs only at a safe point (between whole operations and faults).
 */
function kswapdRun(k: Kernel): void {
  const st = k.kswapd
  if (!st.awake) return
  if (!k.atSafePoint) {
    st.deferred = true
    return
  }
  if (pgdat_balanced(k)) {
    kswapd_try_to_sleep(k)
    return
  }
  // kswapd's time is its own: set the operation in progress aside.
  const savedNs = k.pendingNs
  const savedParts = Float64Array.from(k.pendingParts)
  const savedCharge = k.chargeTo
  k.chargeTo = 0
  k.resetPending()
  const sc = newScanControl('kswapd', Math.max(wmark_pages(k).high, SWAP_CLUSTER_MAX))
  sc.priority = st.priority
  const wasInReclaim = k.inReclaim
  k.inReclaim = true
  try {
    shrink_node(k, sc)
  } finally {
    k.inReclaim = wasInReclaim
  }
  zramPoolShrink(k)
  const workNs = k.pendingNs
  k.chargeTo = savedCharge
  k.pendingNs = savedNs
  k.pendingParts.set(savedParts)
  st.reclaimed += sc.nrReclaimed
  // raise_priority: kswapd_shrink_node() scanned less than it was asked to, or freed nothing.
  if (sc.nrScanned < sc.nrToReclaim || !sc.nrReclaimed) st.priority--
  if (st.priority < 1) {
    // The end of a balance_pgdat() round.
    if (!st.reclaimed) st.failures++
    if (st.failures >= MAX_RECLAIM_RETRIES) {
      st.awake = false
      return
    }
    st.priority = DEF_PRIORITY
    st.reclaimed = 0
    k.vm.pageoutrun++
  }
  if (pgdat_balanced(k)) {
    kswapd_try_to_sleep(k)
    return
  }
  let next = k.events.nowNs + Math.max(workNs, KSWAPD_MIN_TURN_NS)
  if (!sc.nrReclaimed && sc.nrWriteback && k.nrWriteback) {
    next = Math.max(next, Math.min(k.writebackDoneNs, k.events.nowNs + RECLAIM_THROTTLE_NS))
  }
  k.events.schedule(next, () => kswapdRun(k))
}

/** A turn of kswapd that found nothing to do still moves the clock (no zero-time loops). */
const KSWAPD_MIN_TURN_NS = 1_000

/** @kernel mm/vmscan.c kswapd_try_to_sleep(): balanced; kswapd sleeps and forgets its failures. */
function kswapd_try_to_sleep(k: Kernel): void {
  k.kswapd.awake = false
  k.kswapd.failures = 0
}

/**
 * Called at each safe point before the clock moves: a kswapd turn that fell due inside an
 * operation runs now.
 */
export function kswapdCatchUp(k: Kernel): void {
  if (!k.kswapd.deferred) return
  k.kswapd.deferred = false
  k.events.schedule(k.events.nowNs, () => kswapdRun(k))
}

/** @kernel include/linux/swap.h SWAP_CLUSTER_MAX */
export const SWAP_CLUSTER_MAX = 32
/** @kernel mm/internal.h MAX_RECLAIM_RETRIES */
export const MAX_RECLAIM_RETRIES = 16
