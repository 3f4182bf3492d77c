/**
 * mremap(2) moves (mm/mremap.c) without resizing: MREMAP_MAYMOVE to a fresh PMD-aligned area, or
 * MREMAP_FIXED to a given address (whatever is mapped there is unmapped first). The VMA keeps its
 * anon_vma and vm_pgoff, so folio->index stays valid and the rmap finds the pages at their new
 * address. move_page_tables() moves whole PMDs (huge, swap or table) when source and destination
 * are both 2 MB-aligned for the whole extent (move_huge_pmd(), move_normal_pmd(); soft-dirty set
 * by move_soft_dirty_pmd()); otherwise it splits huge and swap PMDs and moves PTE by PTE
 * (move_ptes()).
 */
import { SimUsageError } from '../api'
import type { Kernel } from '../kernel'
import {
  E_SOFT_DIRTY,
  PMD_HUGE,
  PMD_HUGE_ZERO,
  PMD_SWAP,
  PMD_TABLE,
  PTE_NONE,
} from '../include/pgtable'
import { HPAGE_PMD_NR, PAGE_SIZE, PMD_SIZE } from '../include/units'
import { __split_huge_pmd, pmdClear, pmdRow, pmdSet, pmdUnset } from './huge_memory'
import { find_vma, tableEmpty } from './memory'
import { do_munmap, insertVma, splitVmaAt } from './mmap'
import type { Mm, Vma } from './mm_types'
import { pte_alloc_one, pte_free } from './pgtable_generic'

/** @kernel mm/mremap.c do_mremap() */
export function do_mremap(
  k: Kernel,
  mm: Mm,
  addr: number,
  length: number,
  newAddr?: number,
): number {
  const vma = find_vma(mm, addr)
  if (!vma || addr + length > vma.end) {
    throw new SimUsageError('mremap: EFAULT: the range must lie inside one mapping')
  }
  let dst: number
  if (newAddr === undefined) {
    dst = Math.ceil(mm.mmapCursor / PMD_SIZE) * PMD_SIZE
    mm.mmapCursor = Math.ceil((dst + length) / PMD_SIZE) * PMD_SIZE + PMD_SIZE
  } else {
    if (newAddr % PAGE_SIZE)
      throw new SimUsageError('mremap: EINVAL: new address must be 4K-aligned')
    if (newAddr < addr + length && addr < newAddr + length) {
      throw new SimUsageError('mremap: EINVAL: old and new ranges overlap')
    }
    dst = newAddr
    do_munmap(k, mm, dst, dst + length)
  }
  splitVmaAt(mm, addr)
  splitVmaAt(mm, addr + length)
  const old = find_vma(mm, addr)!
  const visited = move_page_tables(k, mm, addr, dst, length)
  mm.vmas.splice(mm.vmas.indexOf(old), 1)
  const moved: Vma = { ...old, start: dst, end: dst + length }
  old.anonVma.vmas.delete(old)
  old.anonVma.vmas.add(moved)
  insertVma(mm, moved)
  freeEmptyTables(k, mm, addr, addr + length)
  if (dst + length > mm.mmapCursor) {
    mm.mmapCursor = Math.ceil((dst + length) / PMD_SIZE) * PMD_SIZE + PMD_SIZE
  }
  k.walk('mremap', visited)
  return dst
}

/** @kernel mm/mremap.c move_page_tables(); returns entries moved. */
function move_page_tables(k: Kernel, mm: Mm, src: number, dst: number, length: number): number {
  const pm = k.pmds
  const pt = k.ptes
  let visited = 0
  for (let off = 0; off < length;) {
    const s = src + off
    const d = dst + off
    const sIdx = Math.floor(s / PMD_SIZE)
    const dIdx = Math.floor(d / PMD_SIZE)
    const sp = mm.pmds.get(sIdx)
    const aligned = s % PMD_SIZE === 0 && d % PMD_SIZE === 0 && length - off >= PMD_SIZE
    if (aligned && !mm.pmds.has(dIdx)) {
      if (sp !== undefined) {
        // move_huge_pmd() / move_normal_pmd(): the whole entry, deposit and all.
        pmdUnset(k, mm, sIdx)
        pmdSet(k, mm, dIdx, sp)
        if (pm.kind[sp] !== PMD_TABLE) pm.flags[sp] |= E_SOFT_DIRTY
        visited++
        k.cost('install', k.cpu.installEntryNs)
        k.flushTlb()
      }
      off += PMD_SIZE
      continue
    }
    const extent = Math.min(PMD_SIZE - (s % PMD_SIZE), PMD_SIZE - (d % PMD_SIZE), length - off)
    if (sp !== undefined) {
      const kind = pm.kind[sp]
      if (kind === PMD_HUGE || kind === PMD_HUGE_ZERO || kind === PMD_SWAP) {
        if (kind === PMD_SWAP) k.count('F11-partial-range')
        if (!__split_huge_pmd(k, mm, sIdx)) {
          throw new SimUsageError('mremap: ENOMEM: no page for the PTE table a split needs')
        }
      }
    }
    if (sp !== undefined && pm.kind[sp] === PMD_TABLE) {
      let dp = mm.pmds.get(dIdx)
      if (dp === undefined || pm.kind[dp] !== PMD_TABLE) {
        if (dp !== undefined && pm.kind[dp] !== PMD_TABLE) {
          throw new SimUsageError('mremap: destination PMD is not empty')
        }
        const t = pte_alloc_one(k, mm)
        if (t < 0) throw new SimUsageError('mremap: ENOMEM: no page for a PTE table')
        dp = pmdRow(k, mm, dIdx)
        pm.kind[dp] = PMD_TABLE
        pm.val[dp] = t
      }
      // move_ptes(): entry by entry, soft-dirty set on each moved entry.
      const sBase = pm.val[sp] * HPAGE_PMD_NR + (s % PMD_SIZE) / PAGE_SIZE
      const dBase = pm.val[dp] * HPAGE_PMD_NR + (d % PMD_SIZE) / PAGE_SIZE
      const n = extent / PAGE_SIZE
      for (let i = 0; i < n; i++) {
        const a = sBase + i
        const b = dBase + i
        if (pt.kind[a] === PTE_NONE) continue
        pt.kind[b] = pt.kind[a]
        pt.val[b] = pt.val[a]
        pt.sub[b] = pt.sub[a]
        pt.swapType[b] = pt.swapType[a]
        pt.flags[b] = pt.flags[a] | E_SOFT_DIRTY
        pt.kind[a] = PTE_NONE
      }
      visited += n
      k.cost('install', n * k.cpu.installEntryNs)
      k.flushTlb()
    }
    off += extent
  }
  return visited
}

/** free_pgtables() for the vacated source range: PTE tables no VMA covers and that are empty. */
function freeEmptyTables(k: Kernel, mm: Mm, start: number, end: number): void {
  for (let idx = Math.floor(start / PMD_SIZE); idx * PMD_SIZE < end; idx++) {
    const p = mm.pmds.get(idx)
    if (p === undefined || k.pmds.kind[p] !== PMD_TABLE) continue
    const lo = idx * PMD_SIZE
    if (mm.vmas.some((v) => v.start < lo + PMD_SIZE && v.end > lo)) continue
    if (!tableEmpty(k, k.pmds.val[p])) continue
    pte_free(k, mm, k.pmds.val[p])
    pmdClear(k, mm, idx)
  }
}
