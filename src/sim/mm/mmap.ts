/**
 * Address-space changes (mm/mmap.c, mm/vma.c): anonymous mmap, munmap with VMA splitting, the
 * page-table teardown shared by munmap, MADV_DONTNEED and exit (unmap_page_range(),
 * free_pgtables()), and exit_mmap().
 */
import { RunArray } from '../engine/runs'
import { MODEL_LIMITS, SimInvariantError, SimUsageError } from '../api'
import type { Kernel } from '../kernel'
import { PMD_HUGE, PMD_HUGE_ZERO, PMD_SWAP, PMD_TABLE } from '../include/pgtable'
import { PAGE_SIZE, PMD_SIZE, formatSize } from '../include/units'
import { __split_huge_pmd, pmdClear, zap_huge_pmd } from './huge_memory'
import { tableEmpty, zap_pte_range } from './memory'
import {
  VM_HUGEPAGE,
  VM_NOHUGEPAGE,
  VM_READ,
  VM_UFFD_ANY,
  VM_WRITE,
  type Mm,
  type Vma,
  VM_SOFTDIRTY,
} from './mm_types'
import { pte_free } from './pgtable_generic'

/** First address handed out by mmap; each mapping is PMD-aligned with a 2 MB gap after it. */
export const MMAP_BASE = 0x7f0000000000

/**
 * @kernel mm/mmap.c do_mmap() for MAP_PRIVATE | MAP_ANONYMOUS, PROT_READ | PROT_WRITE, at a
 * PMD-aligned address (what thp_get_unmapped_area() gives a 2 MB-multiple anonymous mapping).
 */
export function do_mmap(
  k: Kernel,
  mm: Mm,
  length: number,
  advice?: 'hugepage' | 'nohugepage',
): number {
  if (length <= 0 || length % PAGE_SIZE !== 0) {
    throw new SimUsageError(`mmap: length must be a positive multiple of 4K, got ${length}`)
  }
  const start = mm.mmapCursor
  const end = start + length
  // The model places mappings upward from MMAP_BASE and never reuses a hole: the span they take
  // is what TASK_SIZE bounds.
  if (end - MMAP_BASE > MODEL_LIMITS.taskSize) {
    throw new SimUsageError(
      `mmap: ENOMEM: no room for ${formatSize(length)} in the process's address space (${formatSize(MODEL_LIMITS.taskSize)}, TASK_SIZE)`,
    )
  }
  mm.mmapCursor = Math.ceil(end / PMD_SIZE) * PMD_SIZE + PMD_SIZE
  const id = k.nextAnonVma++
  const anonVma = { id, vmas: new Set<Vma>() }
  k.anonVmas.set(id, anonVma)
  // __mmap_region(): vm_flags_set(vma, VM_SOFTDIRTY).
  const flags =
    VM_SOFTDIRTY |
    VM_READ |
    VM_WRITE |
    (advice === 'hugepage' ? VM_HUGEPAGE : advice === 'nohugepage' ? VM_NOHUGEPAGE : 0)
  const vma: Vma = {
    mm,
    start,
    end,
    flags,
    pgoff: start / PAGE_SIZE,
    anonVma,
    expected: new RunArray(length / PAGE_SIZE, !k.fastPaths, k.budget),
    swapReadaheadInfo: 0,
  }
  anonVma.vmas.add(vma)
  insertVma(mm, vma)
  return start
}

/**
 * @kernel mm/vma.c vma_merge_existing_range()
 * After a flags change over [start, end) (mprotect, MADV_HUGEPAGE/NOHUGEPAGE), neighbours that
 * now agree — same flags, same anon_vma, contiguous pgoff — become one VMA again, as the kernel
 * merges them (held against a 6.18 kernel: mprotect of half a THP and back leaves one VMA, so
 * MADV_PAGEOUT then sees the whole folio). VMAs registered with userfaultfd are left apart.
 */
export function vma_merge_range(mm: Mm, start: number, end: number): void {
  for (let i = 1; i < mm.vmas.length; i++) {
    const prev = mm.vmas[i - 1]
    const next = mm.vmas[i]
    if (prev.end < start || next.start > end) continue
    const mergeable =
      prev.end === next.start &&
      ((prev.flags ^ next.flags) & ~VM_SOFTDIRTY) === 0 &&
      prev.anonVma === next.anonVma &&
      !(prev.flags & VM_UFFD_ANY) &&
      prev.pgoff + (prev.end - prev.start) / PAGE_SIZE === next.pgoff
    if (!mergeable) continue
    prev.expected = RunArray.concat(prev.expected, next.expected)
    prev.end = next.end
    prev.flags |= next.flags & VM_SOFTDIRTY
    next.anonVma.vmas.delete(next)
    mm.vmas.splice(i, 1)
    i--
  }
}

export function insertVma(mm: Mm, vma: Vma): void {
  let i = 0
  while (i < mm.vmas.length && mm.vmas[i].start < vma.start) i++
  mm.vmas.splice(i, 0, vma)
}

/**
 * Tears down the page tables of [start, end): whole huge/swap PMDs are zapped, partly covered
 * ones split first (F11), PTE tables emptied. With `freeTables` (munmap, exit) a table no VMA
 * covers any more is freed (free_pgtables()). Returns entries visited.
 */
export function zapRange(
  k: Kernel,
  mm: Mm,
  start: number,
  end: number,
  freeTables: boolean,
  walker: string,
): number {
  let visited = 0
  for (let pmdIdx = Math.floor(start / PMD_SIZE); pmdIdx * PMD_SIZE < end; pmdIdx++) {
    const p = mm.pmds.get(pmdIdx)
    if (p === undefined) continue
    const pmdStart = pmdIdx * PMD_SIZE
    const lo = Math.max(start, pmdStart)
    const hi = Math.min(end, pmdStart + PMD_SIZE)
    const kind = k.pmds.kind[p]
    if (kind === PMD_HUGE || kind === PMD_HUGE_ZERO || kind === PMD_SWAP) {
      if (hi - lo === PMD_SIZE) {
        zap_huge_pmd(k, mm, pmdIdx)
        visited++
        continue
      }
      if (kind === PMD_SWAP) k.count('F11-partial-range')
      if (!__split_huge_pmd(k, mm, pmdIdx)) {
        throw new SimUsageError(
          'ENOMEM: no page for the PTE table a partial unmap needs (lazy deposit)',
        )
      }
    }
    if (k.pmds.kind[p] !== PMD_TABLE) continue
    const t = k.pmds.val[p]
    visited += zap_pte_range(k, mm, t, (lo - pmdStart) / PAGE_SIZE, (hi - pmdStart) / PAGE_SIZE)
    if (
      freeTables &&
      tableEmpty(k, t) &&
      !mm.vmas.some((v) => v.start < pmdStart + PMD_SIZE && v.end > pmdStart)
    ) {
      pte_free(k, mm, t)
      pmdClear(k, mm, pmdIdx)
    }
  }
  k.walk(walker, visited)
  return visited
}

/** @kernel mm/vma.c do_vmi_munmap(): removes [start, end), splitting VMAs at the edges. */
export function do_munmap(k: Kernel, mm: Mm, start: number, end: number): void {
  if (start % PAGE_SIZE || end % PAGE_SIZE || end <= start) {
    throw new SimUsageError('munmap: range must be 4K-aligned and non-empty')
  }
  const kept: Vma[] = []
  for (const vma of mm.vmas) {
    if (vma.end <= start || vma.start >= end) {
      kept.push(vma)
      continue
    }
    if (vma.start < start) kept.push(sliceVma(vma, vma.start, start))
    if (vma.end > end) kept.push(sliceVma(vma, end, vma.end))
    vma.anonVma.vmas.delete(vma)
  }
  mm.vmas = kept
  zapRange(k, mm, start, end, true, 'zap')
  // unmap_region() -> tlb_finish_mmu(): one flush of the range when a present entry went.
  k.flushTlbBatch()
}

/** A copy of part of a VMA (__split_vma()): same anon_vma, pgoff and content reference moved. */
function sliceVma(vma: Vma, start: number, end: number): Vma {
  const part: Vma = {
    mm: vma.mm,
    start,
    end,
    flags: vma.flags,
    pgoff: vma.pgoff + (start - vma.start) / PAGE_SIZE,
    anonVma: vma.anonVma,
    expected: vma.expected.slice((start - vma.start) / PAGE_SIZE, (end - vma.start) / PAGE_SIZE),
    swapReadaheadInfo: vma.swapReadaheadInfo,
  }
  vma.anonVma.vmas.add(part)
  return part
}

/** @kernel mm/mmap.c exit_mmap(): zap everything, free every table. */
export function exit_mmap(k: Kernel, mm: Mm): void {
  const vmas = mm.vmas
  mm.vmas = []
  for (const vma of vmas) vma.anonVma.vmas.delete(vma)
  for (const vma of vmas) zapRange(k, mm, vma.start, vma.end, true, 'zap')
  // tlb_gather_mmu_fullmm(): the dying mm is flushed as a whole (its ASID retired), not by range.
  k.tlbBatchPending = false
  // mm_put_huge_zero_folio()
  k.hugeZeroUsers.delete(mm.pid)
  if (!mm.exited) k.nrTasks--
  mm.exited = true
  if (mm.pmds.size !== 0 || mm.nrPtes !== 0 || mm.anonRss !== 0 || mm.swapEnts !== 0) {
    throw new SimInvariantError(
      `exit_mmap: pid ${mm.pid} leaks pmds=${mm.pmds.size} nr_ptes=${mm.nrPtes} anon=${mm.anonRss} swapents=${mm.swapEnts}`,
    )
  }
}

/** __split_vma() at `addr` if a VMA straddles it. */
export function splitVmaAt(mm: Mm, addr: number): void {
  const v = mm.vmas.find((x) => x.start < addr && x.end > addr)
  if (!v) return
  const tailPages = (v.end - addr) / PAGE_SIZE
  const headPages = (addr - v.start) / PAGE_SIZE
  const tail: Vma = {
    ...v,
    start: addr,
    pgoff: v.pgoff + headPages,
    expected: v.expected.slice(headPages, headPages + tailPages),
  }
  v.expected = v.expected.slice(0, headPages)
  v.end = addr
  v.anonVma.vmas.add(tail)
  insertVma(mm, tail)
}
