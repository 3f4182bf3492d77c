/**
 * Physical memory as 2 MB pageblocks (mm/page_alloc.c, the buddy allocator reduced to the two
 * orders anonymous THP cares about). A PMD-order request needs a wholly free pageblock; order-0
 * requests fill partially used blocks first so that free blocks stay whole, which is what the
 * buddy allocator's migrate-type grouping achieves on a real machine.
 *
 * State is struct-of-arrays: a used-page count and a 512-bit bitmap per block, and one 32-bit
 * content tag per page frame (the "data" of RAM, so data loss is detectable).
 */
import type { ByteBudget } from '../engine/budget'
import { RunArray } from '../engine/runs'
import type { Kernel } from '../kernel'
import { HPAGE_PMD_NR, HPAGE_PMD_ORDER } from '../include/units'
import { MAX_MEMCGS, try_charge } from './memcontrol'
import { zramPoolShrink } from './zram'
import { out_of_memory } from './oom_kill'
import {
  get_nr_swap_pages,
  MAX_RECLAIM_RETRIES,
  reclaim_throttle,
  try_to_free_pages,
  wakeup_kswapd,
  wmark_pages,
} from './vmscan'

const BLOCK_FREE = 0
const BLOCK_PARTIAL = 1
const BLOCK_FULL = 2
/** Bytes per 2 MB block of blockUsed, blockState, bitmap, freeStack, partialStack, inPartial. */
const BLOCK_ARRAY_BYTES = 2 + 1 + HPAGE_PMD_NR / 8 + 4 + 4 + 1

export class PageAlloc {
  readonly nrBlocks: number
  readonly totalPages: number
  /** Content tag of every page frame; 0 = zero-filled (runs: src/sim/engine/runs.ts). */
  readonly pageTag: RunArray
  private readonly blockUsed: Uint16Array
  private readonly blockState: Uint8Array
  private readonly bitmap: Uint32Array
  /** Stack of wholly free blocks (lowest block on top, so allocation is deterministic). */
  private readonly freeStack: Int32Array
  private freeTop = 0
  /** Stack of blocks with some free and some used pages (entries may be stale). */
  private readonly partialStack: Int32Array
  private partialTop = 0
  private readonly inPartial: Uint8Array
  nrFree: number

  /**
   * `flatTags`: keep the content tags entry by entry (fast paths off, the oracle). `budget`: what
   * the frame arrays are charged to.
   */
  constructor(
    totalBytes: number,
    fragmentation = 0,
    flatTags = false,
    private readonly budget?: ByteBudget,
  ) {
    this.totalPages = totalBytes / 4096
    this.nrBlocks = this.totalPages / HPAGE_PMD_NR
    budget?.charge(this.nrBlocks * BLOCK_ARRAY_BYTES)
    this.pageTag = new RunArray(this.totalPages, flatTags, budget)
    this.blockUsed = new Uint16Array(this.nrBlocks)
    this.blockState = new Uint8Array(this.nrBlocks)
    this.bitmap = new Uint32Array(this.nrBlocks * (HPAGE_PMD_NR / 32))
    this.freeStack = new Int32Array(this.nrBlocks)
    this.partialStack = new Int32Array(this.nrBlocks)
    this.inPartial = new Uint8Array(this.nrBlocks)
    for (let b = this.nrBlocks - 1; b >= 0; b--) this.freeStack[this.freeTop++] = b
    this.nrFree = this.totalPages
    // Fragmentation: evenly spread pageblocks each hold one unmovable page from boot (slab, page
    // tables of other tasks...); without compaction they can never serve a PMD-order request.
    for (let b = 0; b < this.nrBlocks; b++) {
      if (Math.floor((b + 1) * fragmentation) === Math.floor(b * fragmentation)) continue
      this.bitmap[b * 16] = 1
      this.blockUsed[b] = 1
      this.blockState[b] = BLOCK_PARTIAL
      this.pushPartial(b)
      this.nrFree--
      this.bootPages++
    }
  }

  /** Bytes of the frame arrays. */
  get bytes(): number {
    return (
      this.nrBlocks * BLOCK_ARRAY_BYTES + this.pageTag.bytes + (this.pageMemcg?.byteLength ?? 0)
    )
  }

  /** Pages held since boot by the fragmentation knob (never freed). */
  bootPages = 0

  /**
   * Memory cgroup charging (mm/memcontrol.c, page granularity): the memcg id of every frame once
   * a scenario made a cgroup (null until then: everything is the root's), the memcg the next
   * allocation is charged to, and the pages each memcg holds (memory.current).
   */
  private pageMemcg: Uint8Array | null = null
  chargeTo = 0
  readonly memcgPages = new Float64Array(MAX_MEMCGS)

  /** Turns per-frame charging on (the first non-root cgroup): what is in use stays the root's. */
  enableMemcg(): void {
    if (this.pageMemcg) return
    this.budget?.charge(this.totalPages)
    this.pageMemcg = new Uint8Array(this.totalPages)
    this.memcgPages[0] = this.totalPages - this.nrFree
  }

  memcgOf(pfn: number): number {
    return this.pageMemcg ? this.pageMemcg[pfn] : 0
  }

  private charge(pfn: number, n: number): void {
    if (pfn < 0 || !this.pageMemcg) return
    this.pageMemcg.fill(this.chargeTo, pfn, pfn + n)
    this.memcgPages[this.chargeTo] += n
  }

  private uncharge(pfn: number, n: number): void {
    const m = this.pageMemcg
    if (!m) return
    for (let i = pfn; i < pfn + n; i++) this.memcgPages[m[i]]--
  }

  /** Wholly free pageblocks: what a PMD-order allocation can use. */
  get nrFreeBlocks(): number {
    return this.freeTop
  }

  /** Allocates 2^order pages (order 0 or HPAGE_PMD_ORDER); returns the first pfn or -1. */
  alloc(order: number): number {
    const pfn =
      order === HPAGE_PMD_ORDER
        ? this.allocBlock()
        : order === 0
          ? this.allocPage()
          : this.allocRun(order)
    this.charge(pfn, 1 << order)
    return pfn
  }

  free(pfn: number, order: number): void {
    this.uncharge(pfn, 1 << order)
    if (order === HPAGE_PMD_ORDER) {
      const b = pfn / HPAGE_PMD_NR
      this.bitmap.fill(0, b * 16, b * 16 + 16)
      this.blockUsed[b] = 0
      this.blockState[b] = BLOCK_FREE
      this.freeStack[this.freeTop++] = b
      this.nrFree += HPAGE_PMD_NR
      return
    }
    const b = Math.floor(pfn / HPAGE_PMD_NR)
    const n = 1 << order
    for (let i = 0; i < n; i++) {
      const bit = (pfn % HPAGE_PMD_NR) + i
      this.bitmap[b * 16 + (bit >>> 5)] &= ~(1 << (bit & 31))
    }
    this.nrFree += n
    this.blockUsed[b] -= n
    const used = this.blockUsed[b]
    if (used === 0) {
      this.blockState[b] = BLOCK_FREE
      this.freeStack[this.freeTop++] = b
    } else if (this.blockState[b] === BLOCK_FULL) {
      this.blockState[b] = BLOCK_PARTIAL
      this.pushPartial(b)
    }
  }

  private allocBlock(): number {
    while (this.freeTop > 0) {
      const b = this.freeStack[--this.freeTop]
      if (this.blockState[b] !== BLOCK_FREE) continue
      this.blockState[b] = BLOCK_FULL
      this.blockUsed[b] = HPAGE_PMD_NR
      this.bitmap.fill(0xffffffff, b * 16, b * 16 + 16)
      this.nrFree -= HPAGE_PMD_NR
      return b * HPAGE_PMD_NR
    }
    return -1
  }

  private allocPage(): number {
    let b = -1
    while (this.partialTop > 0) {
      const cand = this.partialStack[this.partialTop - 1]
      if (this.blockState[cand] === BLOCK_PARTIAL) {
        b = cand
        break
      }
      this.partialTop--
      this.inPartial[cand] = 0
    }
    if (b < 0) {
      // Break up a free block: the stack may hold stale entries of blocks already in use.
      while (this.freeTop > 0) {
        const cand = this.freeStack[--this.freeTop]
        if (this.blockState[cand] === BLOCK_FREE && this.blockUsed[cand] === 0) {
          b = cand
          break
        }
      }
      if (b < 0) return -1
      this.blockState[b] = BLOCK_PARTIAL
      this.pushPartial(b)
    }
    for (let w = b * 16; w < b * 16 + 16; w++) {
      const word = this.bitmap[w]
      if (word === 0xffffffff) continue
      const bit = 31 - Math.clz32(~word & (word + 1))
      this.bitmap[w] = word | (1 << bit)
      const pfn = b * HPAGE_PMD_NR + (w - b * 16) * 32 + bit
      this.nrFree--
      if (++this.blockUsed[b] === HPAGE_PMD_NR) this.blockState[b] = BLOCK_FULL
      return pfn
    }
    throw new Error(`page_alloc: block ${b} marked partial but full`)
  }

  /**
   * An mTHP-sized run (orders 1-8): the first naturally aligned free run in a partially used
   * block, else in a free block broken up for it.
   */
  private allocRun(order: number): number {
    const n = 1 << order
    for (let i = this.partialTop - 1; i >= 0; i--) {
      const b = this.partialStack[i]
      if (this.blockState[b] !== BLOCK_PARTIAL) continue
      const at = this.findRun(b, n)
      if (at >= 0) return this.takeRun(b, at, n)
    }
    while (this.freeTop > 0) {
      const b = this.freeStack[--this.freeTop]
      if (this.blockState[b] !== BLOCK_FREE || this.blockUsed[b] !== 0) continue
      this.blockState[b] = BLOCK_PARTIAL
      this.pushPartial(b)
      return this.takeRun(b, 0, n)
    }
    return -1
  }

  /** First aligned run of `n` free pages in block `b` (page index in the block), or -1. */
  private findRun(b: number, n: number): number {
    const bm = this.bitmap
    if (n >= 32) {
      const words = n / 32
      for (let w = 0; w < 16; w += words) {
        let free = true
        for (let j = 0; j < words && free; j++) free = bm[b * 16 + w + j] === 0
        if (free) return w * 32
      }
      return -1
    }
    const mask = (1 << n) - 1
    for (let w = 0; w < 16; w++) {
      const word = bm[b * 16 + w]
      if (word === 0xffffffff) continue
      for (let off = 0; off < 32; off += n) if (((word >>> off) & mask) === 0) return w * 32 + off
    }
    return -1
  }

  private takeRun(b: number, at: number, n: number): number {
    for (let i = at; i < at + n; i++) this.bitmap[b * 16 + (i >>> 5)] |= 1 << (i & 31)
    this.nrFree -= n
    this.blockUsed[b] += n
    if (this.blockUsed[b] === HPAGE_PMD_NR) this.blockState[b] = BLOCK_FULL
    return b * HPAGE_PMD_NR + at
  }

  private pushPartial(b: number): void {
    if (this.inPartial[b]) return
    this.inPartial[b] = 1
    this.partialStack[this.partialTop++] = b
  }
}

/**
 * @kernel mm/page_alloc.c __alloc_pages() and __alloc_pages_slowpath(), reduced to what the
 * model has. The fast path takes pages while free memory stays above the low watermark; below
 * it, kswapd is woken (wakeup_kswapd()) and the allocation may dip to the min watermark; below
 * that, if `directReclaim`, it reclaims itself (try_to_free_pages(), counted as allocstall) and
 * retries for as long as should_reclaim_retry() sees a way: progress, or reclaimable memory
 * that would lift it above the min watermark, for up to MAX_RECLAIM_RETRIES rounds without
 * progress. Only then, for order 0, the OOM killer (__alloc_pages_may_oom()). Reclaim itself
 * (PF_MEMALLOC) allocates with no watermark. A costly order (a THP) needs a wholly free pageblock
 * (compaction is not modelled): it retries reclaim while that makes progress or writeback is in
 * flight, at most MAX_COMPACT_RETRIES rounds, then fails. `kernel`: a kernel
 * allocation (page tables), counted as allocstall_normal rather than allocstall_movable.
 * Returns the first pfn or -1.
 */
export function alloc_pages(
  k: Kernel,
  order: number,
  directReclaim: boolean,
  kernel = false,
): number {
  const n = 1 << order
  k.chargeFailed = false
  if (k.inReclaim) return take(k, order)
  // The memcg charge (mem_cgroup_charge() -> try_charge()): its own reclaim and OOM. The kernel
  // charges after taking the pages; the order does not change what either sees.
  if (!kernel && !try_charge(k, order, directReclaim)) {
    k.chargeFailed = true
    return -1
  }
  const wm = wmark_pages(k)
  if (k.mem.nrFree - n >= wm.low) return take(k, order)
  wakeup_kswapd(k)
  // Pool pages zram no longer needs go back first (zs_free() of the objects freed meanwhile).
  zramPoolShrink(k)
  if (k.mem.nrFree - n >= wm.min) return take(k, order)
  if (!directReclaim) return -1
  let noProgressLoops = 0
  let costlyRounds = 0
  for (;;) {
    const progress = try_to_free_pages(k, order, !kernel)
    if (k.mem.nrFree - n >= wm.min) {
      const pfn = take(k, order)
      if (pfn >= 0) return pfn
    }
    if (order > PAGE_ALLOC_COSTLY_ORDER) {
      // No compaction in the model: reclaim rounds stand in for should_compact_retry()'s (at
      // most MAX_COMPACT_RETRIES), each asking for a pageblock's worth. With nothing freed and
      // no writeback to wait for, the THP allocation fails (no OOM for it).
      if (++costlyRounds >= MAX_COMPACT_RETRIES) return -1
      if (!progress && !reclaim_throttle(k)) return -1
      continue
    }
    noProgressLoops = progress > 0 ? 0 : noProgressLoops + 1
    if (should_reclaim_retry(k, order, noProgressLoops, wm.min)) {
      // Nothing freed but writeback in flight: the model's stand-in for the throttling inside
      // reclaim (reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK)); the allocation stalls.
      if (!progress) reclaim_throttle(k)
      continue
    }
    // __alloc_pages_may_oom(): one more look with the high watermark, then the OOM killer.
    if (k.mem.nrFree - n >= wm.high) return take(k, order)
    if (!out_of_memory(k)) return -1
    noProgressLoops = 0
    if (k.mem.nrFree - n >= wm.min) return take(k, order)
  }
}

/**
 * @kernel mm/page_alloc.c should_reclaim_retry(): no more than MAX_RECLAIM_RETRIES rounds in a
 * row without progress, and only while free plus reclaimable pages (the anon LRU, if swap space
 * is left) would clear the min watermark.
 */
function should_reclaim_retry(
  k: Kernel,
  order: number,
  noProgressLoops: number,
  wmarkMin: number,
): boolean {
  if (noProgressLoops > MAX_RECLAIM_RETRIES) return false
  return k.mem.nrFree + zone_reclaimable_pages(k) - (1 << order) >= wmarkMin
}

/** @kernel mm/vmscan.c zone_reclaimable_pages(): the anon LRU counts while swap space is left. */
function zone_reclaimable_pages(k: Kernel): number {
  if (get_nr_swap_pages(k) <= 0) return 0
  const [inactive, active] = k.lruPagesTotal()
  return inactive + active
}

/** get_page_from_freelist() once the watermark check passed. */
function take(k: Kernel, order: number): number {
  k.mem.chargeTo = k.chargeTo
  const pfn = k.mem.alloc(order)
  if (pfn >= 0) k.cost('alloc', k.cpu.pageAllocNs)
  return pfn
}

/** @kernel mm/page_alloc.c MAX_COMPACT_RETRIES */
const MAX_COMPACT_RETRIES = 16

/** @kernel include/linux/mmzone.h PAGE_ALLOC_COSTLY_ORDER */
export const PAGE_ALLOC_COSTLY_ORDER = 3
