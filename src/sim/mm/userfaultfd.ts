/**
 * userfaultfd (mm/userfaultfd.c, fs/userfaultfd.c) as the pmd_swap selftests use it: register a
 * range for MISSING, WP or RWP (the read/write-protect mode of that tree) faults, protect and
 * unprotect entries (the uffd-wp bit, carried through swap-out, PMD splits and swapoff), deliver
 * page-fault events to a monitor that resolves each by unprotecting the faulting entry, and
 * UFFDIO_MOVE (whole PMDs when aligned — move_pages_huge_pmd(), swap PMDs included in the series —
 * else PTE by PTE with move_pages_pte()).
 */
import { RunArray } from '../engine/runs'
import { SimUsageError, type UffdEvent, type UffdMode } from '../api'
import type { Kernel } from '../kernel'
import {
  E_DIRTY,
  E_SOFT_DIRTY,
  E_SWP_EXCLUSIVE,
  E_UFFD_WP,
  E_WRITE,
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
import { HPAGE_PMD_NR, PAGE_SIZE, PMD_SIZE } from '../include/units'
import { __split_huge_pmd, pmdRow, pmdSet, pmdUnset, split_folio } from './huge_memory'
import { find_vma, mapPte, newOrder0Folio } from './memory'
import { splitVmaAt } from './mmap'
import {
  PG_ANON_EXCLUSIVE,
  VM_UFFD_MISSING,
  VM_UFFD_RWP,
  VM_UFFD_WP,
  VM_WRITE,
  type Mm,
  type Vma,
} from './mm_types'
import { alloc_pages } from './page_alloc'
import { pte_alloc_one } from './pgtable_generic'
import { folio_add_new_anon_rmap } from './rmap'

const MODE_FLAG: Record<UffdMode, number> = {
  missing: VM_UFFD_MISSING,
  wp: VM_UFFD_WP,
  rwp: VM_UFFD_RWP,
}

/** The monitor's read(): the pending events, in order; the queue is left empty. */
export function uffdEvents(mm: Mm): UffdEvent[] {
  const q = mm.uffdQueue
  mm.uffdQueue = []
  return q
}

function covered(mm: Mm, start: number, end: number): Vma[] {
  let bytes = 0
  const vmas = mm.vmas.filter((v) => v.start < end && v.end > start)
  for (const v of vmas) bytes += Math.min(end, v.end) - Math.max(start, v.start)
  if (bytes !== end - start)
    throw new SimUsageError('userfaultfd: EINVAL: range is not fully mapped')
  return vmas
}

/** @kernel fs/userfaultfd.c userfaultfd_register() */
export function uffd_register(mm: Mm, start: number, end: number, modes: UffdMode[]): void {
  if (!modes.length) throw new SimUsageError('userfaultfd: register needs at least one mode')
  covered(mm, start, end)
  splitVmaAt(mm, start)
  splitVmaAt(mm, end)
  let flags = 0
  for (const m of modes) flags |= MODE_FLAG[m]
  for (const v of covered(mm, start, end)) v.flags |= flags
}

/**
 * @kernel mm/userfaultfd.c mwriteprotect_range() (and this tree's RWP twin): sets or clears the
 * uffd-wp bit of every populated entry in the range; a huge or swap PMD only partly covered is
 * split first. Write protection also drops the write bit of present entries.
 */
export function uffd_protect(
  k: Kernel,
  mm: Mm,
  start: number,
  end: number,
  mode: 'wp' | 'rwp',
  on: boolean,
): void {
  for (const v of covered(mm, start, end)) {
    if (!(v.flags & MODE_FLAG[mode])) {
      throw new SimUsageError(
        `userfaultfd: EINVAL: range is not registered for ${mode.toUpperCase()}`,
      )
    }
  }
  const pm = k.pmds
  const pt = k.ptes
  const set = (flags: number, present: boolean): number => {
    if (!on) return flags & ~E_UFFD_WP
    return present ? (flags | E_UFFD_WP) & ~E_WRITE : flags | E_UFFD_WP
  }
  let visited = 0
  for (let idx = Math.floor(start / PMD_SIZE); idx * PMD_SIZE < end; idx++) {
    const p = mm.pmds.get(idx)
    if (p === undefined) continue
    const lo = Math.max(start, idx * PMD_SIZE)
    const hi = Math.min(end, (idx + 1) * PMD_SIZE)
    const kind = pm.kind[p]
    if (kind === PMD_HUGE || kind === PMD_SWAP || kind === PMD_HUGE_ZERO) {
      if (hi - lo === PMD_SIZE) {
        pm.flags[p] = set(pm.flags[p], kind === PMD_HUGE)
        visited++
        continue
      }
      if (!__split_huge_pmd(k, mm, idx))
        throw new SimUsageError('userfaultfd: ENOMEM splitting a PMD')
    }
    if (pm.kind[p] !== PMD_TABLE) continue
    const base = pm.val[p] * HPAGE_PMD_NR
    for (let a = lo; a < hi; a += PAGE_SIZE) {
      const e = base + pte_index(a)
      if (pt.kind[e] !== PTE_NONE) pt.flags[e] = set(pt.flags[e], pt.kind[e] === PTE_PRESENT)
      visited++
    }
  }
  k.cost('install', visited * k.cpu.installEntryNs)
  k.flushTlb()
  k.walk(mode === 'wp' ? 'uffd_wp' : 'uffd_rwp', visited)
}

/**
 * @kernel fs/userfaultfd.c handle_userfault()
 * Checks an access against userfaultfd protection before it is allowed: a protected entry (RWP:
 * any access; WP: a write) or a missing page in a MISSING range raises an event; the monitor
 * resolves it by unprotecting the entry, or, for MISSING, by copying a page in
 * (mfill_atomic_pte_copy()).
 * Returns whether an event was raised.
 */
export function handle_userfault(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  addr: number,
  entryFlags: number,
  missing: boolean,
  write: boolean,
): boolean {
  const rwp = (vma.flags & VM_UFFD_RWP) !== 0 && (entryFlags & E_UFFD_WP) !== 0
  const wp = !rwp && write && (vma.flags & VM_UFFD_WP) !== 0 && (entryFlags & E_UFFD_WP) !== 0
  const miss = missing && (vma.flags & VM_UFFD_MISSING) !== 0
  if (!rwp && !wp && !miss) return false
  mm.uffdQueue.push({
    addr: addr - (addr % PAGE_SIZE),
    write,
    wp,
    rwp,
    missing: miss && !rwp && !wp,
  })
  return true
}

/**
 * @kernel mm/userfaultfd.c mfill_atomic_pte_copy() (UFFDIO_COPY of one zero-filled page, mode
 * 0): a new exclusive 4 KB folio at `addr`, writable and dirty like a written page
 * (mfill_atomic_install_pte()), in a PTE table allocated if the PMD is none. Never a THP.
 * Returns 0, or -EEXIST when the page is there already, -ENOMEM when no page could be had (the
 * monitor then lets the fault run into the allocation failure itself).
 */
export function mfill_atomic_pte_copy(k: Kernel, mm: Mm, vma: Vma, addr: number): number {
  const pm = k.pmds
  const pmdIdx = Math.floor(addr / PMD_SIZE)
  let p = mm.pmds.get(pmdIdx)
  if (p !== undefined && pm.kind[p] !== PMD_TABLE && pm.kind[p] !== PMD_NONE) return -EEXIST
  if (p === undefined || pm.kind[p] === PMD_NONE) {
    const t = pte_alloc_one(k, mm)
    if (t < 0) return -ENOMEM
    p = pmdRow(k, mm, pmdIdx)
    pm.kind[p] = PMD_TABLE
    pm.val[p] = t
  }
  const e = pm.val[p] * HPAGE_PMD_NR + pte_index(addr)
  if (k.ptes.kind[e] !== PTE_NONE) return -EEXIST
  const pfn = alloc_pages(k, 0, true)
  if (pfn < 0 || mm.pmds.get(pmdIdx) !== p || k.ptes.kind[e] !== PTE_NONE) {
    if (pfn >= 0) k.mem.free(pfn, 0)
    return -ENOMEM
  }
  const f = newOrder0Folio(k, pfn)
  k.mem.pageTag.set(pfn, 0)
  k.cost('clear', k.cpu.clear4kNs)
  k.cost('install', k.cpu.installEntryNs)
  mapPte(k, e, f, 0, (vma.flags & VM_WRITE ? E_WRITE | E_DIRTY : 0) | E_SOFT_DIRTY)
  folio_add_new_anon_rmap(k, f, vma, addr - (addr % PAGE_SIZE), false)
  mm.anonRss++
  return 0
}

/** Clears the uffd-wp bit of the entry mapping `addr` (the monitor's unprotect). */
export function uffdResolve(k: Kernel, mm: Mm, addr: number): void {
  const p = mm.pmds.get(Math.floor(addr / PMD_SIZE))
  if (p === undefined) return
  if (k.pmds.kind[p] !== PMD_TABLE) {
    k.pmds.flags[p] &= ~E_UFFD_WP
    return
  }
  const e = k.pmds.val[p] * HPAGE_PMD_NR + pte_index(addr)
  k.ptes.flags[e] &= ~E_UFFD_WP
}

/** The errno values UFFDIO_MOVE can leave in uffdio_move.move (negated). */
const ENOENT = 2
const EAGAIN = 11
const ENOMEM = 12
const EBUSY = 16
const EEXIST = 17

/**
 * @kernel mm/userfaultfd.c move_pages() (UFFDIO_MOVE, mode 0) within one mm. The destination
 * must be registered with userfaultfd. A PMD moves whole where both sides are PMD-aligned, the
 * length covers it and the destination PMD is none (move_pages_huge_pmd()); otherwise it is
 * split and its PTEs move one by one. Moved folios (and swap-cache folios behind moved swap
 * entries) take the destination's anon_vma and index (folio_move_anon_rmap()).
 *
 * Returns what the kernel puts in uffdio_move.move: the bytes moved, or, when the first entry
 * already failed, -errno: ENOENT for a hole in the source, EEXIST for a populated destination,
 * EBUSY for a folio that is not exclusive or a swap entry whose swap-cache folio is large. A
 * failure after some bytes moved returns those bytes (a short move).
 */
export function move_pages(k: Kernel, mm: Mm, dst: number, src: number, length: number): number {
  const dvmas = covered(mm, dst, dst + length)
  covered(mm, src, src + length)
  if (!dvmas.every((v) => v.flags & (VM_UFFD_MISSING | VM_UFFD_WP | VM_UFFD_RWP))) {
    throw new SimUsageError('UFFDIO_MOVE: EINVAL: destination is not registered with userfaultfd')
  }
  if (dst < src + length && src < dst + length)
    throw new SimUsageError('UFFDIO_MOVE: EINVAL: ranges overlap')
  const pm = k.pmds
  let moved = 0
  let err = 0
  let visited = 0
  for (let off = 0; off < length;) {
    const s = src + off
    const d = dst + off
    const sIdx = Math.floor(s / PMD_SIZE)
    const dIdx = Math.floor(d / PMD_SIZE)
    const sp = mm.pmds.get(sIdx)
    const sKind = sp === undefined ? PMD_NONE : pm.kind[sp]
    const dp = mm.pmds.get(dIdx)
    if (sKind === PMD_NONE) {
      err = -ENOENT
      break
    }
    if (dp !== undefined && pm.kind[dp] !== PMD_TABLE) {
      err = -EEXIST
      break
    }
    if (sKind !== PMD_TABLE) {
      const whole = s % PMD_SIZE === 0 && d % PMD_SIZE === 0 && length - off >= PMD_SIZE
      const shared = sKind === PMD_HUGE && !(k.folios.flags[pm.val[sp!]] & PG_ANON_EXCLUSIVE)
      if (whole && dp === undefined) {
        if (shared) {
          err = -EBUSY
          break
        }
        // move_pages_huge_pmd(): the PMD (with its deposit) changes place.
        pmdUnset(k, mm, sIdx)
        pmdSet(k, mm, dIdx, sp!)
        if (sKind !== PMD_HUGE_ZERO) {
          pm.flags[sp!] |= E_SOFT_DIRTY | rwpMarker(mm, d)
          retarget(k, mm, sp!, -1, d)
        }
        moveExpected(mm, s, d, PMD_SIZE)
        moved += PMD_SIZE
        visited++
        off += PMD_SIZE
        continue
      }
      if (shared) {
        err = -EBUSY
        break
      }
      if (sKind === PMD_SWAP) k.count('F11-partial-range')
      const split = __split_huge_pmd(k, mm, sIdx)
      const now = mm.pmds.get(sIdx)
      if (!split || now === undefined || pm.kind[now] !== PMD_TABLE) {
        err = -ENOMEM
        break
      }
      continue
    }
    const extent = Math.min(PMD_SIZE - (s % PMD_SIZE), PMD_SIZE - (d % PMD_SIZE), length - off)
    const r = move_pages_pte(k, mm, s, d, extent)
    visited += r.visited
    moved += r.moved
    off += r.moved
    if (r.err) {
      err = r.err
      break
    }
  }
  k.cost('install', visited * k.cpu.installEntryNs)
  if (visited) k.flushTlb()
  k.walk('uffd_move', visited)
  return moved || err
}

/**
 * Entries moved into a range registered for RWP arrive protected: the latest pmd_swap selftest
 * registers its UFFDIO_MOVE destination MISSING|RWP, never calls UFFDIO_RWPROTECT, and still
 * expects an RWP fault on the first read [inferred from the selftest].
 */
function rwpMarker(mm: Mm, addr: number): number {
  const vma = find_vma(mm, addr)
  return vma && vma.flags & VM_UFFD_RWP ? E_UFFD_WP : 0
}

/**
 * @kernel mm/userfaultfd.c move_pages_ptes() for one extent inside one source and one dest PMD:
 * entry by entry until one fails. A present large folio is split first (split_folio()); a swap
 * entry must be exclusive, and its swap-cache folio, if any, small ("For large folios, return
 * -EBUSY immediately, as split_folio() also returns -EBUSY when attempting to split unmapped
 * large folios in the swapcache").
 */
function move_pages_pte(
  k: Kernel,
  mm: Mm,
  s: number,
  d: number,
  length: number,
): { moved: number; visited: number; err: number } {
  const pm = k.pmds
  const pt = k.ptes
  const fo = k.folios
  const sp = mm.pmds.get(Math.floor(s / PMD_SIZE))!
  let dp = mm.pmds.get(Math.floor(d / PMD_SIZE))
  if (dp === undefined) {
    const t = pte_alloc_one(k, mm)
    if (t < 0) return { moved: 0, visited: 0, err: -ENOMEM }
    dp = pmdRow(k, mm, Math.floor(d / PMD_SIZE))
    pm.kind[dp] = PMD_TABLE
    pm.val[dp] = t
  }
  let moved = 0
  let err = 0
  for (let i = 0; i < length / PAGE_SIZE; i++) {
    const sa = s + i * PAGE_SIZE
    const da = d + i * PAGE_SIZE
    const a = pm.val[sp] * HPAGE_PMD_NR + pte_index(sa)
    const b = pm.val[dp] * HPAGE_PMD_NR + pte_index(da)
    if (pt.kind[b] !== PTE_NONE) {
      err = -EEXIST
      break
    }
    if (pt.kind[a] === PTE_NONE) {
      err = -ENOENT
      break
    }
    if (pt.kind[a] === PTE_PRESENT) {
      const f = pt.val[a]
      if (!(fo.flags[f] & PG_ANON_EXCLUSIVE)) {
        err = -EBUSY
        break
      }
      if (fo.order[f] > 0 && !split_folio(k, f)) {
        err = -EAGAIN
        break
      }
    } else if (pt.kind[a] === PTE_SWAP) {
      const cached = k.swap[pt.swapType[a]].cacheOf(pt.val[a])
      if (!(pt.flags[a] & E_SWP_EXCLUSIVE) || (cached >= 0 && fo.order[cached] > 0)) {
        err = -EBUSY
        break
      }
    }
    pt.kind[b] = pt.kind[a]
    pt.val[b] = pt.val[a]
    pt.sub[b] = pt.sub[a]
    pt.swapType[b] = pt.swapType[a]
    pt.flags[b] = pt.flags[a] | (pt.kind[a] === PTE_ZERO ? 0 : E_SOFT_DIRTY | rwpMarker(mm, da))
    pt.kind[a] = PTE_NONE
    if (pt.kind[b] !== PTE_ZERO) retarget(k, mm, -1, b, da)
    moveExpected(mm, sa, da, PAGE_SIZE)
    moved += PAGE_SIZE
  }
  return { moved, visited: moved / PAGE_SIZE + (err ? 1 : 0), err }
}

/** folio_move_anon_rmap() + folio->index update for the folio behind a moved entry. */
function retarget(k: Kernel, mm: Mm, pmdRowId: number, pteRow: number, dstAddr: number): void {
  const pm = k.pmds
  const pt = k.ptes
  const fo = k.folios
  let f = -1
  let sub = 0
  if (pmdRowId >= 0) {
    if (pm.kind[pmdRowId] === PMD_HUGE) f = pm.val[pmdRowId]
    else if (pm.kind[pmdRowId] === PMD_SWAP)
      f = k.swap[pm.swapType[pmdRowId]].cacheOf(pm.val[pmdRowId])
  } else if (pt.kind[pteRow] === PTE_PRESENT) {
    f = pt.val[pteRow]
    sub = pt.sub[pteRow]
  } else if (pt.kind[pteRow] === PTE_SWAP) {
    f = k.swap[pt.swapType[pteRow]].cacheOf(pt.val[pteRow])
    if (f >= 0) sub = pt.val[pteRow] - fo.swapOffset[f]
  }
  if (f < 0) return
  const vma = find_vma(mm, dstAddr)!
  fo.anonVma[f] = vma.anonVma.id
  fo.index[f] = vma.pgoff + (dstAddr - vma.start) / PAGE_SIZE - sub
}

function moveExpected(mm: Mm, s: number, d: number, length: number): void {
  const sv = find_vma(mm, s)!
  const dv = find_vma(mm, d)!
  const si = (s - sv.start) / PAGE_SIZE
  const di = (d - dv.start) / PAGE_SIZE
  const n = length / PAGE_SIZE
  RunArray.copy(dv.expected, di, sv.expected, si, n)
  sv.expected.fill(si, si + n, 0)
}
