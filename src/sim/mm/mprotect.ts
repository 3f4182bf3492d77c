/**
 * mprotect(2) on private anonymous memory (mm/mprotect.c): split VMAs at the edges, then
 * change_protection() over the range. A huge or swap PMD only partly covered is split first
 * (F11, selftest split_mprotect); a whole swap PMD is left alone (change_non_present_huge_pmd()
 * only touches uffd-wp). Removing write permission write-protects present entries; granting it
 * makes anon-exclusive pages writable at once (can_change_pte_writable()).
 */
import { SimUsageError, type Prot } from '../api'
import type { Kernel } from '../kernel'
import {
  E_WRITE,
  PMD_HUGE,
  PMD_HUGE_ZERO,
  PMD_SWAP,
  PMD_TABLE,
  PTE_PRESENT,
} from '../include/pgtable'
import { HPAGE_PMD_NR, PAGE_SIZE, PMD_SIZE } from '../include/units'
import { __split_huge_pmd } from './huge_memory'
import { splitVmaAt, vma_merge_range } from './mmap'
import { PG_ANON_EXCLUSIVE, VM_READ, VM_WRITE, type Mm } from './mm_types'

const PROT_FLAGS: Record<Prot, number> = { none: 0, r: VM_READ, rw: VM_READ | VM_WRITE }

/** @kernel mm/mprotect.c do_mprotect_pkey() */
export function do_mprotect(k: Kernel, mm: Mm, start: number, end: number, prot: Prot): void {
  const newFlags = PROT_FLAGS[prot]
  if (newFlags === undefined)
    throw new SimUsageError(`mprotect: unknown prot '${prot}' (use 'none', 'r' or 'rw')`)
  let covered = 0
  for (const v of mm.vmas) covered += Math.max(0, Math.min(end, v.end) - Math.max(start, v.start))
  if (covered !== end - start)
    throw new SimUsageError('mprotect: ENOMEM: range is not fully mapped')
  splitVmaAt(mm, start)
  splitVmaAt(mm, end)
  for (const v of mm.vmas) {
    if (v.start >= start && v.end <= end) v.flags = (v.flags & ~(VM_READ | VM_WRITE)) | newFlags
  }
  vma_merge_range(mm, start, end)
  const write = (newFlags & VM_WRITE) !== 0
  const pm = k.pmds
  const pt = k.ptes
  const fo = k.folios
  let visited = 0
  for (let pmdIdx = Math.floor(start / PMD_SIZE); pmdIdx * PMD_SIZE < end; pmdIdx++) {
    const p = mm.pmds.get(pmdIdx)
    if (p === undefined) continue
    const pmdStart = pmdIdx * PMD_SIZE
    const lo = Math.max(start, pmdStart)
    const hi = Math.min(end, pmdStart + PMD_SIZE)
    const kind = pm.kind[p]
    if (kind === PMD_HUGE || kind === PMD_HUGE_ZERO || kind === PMD_SWAP) {
      if (hi - lo === PMD_SIZE) {
        visited++
        if (kind === PMD_HUGE)
          pm.flags[p] = change(pm.flags[p], write, (fo.flags[pm.val[p]] & PG_ANON_EXCLUSIVE) !== 0)
        continue
      }
      if (kind === PMD_SWAP) k.count('F11-partial-range')
      if (!__split_huge_pmd(k, mm, pmdIdx)) {
        throw new SimUsageError(
          'mprotect: ENOMEM: no page for the PTE table a partial mprotect needs',
        )
      }
    }
    if (pm.kind[p] !== PMD_TABLE) continue
    const base = pm.val[p] * HPAGE_PMD_NR
    const from = (lo - pmdStart) / PAGE_SIZE
    const to = (hi - pmdStart) / PAGE_SIZE
    visited += to - from
    for (let e = base + from; e < base + to; e++) {
      if (pt.kind[e] !== PTE_PRESENT) continue
      pt.flags[e] = change(pt.flags[e], write, (fo.flags[pt.val[e]] & PG_ANON_EXCLUSIVE) !== 0)
    }
  }
  k.cost('install', visited * k.cpu.installEntryNs)
  k.flushTlb()
  k.walk('mprotect', visited)
}

function change(flags: number, write: boolean, exclusive: boolean): number {
  if (!write) return flags & ~E_WRITE
  return exclusive ? flags | E_WRITE : flags
}
