/**
 * khugepaged and MADV_COLLAPSE (mm/khugepaged.c). A scan pass walks registered mms PMD range by
 * PMD range, `pages_to_scan` pages at a time (each range costs HPAGE_PMD_NR), classifies each with
 * hpage_collapse_scan_pmd() and its named scan_result, and collapses what qualifies:
 * swap in the swap PTEs (at most max_ptes_swap), allocate a THP (thp_collapse_alloc[_failed]),
 * copy, and install a PMD. With eager deposit the old PTE table is deposited under the new PMD;
 * with lazy deposit it is freed. A swap PMD (series) is left alone: there is nothing to collapse.
 */
import type { Kernel } from '../kernel'
import {
  E_DIRTY,
  E_SOFT_DIRTY,
  E_UFFD_WP,
  E_WRITE,
  E_YOUNG,
  PMD_HUGE,
  PMD_HUGE_ZERO,
  PMD_NONE,
  PMD_TABLE,
  PTE_NONE,
  PTE_PRESENT,
  PTE_SWAP,
  PTE_ZERO,
} from '../include/pgtable'
import { HPAGE_PMD_NR, HPAGE_PMD_ORDER, PAGE_SIZE, PMD_SIZE } from '../include/units'
import { FAULT_DONE, pmdIndexOf, thp_vma_allowable_order } from './huge_memory'
import { doSwapPageForCollapse } from './memory'
import {
  PG_ANON_EXCLUSIVE,
  PG_REFERENCED,
  PG_UPTODATE,
  VM_WRITE,
  type Mm,
  type Vma,
} from './mm_types'
import { alloc_pages } from './page_alloc'
import { pgtable_trans_huge_deposit, pte_free } from './pgtable_generic'
import { folio_add_new_anon_rmap, folio_remove_rmap_ptes } from './rmap'
import { folioPutIfUnused } from './swap'
import { free_swap_cache } from './swap_state'

import type { ScanResult } from '../result'

export { SCAN_RESULT_LABELS, type ScanResult } from '../result'

/** Per-machine khugepaged state: the mm slots, the scan cursor and the sysfs statistics. */
export interface KhugepagedState {
  /** pids in registration order (khugepaged_scan.mm_head). */
  mmSlots: number[]
  cursorMm: number
  cursorAddr: number
  pages_collapsed: number
  full_scans: number
  results: Partial<Record<ScanResult, number>>
  nextWakeNs: number
  /** The last pass stopped on a failed THP allocation: sleep alloc_sleep_millisecs next. */
  allocBackoff: boolean
}

export function newKhugepagedState(sleepMs: number): KhugepagedState {
  return {
    mmSlots: [],
    cursorMm: 0,
    cursorAddr: 0,
    pages_collapsed: 0,
    full_scans: 0,
    results: {},
    nextWakeNs: sleepMs * 1e6,
    allocBackoff: false,
  }
}

/** @kernel mm/khugepaged.c __khugepaged_enter(): an mm with an eligible VMA joins the scan list. */
export function khugepaged_enter(k: Kernel, mm: Mm): void {
  if (!k.khugepaged.mmSlots.includes(mm.pid)) k.khugepaged.mmSlots.push(mm.pid)
}

/**
 * khugepaged_enter_vma() for every VMA of `mm` (after mmap, madvise, fork): the mm joins the scan
 * list when one of its VMAs may hold a THP somewhere (a whole PMD-aligned 2 MB inside it).
 */
export function khugepagedEnterMm(k: Kernel, mm: Mm): void {
  if (mm.vmas.some((v) => thpAllowedSomewhere(k, v))) khugepaged_enter(k, mm)
}

function thpAllowedSomewhere(k: Kernel, v: Vma): boolean {
  const first = Math.ceil(v.start / PMD_SIZE) * PMD_SIZE
  return first + PMD_SIZE <= v.end && thp_vma_allowable_order(k, v, first)
}

/**
 * The khugepaged kthread as the clock moves to `targetNs` (mm/khugepaged.c khugepaged() ->
 * khugepaged_do_scan(), then khugepaged_wait_work()): it wakes every scan_sleep_millisecs while
 * the scan list holds an mm, and sleeps alloc_sleep_millisecs after a failed THP allocation.
 * It runs on its own CPU: its work does not add to the scenario's time. Asleep with nothing to
 * scan, the ticks that fall inside the advance are skipped.
 */
export function khugepagedRunUntil(k: Kernel, targetNs: number): void {
  const st = k.khugepaged
  const periodNs = Math.max(1, k.spec.thp.khugepaged.scan_sleep_millisecs) * 1e6
  while (st.nextWakeNs <= targetNs) {
    if (st.mmSlots.length === 0) {
      st.nextWakeNs += (Math.floor((targetNs - st.nextWakeNs) / periodNs) + 1) * periodNs
      break
    }
    k.events.runUntil(st.nextWakeNs)
    st.nextWakeNs += periodNs
    khugepaged_do_scan(k)
    k.resetPending()
    if (st.allocBackoff) {
      st.allocBackoff = false
      st.nextWakeNs = k.events.nowNs + k.spec.thp.khugepaged.alloc_sleep_millisecs * 1e6
    }
  }
  k.events.runUntil(targetNs)
}

/**
 * @kernel mm/khugepaged.c khugepaged_do_scan() -> khugepaged_scan_mm_slot()
 * One wake-up: scans up to pages_to_scan pages from the cursor on. Returns entries visited.
 */
export function khugepaged_do_scan(k: Kernel): number {
  const st = k.khugepaged
  const knobs = k.spec.thp.khugepaged
  let progress = 0
  let visited = 0
  // A wake-up passes the head of the mm list at most twice (pass_through_head < 2), so a short
  // list is scanned about once per wake-up, not pages_to_scan times over.
  let passThroughHead = 0
  while (progress < knobs.pages_to_scan && st.mmSlots.length) {
    if (st.cursorMm >= st.mmSlots.length) {
      st.cursorMm = 0
      st.cursorAddr = 0
      st.full_scans++
    }
    if (st.cursorMm === 0 && st.cursorAddr === 0 && ++passThroughHead >= 2) break
    const mm = k.mms.get(st.mmSlots[st.cursorMm])
    if (!mm || mm.exited) {
      st.mmSlots.splice(st.cursorMm, 1)
      st.cursorAddr = 0
      continue
    }
    const next = nextRange(k, mm, st.cursorAddr)
    if (next === null) {
      st.cursorMm++
      st.cursorAddr = 0
      continue
    }
    const { vma, addr } = next
    st.cursorAddr = addr + PMD_SIZE
    const r = hpage_collapse_scan_pmd(k, mm, vma, addr, true)
    visited += r.visited
    st.results[r.result] = (st.results[r.result] ?? 0) + 1
    progress += HPAGE_PMD_NR
    if (r.result === 'SCAN_ALLOC_HUGE_PAGE_FAIL') {
      // khugepaged_alloc_sleep(): back off for alloc_sleep_millisecs before trying again.
      st.allocBackoff = true
      break
    }
  }
  k.walk('khugepaged', visited)
  return visited
}

/** The first PMD-aligned range at or after `from` that an eligible VMA covers whole. */
function nextRange(k: Kernel, mm: Mm, from: number): { vma: Vma; addr: number } | null {
  for (const vma of mm.vmas) {
    let addr = Math.max(
      Math.ceil(vma.start / PMD_SIZE) * PMD_SIZE,
      Math.ceil(from / PMD_SIZE) * PMD_SIZE,
    )
    for (; addr + PMD_SIZE <= vma.end; addr += PMD_SIZE) {
      if (thp_vma_allowable_order(k, vma, addr)) return { vma, addr }
    }
  }
  return null
}

/**
 * @kernel mm/khugepaged.c hpage_collapse_scan_pmd()
 * Classifies one PMD range and collapses it if it qualifies. `khugepaged` applies the
 * max_ptes_* limits and the referenced-pages rule; MADV_COLLAPSE (false) does not.
 */
export function hpage_collapse_scan_pmd(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  addr: number,
  khugepaged: boolean,
): { result: ScanResult; visited: number } {
  const pmdIdx = pmdIndexOf(addr)
  const p = mm.pmds.get(pmdIdx)
  const pm = k.pmds
  const pt = k.ptes
  const fo = k.folios
  if (!thp_vma_allowable_order(k, vma, addr) && khugepaged)
    return { result: 'SCAN_VMA_CHECK', visited: 0 }
  if (p === undefined || pm.kind[p] === PMD_NONE) return { result: 'SCAN_PMD_NULL', visited: 1 }
  if (pm.kind[p] === PMD_HUGE || pm.kind[p] === PMD_HUGE_ZERO)
    return { result: 'SCAN_PMD_MAPPED', visited: 1 }
  if (pm.kind[p] !== PMD_TABLE) return { result: 'SCAN_PMD_NULL', visited: 1 }
  const knobs = k.spec.thp.khugepaged
  const maxNone = khugepaged ? knobs.max_ptes_none : HPAGE_PMD_NR - 1
  const maxSwap = khugepaged ? knobs.max_ptes_swap : HPAGE_PMD_NR
  const maxShared = khugepaged ? knobs.max_ptes_shared : HPAGE_PMD_NR
  const base = pm.val[p] * HPAGE_PMD_NR
  let none = 0
  let swap = 0
  let shared = 0
  let referenced = 0
  for (let i = 0; i < HPAGE_PMD_NR; i++) {
    const e = base + i
    const kind = pt.kind[e]
    if (kind === PTE_SWAP) {
      if (++swap > maxSwap) {
        k.vm.thp_scan_exceed_swap_pte++
        return { result: 'SCAN_EXCEED_SWAP_PTE', visited: i + 1 }
      }
      if (pt.flags[e] & E_UFFD_WP) return { result: 'SCAN_PTE_UFFD_WP', visited: i + 1 }
      continue
    }
    if (kind === PTE_NONE || kind === PTE_ZERO) {
      if (++none > maxNone) {
        k.vm.thp_scan_exceed_none_pte++
        return { result: 'SCAN_EXCEED_NONE_PTE', visited: i + 1 }
      }
      continue
    }
    if (pt.flags[e] & E_UFFD_WP) return { result: 'SCAN_PTE_UFFD_WP', visited: i + 1 }
    const f = pt.val[e]
    if (!(fo.flags[f] & PG_ANON_EXCLUSIVE) && ++shared > maxShared) {
      k.vm.thp_scan_exceed_share_pte++
      return { result: 'SCAN_EXCEED_SHARED_PTE', visited: i + 1 }
    }
    if (pt.flags[e] & E_YOUNG || fo.flags[f] & PG_REFERENCED) referenced++
  }
  // khugepaged wants recent use: some referenced page, and half of the range when swap-ins
  // are needed (hpage_collapse_scan_pmd()'s SCAN_LACK_REFERENCED_PAGE rule).
  if (khugepaged && (referenced === 0 || (swap > 0 && referenced < HPAGE_PMD_NR / 2))) {
    return { result: 'SCAN_LACK_REFERENCED_PAGE', visited: HPAGE_PMD_NR }
  }
  return { result: collapse_huge_page(k, mm, vma, pmdIdx), visited: HPAGE_PMD_NR }
}

/**
 * @kernel mm/khugepaged.c collapse_huge_page()
 * Allocates the THP first (as the kernel does), swaps in the swap PTEs
 * (__collapse_huge_page_swapin() -> do_swap_page()), copies every page
 * (__collapse_huge_page_copy()), and installs the PMD.
 */
function collapse_huge_page(k: Kernel, mm: Mm, vma: Vma, pmdIdx: number): ScanResult {
  const fo = k.folios
  const pm = k.pmds
  const pt = k.ptes
  // alloc_charge_folio(): charged to the mm's memory cgroup.
  const charge = k.chargeTo
  k.chargeTo = mm.memcg
  const pfn = alloc_pages(k, HPAGE_PMD_ORDER, k.spec.thp.khugepaged.defrag)
  k.chargeTo = charge
  if (pfn < 0) {
    if (k.chargeFailed) return 'SCAN_CGROUP_CHARGE_FAIL'
    k.vm.thp_collapse_alloc_failed++
    return 'SCAN_ALLOC_HUGE_PAGE_FAIL'
  }
  k.vm.thp_collapse_alloc++
  const p = mm.pmds.get(pmdIdx)
  if (p === undefined || pm.kind[p] !== PMD_TABLE) {
    k.mem.free(pfn, HPAGE_PMD_ORDER)
    return 'SCAN_PMD_NULL'
  }
  for (let i = 0; i < HPAGE_PMD_NR; i++) {
    const e = pm.val[p] * HPAGE_PMD_NR + i
    if (pt.kind[e] !== PTE_SWAP) continue
    if (doSwapPageForCollapse(k, mm, vma, e, pmdIdx * PMD_SIZE + i * PAGE_SIZE) !== FAULT_DONE) {
      k.mem.free(pfn, HPAGE_PMD_ORDER)
      return 'SCAN_SWAP_IN_FAILED'
    }
    if (mm.pmds.get(pmdIdx) !== p || pm.kind[p] !== PMD_TABLE) {
      k.mem.free(pfn, HPAGE_PMD_ORDER)
      return 'SCAN_PMD_NULL'
    }
  }
  const table = pm.val[p]
  const base = table * HPAGE_PMD_NR
  const tags = k.mem.pageTag
  let present = 0
  let dirty = 0
  for (let i = 0; i < HPAGE_PMD_NR; i++) {
    const e = base + i
    if (pt.kind[e] !== PTE_PRESENT) {
      tags.set(pfn + i, 0)
      pt.kind[e] = PTE_NONE
      continue
    }
    const old = pt.val[e]
    tags.set(pfn + i, tags.get(fo.pfn[old] + pt.sub[e]))
    dirty |= pt.flags[e] & (E_DIRTY | E_SOFT_DIRTY)
    pt.kind[e] = PTE_NONE
    folio_remove_rmap_ptes(k, old, 1)
    present++
    if (!fo.mapped(old)) {
      free_swap_cache(k, old)
      folioPutIfUnused(k, old)
    }
  }
  const f = fo.alloc()
  fo.order[f] = HPAGE_PMD_ORDER
  fo.pfn[f] = pfn
  fo.flags[f] = PG_UPTODATE
  // The old table goes under the new PMD as its deposit (eager), or is freed (lazy deposit).
  pm.kind[p] = PMD_HUGE
  pm.val[p] = f
  pm.flags[p] = E_YOUNG | dirty | (vma.flags & VM_WRITE ? E_WRITE | E_DIRTY : 0)
  if (k.variant.lazyDeposit) pte_free(k, mm, table)
  else pgtable_trans_huge_deposit(k, p, table)
  folio_add_new_anon_rmap(k, f, vma, pmdIdx * PMD_SIZE, true)
  mm.anonRss += HPAGE_PMD_NR - present
  k.khugepaged.pages_collapsed++
  k.cost('copy', k.cpu.copy2mNs)
  k.flushTlb()
  return 'SCAN_SUCCEED'
}

/**
 * @kernel mm/khugepaged.c madvise_collapse(): every PMD range of [start, end) the VMA allows,
 * synchronously and without the khugepaged limits. Returns the results by range.
 */
export function madvise_collapse(k: Kernel, mm: Mm, start: number, end: number): ScanResult[] {
  const out: ScanResult[] = []
  let visited = 0
  for (
    let addr = Math.ceil(start / PMD_SIZE) * PMD_SIZE;
    addr + PMD_SIZE <= end;
    addr += PMD_SIZE
  ) {
    const vma = mm.vmas.find((v) => v.start <= addr && addr + PMD_SIZE <= v.end)
    if (!vma) continue
    const r = hpage_collapse_scan_pmd(k, mm, vma, addr, false)
    visited += r.visited
    out.push(r.result)
  }
  k.walk('madvise_collapse', visited)
  return out
}
