/**
 * The model's state, struct-of-arrays (include/linux/mm_types.h, include/linux/page-flags.h).
 *
 * - Folios live in a pool indexed by folio id: one row per folio, whatever its order, so a
 *   PMD-mapped THP costs one row, not 512.
 * - PMDs: one row per populated 2 MB range per mm (an mm maps its PMD index to a row).
 * - PTE tables: pooled 512-entry tables that exist only where a PMD points to one, or where one is
 *   deposited under a huge PMD.
 * Every pool grows by doubling and recycles freed rows through a free list; growth is charged to
 * the kernel's ByteBudget (`budget`, set by Kernel).
 */
import type { UffdEvent } from '../api'
import type { ByteBudget } from '../engine/budget'
import type { RunArray } from '../engine/runs'
import { HPAGE_PMD_NR } from '../include/units'

/** @kernel include/linux/page-flags.h (the subset anonymous reclaim looks at) */
export const PG_LRU = 1 << 0
export const PG_DIRTY = 1 << 1
export const PG_UPTODATE = 1 << 2
export const PG_SWAPCACHE = 1 << 3
export const PG_WRITEBACK = 1 << 4
/** PageAnonExclusive, kept per folio: the model never shares part of a folio across mms. */
export const PG_ANON_EXCLUSIVE = 1 << 5
export const PG_REFERENCED = 1 << 6
/** Marked by swap readahead; a later hit counts swap_ra_hit (folio_test_clear_readahead). */
export const PG_READAHEAD = 1 << 7
/** On the deferred split queue (folio_test_partially_mapped). */
export const PG_PARTIALLY_MAPPED = 1 << 8
export const PG_ACTIVE = 1 << 9
/** MADV_FREE'd: !PG_swapbacked. A clean lazyfree folio is discarded by reclaim, not swapped. */
export const PG_LAZYFREE = 1 << 10

/** Bytes of all of a pool's columns. */
function columnBytes(columns: readonly { byteLength: number }[]): number {
  let n = 0
  for (const c of columns) n += c.byteLength
  return n
}

function grow<T extends Int32Array | Uint8Array | Uint16Array | Float64Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n)
  b.set(a)
  return b
}

export class FolioPool {
  order = new Uint8Array(1024)
  pfn = new Int32Array(1024)
  flags = new Uint16Array(1024)
  /** PTE mappings of any page of the folio, over all mms. */
  pteMapcount = new Int32Array(1024)
  /** PMD ("entire") mappings. */
  pmdMapcount = new Int32Array(1024)
  swapType = new Uint8Array(1024)
  /** First swap slot when PG_SWAPCACHE is set. */
  swapOffset = new Int32Array(1024)
  /** Linear page index in the anon_vma's space (folio->index), for the rmap walk. */
  index = new Float64Array(1024)
  anonVma = new Int32Array(1024)
  lruPrev = new Int32Array(1024)
  lruNext = new Int32Array(1024)
  /** Which LRU list the folio is on while PG_lru is set (include/linux/mmzone.h enum lru_list). */
  lruList = new Uint8Array(1024)
  private freeList: number[] = []
  private next = 0
  nrLive = 0
  budget?: ByteBudget

  /** Bytes of the pool's columns. */
  get bytes(): number {
    return columnBytes([
      this.order,
      this.pfn,
      this.flags,
      this.pteMapcount,
      this.pmdMapcount,
      this.swapType,
      this.swapOffset,
      this.index,
      this.anonVma,
      this.lruPrev,
      this.lruNext,
      this.lruList,
    ])
  }

  /** One past the highest folio id ever handed out: live folios are below it (pfn >= 0). */
  get highWater(): number {
    return this.next
  }

  alloc(): number {
    let f: number
    if (this.freeList.length) {
      f = this.freeList.pop()!
    } else {
      f = this.next++
      if (f >= this.order.length) this.resize(this.order.length * 2)
    }
    this.order[f] = 0
    this.pfn[f] = -1
    this.flags[f] = 0
    this.pteMapcount[f] = 0
    this.pmdMapcount[f] = 0
    this.swapType[f] = 0
    this.swapOffset[f] = -1
    this.index[f] = 0
    this.anonVma[f] = -1
    this.lruPrev[f] = -1
    this.lruNext[f] = -1
    this.nrLive++
    return f
  }

  release(f: number): void {
    this.pfn[f] = -1
    this.flags[f] = 0
    this.freeList.push(f)
    this.nrLive--
  }

  nrPages(f: number): number {
    return 1 << this.order[f]
  }

  mapped(f: number): boolean {
    return this.pteMapcount[f] + this.pmdMapcount[f] > 0
  }

  private resize(n: number): void {
    this.budget?.charge((this.bytes / this.order.length) * n)
    this.order = grow(this.order, n)
    this.pfn = grow(this.pfn, n)
    this.flags = grow(this.flags, n)
    this.pteMapcount = grow(this.pteMapcount, n)
    this.pmdMapcount = grow(this.pmdMapcount, n)
    this.swapType = grow(this.swapType, n)
    this.swapOffset = grow(this.swapOffset, n)
    this.index = grow(this.index, n)
    this.anonVma = grow(this.anonVma, n)
    this.lruPrev = grow(this.lruPrev, n)
    this.lruNext = grow(this.lruNext, n)
    this.lruList = grow(this.lruList, n)
  }
}

/** PMD rows: kind (include/pgtable.ts PMD_*), value, swap type, entry bits, deposited table. */
export class PmdPool {
  kind = new Uint8Array(256)
  /** PMD_HUGE: folio id. PMD_SWAP: first swap offset. PMD_TABLE: PTE table id. */
  val = new Int32Array(256)
  swapType = new Uint8Array(256)
  flags = new Uint8Array(256)
  /** Deposited PTE table under a huge or swap PMD (pgtable_trans_huge_deposit), or -1. */
  deposit = new Int32Array(256)
  private freeList: number[] = []
  private next = 0
  budget?: ByteBudget

  /** Bytes of the pool's columns. */
  get bytes(): number {
    return columnBytes([this.kind, this.val, this.swapType, this.flags, this.deposit])
  }

  alloc(): number {
    let p: number
    if (this.freeList.length) {
      p = this.freeList.pop()!
    } else {
      p = this.next++
      if (p >= this.kind.length) {
        const n = this.kind.length * 2
        this.budget?.charge((this.bytes / this.kind.length) * n)
        this.kind = grow(this.kind, n)
        this.val = grow(this.val, n)
        this.swapType = grow(this.swapType, n)
        this.flags = grow(this.flags, n)
        this.deposit = grow(this.deposit, n)
      }
    }
    this.kind[p] = 0
    this.val[p] = -1
    this.swapType[p] = 0
    this.flags[p] = 0
    this.deposit[p] = -1
    return p
  }

  release(p: number): void {
    this.freeList.push(p)
  }
}

/**
 * Table ids from BARE_TABLE up are bare: a PTE table page that exists (allocated, accounted,
 * deposited) but whose 512 entries, all pte_none, are not stored. A deposited table is bare until
 * it is withdrawn to be filled (PtePool.dress()); most are freed without ever being used.
 */
export const BARE_TABLE = 1 << 30

/** 512-entry PTE tables, pooled. Entry e of table t is row t * 512 + e. */
export class PtePool {
  kind = new Uint8Array(HPAGE_PMD_NR * 64)
  /** PTE_PRESENT: folio id. PTE_SWAP: swap offset. */
  val = new Int32Array(HPAGE_PMD_NR * 64)
  /** PTE_PRESENT: page index inside the folio. */
  sub = new Uint16Array(HPAGE_PMD_NR * 64)
  swapType = new Uint8Array(HPAGE_PMD_NR * 64)
  flags = new Uint8Array(HPAGE_PMD_NR * 64)
  /** The page frame backing each table (page tables are memory too: PageTables). */
  tablePfn = new Int32Array(64)
  private freeList: number[] = []
  private next = 0
  /** Bare tables' page frames, by id - BARE_TABLE. */
  private barePfn = new Int32Array(64)
  private bareFree: number[] = []
  private bareNext = 0
  /** Tables in use, bare ones included. */
  nrLive = 0
  /** Bare tables in use. */
  private nrBare = 0
  budget?: ByteBudget

  /** Bytes of the pool's columns. */
  get bytes(): number {
    return columnBytes([
      this.kind,
      this.val,
      this.sub,
      this.swapType,
      this.flags,
      this.tablePfn,
      this.barePfn,
    ])
  }

  /** Tables in use whose entries are stored. */
  get nrStored(): number {
    return this.nrLive - this.nrBare
  }

  alloc(pfn: number): number {
    let t: number
    if (this.freeList.length) {
      t = this.freeList.pop()!
    } else {
      t = this.next++
      if (t >= this.tablePfn.length) {
        const n = this.tablePfn.length * 2
        this.budget?.charge(n * (4 + HPAGE_PMD_NR * 9))
        this.tablePfn = grow(this.tablePfn, n)
        this.kind = grow(this.kind, n * HPAGE_PMD_NR)
        this.val = grow(this.val, n * HPAGE_PMD_NR)
        this.sub = grow(this.sub, n * HPAGE_PMD_NR)
        this.swapType = grow(this.swapType, n * HPAGE_PMD_NR)
        this.flags = grow(this.flags, n * HPAGE_PMD_NR)
      }
    }
    const base = t * HPAGE_PMD_NR
    this.kind.fill(0, base, base + HPAGE_PMD_NR)
    this.flags.fill(0, base, base + HPAGE_PMD_NR)
    this.tablePfn[t] = pfn
    this.nrLive++
    return t
  }

  /** A table whose entries are not stored until dress() (see BARE_TABLE). */
  allocBare(pfn: number): number {
    let b: number
    if (this.bareFree.length) b = this.bareFree.pop()!
    else {
      b = this.bareNext++
      if (b >= this.barePfn.length) {
        this.budget?.charge(this.barePfn.length * 8)
        this.barePfn = grow(this.barePfn, this.barePfn.length * 2)
      }
    }
    this.barePfn[b] = pfn
    this.nrLive++
    this.nrBare++
    return BARE_TABLE + b
  }

  /** Table `t` with its entries stored: a bare table becomes a stored one, same page frame. */
  dress(t: number): number {
    if (t < BARE_TABLE) return t
    const pfn = this.release(t)
    return this.alloc(pfn)
  }

  release(t: number): number {
    this.nrLive--
    if (t >= BARE_TABLE) {
      this.nrBare--
      this.bareFree.push(t - BARE_TABLE)
      return this.barePfn[t - BARE_TABLE]
    }
    this.freeList.push(t)
    return this.tablePfn[t]
  }
}

/** VM_* flags (include/linux/mm.h) the model uses. */
export const VM_READ = 1 << 0
export const VM_WRITE = 1 << 1
export const VM_HUGEPAGE = 1 << 2
export const VM_NOHUGEPAGE = 1 << 3
/** Registered with userfaultfd: MISSING, WP, and RWP (this tree's read/write-protect mode). */
export const VM_UFFD_MISSING = 1 << 4
export const VM_UFFD_WP = 1 << 5
export const VM_UFFD_RWP = 1 << 6
/**
 * VM_SOFTDIRTY: set on a new VMA (everything in it counts as written since the last
 * CLEAR_REFS_SOFT_DIRTY), cleared by it; pagemap reports soft-dirty for every page of such a VMA,
 * holes included. Ignored when VMAs merge (is_mergeable_vma()).
 */
export const VM_SOFTDIRTY = 1 << 7
/** Any userfaultfd registration mode. */
export const VM_UFFD_ANY = VM_UFFD_MISSING | VM_UFFD_WP | VM_UFFD_RWP

/** An anon_vma: the rmap root shared by a VMA and its forked copies (mm/rmap.c). */
export interface AnonVma {
  id: number
  vmas: Set<Vma>
}

export interface Vma {
  mm: Mm
  start: number
  end: number
  flags: number
  /** Linear page index of `start` in the anon_vma's space (vma->vm_pgoff for anon). */
  pgoff: number
  anonVma: AnonVma
  /**
   * What each 4 KB page of the VMA must contain: the reference the model checks every read
   * against. 0 = never written (reads as zeroes).
   */
  expected: RunArray
  /**
   * vma->swap_readahead_info: SWAP_RA_VAL(last fault address, window, hits) as the kernel packs it
   * (mm/swap_state.c swap_vma_ra_win()); 0 until the VMA's first swap-in. A number, so that a copy
   * of the VMA (vm_area_dup(): split, fork, mremap) copies it, as the kernel's memcpy does.
   */
  swapReadaheadInfo: number
}

/** One process address space (struct mm_struct) plus the task that owns it. */
export interface Mm {
  pid: number
  comm: string
  /** Sorted by start; never overlapping. */
  vmas: Vma[]
  /** PMD index (address >> 21) -> PmdPool row. */
  pmds: Map<number, number>
  /** MM_ANONPAGES */
  anonRss: number
  /** MM_SWAPENTS */
  swapEnts: number
  /** PTE tables accounted to this mm, deposited ones included (mm_inc_nr_ptes). */
  nrPtes: number
  /** Where the next mmap goes. */
  mmapCursor: number
  exited: boolean
  oomKilled: boolean
  /** The memory cgroup the task is in (mm/memcontrol.c; 0: the root). */
  memcg: number
  /**
   * The PMD tables (one per GB, key >= 0) and PUD tables (one per 512 GB, key < 0) this mm's
   * populated PMDs sit in: [PMDs in it, page frame] (pmd_alloc(), pud_alloc()).
   */
  upper: Map<number, [number, number]>
  /** The userfaultfd monitor's pending events (the ctx's read queue; fs/userfaultfd.c). */
  uffdQueue: UffdEvent[]
}
