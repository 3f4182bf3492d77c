/**
 * /proc/<pid>/smaps, /proc/<pid>/status and /proc/<pid>/pagemap (fs/proc/task_mmu.c,
 * fs/proc/task_mmu.c task_mem()). The walkers visit one entry per huge or swap PMD and every PTE
 * of a table, as walk_page_range() does; their entry counts go to `walkers`.
 */
import type { PagemapEntry } from '../api'
import type { RangeState } from '../result'
import type { Kernel } from '../kernel'
import {
  E_DIRTY,
  E_SOFT_DIRTY,
  E_UFFD_WP,
  E_WRITE,
  E_YOUNG,
  PMD_HUGE,
  PMD_HUGE_ZERO,
  PMD_SWAP,
  PMD_TABLE,
  PTE_PRESENT,
  PTE_SWAP,
  PTE_ZERO,
  pte_index,
} from '../include/pgtable'
import { HPAGE_PMD_NR, PAGE_SIZE, PMD_SIZE } from '../include/units'
import { PG_DIRTY, PG_REFERENCED, VM_SOFTDIRTY, type Mm } from './mm_types'

/** Visits every populated PMD of [start, end) in address order. */
function forEachPmd(
  mm: Mm,
  start: number,
  end: number,
  fn: (pmdIdx: number, p: number, from: number, to: number) => void,
): void {
  const first = Math.floor(start / PMD_SIZE)
  const last = Math.floor((end - 1) / PMD_SIZE)
  const indices =
    last - first < mm.pmds.size
      ? Array.from({ length: last - first + 1 }, (_, i) => first + i).filter((i) => mm.pmds.has(i))
      : [...mm.pmds.keys()].filter((i) => i >= first && i <= last).sort((a, b) => a - b)
  for (const pmdIdx of indices) {
    const pmdStart = pmdIdx * PMD_SIZE
    const from = (Math.max(start, pmdStart) - pmdStart) / PAGE_SIZE
    const to = (Math.min(end, pmdStart + PMD_SIZE) - pmdStart) / PAGE_SIZE
    fn(pmdIdx, mm.pmds.get(pmdIdx)!, from, to)
  }
}

/** Page mapcount as smaps uses it for PSS: an order-0 folio's, or an average for a large one. */
function pageMapcount(k: Kernel, f: number): number {
  const fo = k.folios
  return Math.max(1, fo.pmdMapcount[f] + Math.round(fo.pteMapcount[f] / fo.nrPages(f)))
}

/**
 * @kernel fs/proc/task_mmu.c show_smap() / smaps_pte_range()
 * Fields in kB over the pages of [start, end) (the kernel reports per VMA; a range argument
 * restricts the walk to the given pages).
 */
export function smaps(k: Kernel, mm: Mm, start: number, end: number): Record<string, number> {
  let size = 0
  for (const v of mm.vmas) size += Math.max(0, Math.min(end, v.end) - Math.max(start, v.start))
  let rss = 0
  let pss = 0
  let anonHuge = 0
  let swap = 0
  let swapPss = 0
  let privateDirty = 0
  let privateClean = 0
  let sharedDirty = 0
  let sharedClean = 0
  let referenced = 0
  let visited = 0
  const fo = k.folios
  const pm = k.pmds
  const pt = k.ptes
  const account = (pages: number, mapcount: number, dirty: boolean, young: boolean): void => {
    rss += pages * 4
    pss += (pages * 4) / mapcount
    if (mapcount === 1) {
      if (dirty) privateDirty += pages * 4
      else privateClean += pages * 4
    } else if (dirty) sharedDirty += pages * 4
    else sharedClean += pages * 4
    if (young) referenced += pages * 4
  }
  forEachPmd(mm, start, end, (_idx, p, from, to) => {
    const kind = pm.kind[p]
    if (kind === PMD_HUGE) {
      visited++
      const f = pm.val[p]
      const n = to - from
      account(
        n,
        pageMapcount(k, f),
        (pm.flags[p] & E_DIRTY) !== 0 || (fo.flags[f] & PG_DIRTY) !== 0,
        (pm.flags[p] & E_YOUNG) !== 0 || (fo.flags[f] & PG_REFERENCED) !== 0,
      )
      anonHuge += n * 4
    } else if (kind === PMD_SWAP) {
      visited++
      const si = k.swap[pm.swapType[p]]
      for (let i = from; i < to; i++) swapPss += 4 / si.swapCount(pm.val[p] + i)
      swap += (to - from) * 4
    } else if (kind === PMD_TABLE) {
      const base = pm.val[p] * HPAGE_PMD_NR
      visited += to - from
      for (let i = from; i < to; i++) {
        const e = base + i
        if (pt.kind[e] === PTE_PRESENT) {
          const f = pt.val[e]
          account(
            1,
            pageMapcount(k, f),
            (pt.flags[e] & E_DIRTY) !== 0 || (fo.flags[f] & PG_DIRTY) !== 0,
            (pt.flags[e] & E_YOUNG) !== 0 || (fo.flags[f] & PG_REFERENCED) !== 0,
          )
        } else if (pt.kind[e] === PTE_SWAP) {
          swap += 4
          swapPss += 4 / k.swap[pt.swapType[e]].swapCount(pt.val[e])
        }
      }
    } else {
      visited++
    }
  })
  k.walk('smaps', visited)
  return {
    Size: size / 1024,
    KernelPageSize: 4,
    MMUPageSize: 4,
    Rss: rss,
    Pss: Math.floor(pss),
    Pss_Anon: Math.floor(pss),
    Shared_Clean: sharedClean,
    Shared_Dirty: sharedDirty,
    Private_Clean: privateClean,
    Private_Dirty: privateDirty,
    Referenced: referenced,
    Anonymous: rss,
    AnonHugePages: anonHuge,
    Swap: swap,
    SwapPss: Math.floor(swapPss),
    Locked: 0,
  }
}

/**
 * @kernel fs/proc/task_mmu.c task_mem()
 * VmPTE is mm_pgtables_bytes(): PTE tables (deposited ones included) plus the PMD and PUD
 * tables the populated PMDs need.
 */
export function status(k: Kernel, mm: Mm): Record<string, number> {
  const rssAnon = mm.anonRss * 4
  return {
    VmRSS: rssAnon,
    RssAnon: rssAnon,
    RssFile: 0,
    RssShmem: 0,
    VmSwap: mm.swapEnts * 4,
    VmPTE: (mm.nrPtes + upperTables(mm)) * 4,
  }
}

/** PMD-level and PUD-level table pages the mm's populated PMDs sit in. */
export function upperTables(mm: Mm): number {
  const pmdTables = new Set<number>()
  const pudTables = new Set<number>()
  for (const idx of mm.pmds.keys()) {
    pmdTables.add(Math.floor(idx / 512))
    pudTables.add(Math.floor(idx / (512 * 512)))
  }
  return pmdTables.size + pudTables.size
}

/**
 * @kernel fs/proc/task_mmu.c pagemap_read() / pagemap_pmd_range()
 * One entry per 4 KB page. A swap PMD reports 512 consecutive swap offsets; a huge PMD the
 * consecutive frames of its folio.
 */
export function pagemap(k: Kernel, mm: Mm, start: number, end: number): PagemapEntry[] {
  const out: PagemapEntry[] = []
  const fo = k.folios
  const pm = k.pmds
  const pt = k.ptes
  let visited = 0
  let vi = 0
  for (let addr = start; addr < end; addr += PAGE_SIZE) {
    const pmdIdx = Math.floor(addr / PMD_SIZE)
    const p = mm.pmds.get(pmdIdx)
    const i = pte_index(addr)
    // pagemap_pte_hole() and the rest: every page of a VM_SOFTDIRTY VMA reads soft-dirty.
    while (vi < mm.vmas.length && mm.vmas[vi].end <= addr) vi++
    const vmaDirty =
      vi < mm.vmas.length && mm.vmas[vi].start <= addr && (mm.vmas[vi].flags & VM_SOFTDIRTY) !== 0
    const none: PagemapEntry = {
      present: false,
      swapped: false,
      softDirty: vmaDirty,
      exclusive: false,
      uffdWp: false,
    }
    if (p === undefined) {
      out.push(none)
      continue
    }
    const kind = pm.kind[p]
    const fl = pm.flags[p]
    if (i === 0 || addr === start) visited += kind === PMD_TABLE ? 0 : 1
    if (kind === PMD_HUGE) {
      const f = pm.val[p]
      out.push({
        present: true,
        swapped: false,
        pfn: fo.pfn[f] + i,
        softDirty: vmaDirty || (fl & E_SOFT_DIRTY) !== 0,
        exclusive: pageMapcount(k, f) === 1,
        uffdWp: (fl & E_UFFD_WP) !== 0,
      })
    } else if (kind === PMD_SWAP) {
      out.push({
        present: false,
        swapped: true,
        swapType: pm.swapType[p],
        swapOffset: pm.val[p] + i,
        softDirty: vmaDirty || (fl & E_SOFT_DIRTY) !== 0,
        exclusive: false,
        uffdWp: (fl & E_UFFD_WP) !== 0,
      })
    } else if (kind === PMD_TABLE) {
      visited++
      const e = pm.val[p] * HPAGE_PMD_NR + i
      const ef = pt.flags[e]
      if (pt.kind[e] === PTE_PRESENT) {
        const f = pt.val[e]
        out.push({
          present: true,
          swapped: false,
          pfn: fo.pfn[f] + pt.sub[e],
          softDirty: vmaDirty || (ef & E_SOFT_DIRTY) !== 0,
          exclusive: pageMapcount(k, f) === 1,
          uffdWp: (ef & E_UFFD_WP) !== 0,
        })
      } else if (pt.kind[e] === PTE_SWAP) {
        out.push({
          present: false,
          swapped: true,
          swapType: pt.swapType[e],
          swapOffset: pt.val[e],
          softDirty: vmaDirty || (ef & E_SOFT_DIRTY) !== 0,
          exclusive: false,
          uffdWp: (ef & E_UFFD_WP) !== 0,
        })
      } else if (pt.kind[e] === PTE_ZERO) {
        // The shared zero page: present, not exclusive (vm_normal_page() is NULL for it); it
        // has no frame in the model.
        out.push({ ...none, present: true, softDirty: vmaDirty || (ef & E_SOFT_DIRTY) !== 0 })
      } else {
        out.push(none)
      }
    } else if (kind === PMD_HUGE_ZERO) {
      out.push({
        ...none,
        present: true,
        pfn: k.hugeZeroPfn + i,
        softDirty: vmaDirty || (fl & E_SOFT_DIRTY) !== 0,
      })
    } else {
      out.push(none)
    }
  }
  k.walk('pagemap', visited)
  return out
}

/**
 * @kernel fs/proc/task_mmu.c clear_refs_write()
 * 4 (CLEAR_REFS_SOFT_DIRTY): clear soft-dirty on every present and swap entry, PMD and PTE (the
 * series adds the swap-PMD case); 1 (CLEAR_REFS_ALL): clear the young bits and PG_referenced
 * (clear_refs_pte_range(): folio_test_clear_referenced()).
 */
export function clear_refs(k: Kernel, mm: Mm, value: number): void {
  // Soft-dirty tracking write-protects present entries so the next write faults and sets the bit
  // again (clear_soft_dirty() / clear_soft_dirty_pmd()).
  const softDirty = value === 4
  const bit = softDirty ? E_SOFT_DIRTY : E_YOUNG
  if (softDirty) for (const vma of mm.vmas) vma.flags &= ~VM_SOFTDIRTY
  const pm = k.pmds
  const pt = k.ptes
  let visited = 0
  for (const p of mm.pmds.values()) {
    if (pm.kind[p] === PMD_TABLE) {
      const base = pm.val[p] * HPAGE_PMD_NR
      for (let e = base; e < base + HPAGE_PMD_NR; e++) {
        pt.flags[e] &= ~bit
        if (pt.kind[e] !== PTE_PRESENT) continue
        if (softDirty) pt.flags[e] &= ~E_WRITE
        else k.folios.flags[pt.val[e]] &= ~PG_REFERENCED
      }
      visited += HPAGE_PMD_NR
    } else {
      pm.flags[p] &= ~bit
      if (pm.kind[p] === PMD_HUGE) {
        if (softDirty) pm.flags[p] &= ~E_WRITE
        else k.folios.flags[pm.val[p]] &= ~PG_REFERENCED
      }
      visited++
    }
  }
  k.cost('install', visited * k.cpu.installEntryNs)
  k.flushTlb()
  k.walk('clear_refs', visited)
}

/** How many ranges a snapshot records at most (the inspector shows the first ones). */
export const RANGE_LIMIT = 2048

/**
 * The page-table inspector's view of every populated 2 MB range of every live task: PMD state,
 * present and swapped pages, and what the swap cache holds behind the swap entries.
 */
export function rangeStates(k: Kernel): { ranges: RangeState[]; truncated: boolean } {
  const out: RangeState[] = []
  const pm = k.pmds
  const pt = k.ptes
  const fo = k.folios
  for (const mm of [...k.mms.values()].sort((a, b) => a.pid - b.pid)) {
    if (mm.exited) continue
    for (const idx of [...mm.pmds.keys()].sort((a, b) => a - b)) {
      if (out.length >= RANGE_LIMIT) return { ranges: out, truncated: true }
      const p = mm.pmds.get(idx)!
      const kind = pm.kind[p]
      let present = 0
      let swapped = 0
      let cached = 0
      const large = new Set<number>()
      const countCached = (type: number, off: number): void => {
        const f = k.swap[type].cacheOf(off)
        if (f < 0) return
        cached++
        if (fo.order[f] > 0) large.add(f)
      }
      let state: RangeState['state']
      if (kind === PMD_HUGE) {
        state = 'pmd'
        present = HPAGE_PMD_NR
      } else if (kind === PMD_SWAP) {
        state = 'swap-pmd'
        swapped = HPAGE_PMD_NR
        for (let i = 0; i < HPAGE_PMD_NR; i++) countCached(pm.swapType[p], pm.val[p] + i)
      } else if (kind === PMD_TABLE) {
        const base = pm.val[p] * HPAGE_PMD_NR
        for (let e = base; e < base + HPAGE_PMD_NR; e++) {
          if (pt.kind[e] === PTE_PRESENT) present++
          else if (pt.kind[e] === PTE_SWAP) {
            swapped++
            countCached(pt.swapType[e], pt.val[e])
          }
        }
        state = present && swapped ? 'mixed' : 'pte'
      } else if (kind === PMD_HUGE_ZERO) {
        state = 'huge-zero'
      } else continue
      out.push({
        pid: mm.pid,
        addr: idx * PMD_SIZE,
        state,
        present,
        swapped,
        swapCached: cached,
        swapCacheLargeFolios: large.size,
        deposited: pm.deposit[p] >= 0,
      })
    }
  }
  return { ranges: out, truncated: false }
}
