/**
 * Swap devices and the cluster allocator (mm/swapfile.c). Each device is an array of slots in
 * 512-slot clusters (SWAPFILE_CLUSTER). Per slot: the swap count (references from page tables),
 * the swap-cache folio (ci->table's folio pointer), a content tag (the data on the device) and
 * flags (zero-filled, stored in zswap). Clusters are free, nonfull (per order), frag or full.
 */
import type { ByteBudget } from '../engine/budget'
import type { SwapDeviceType } from '../api'
import {
  COMPRESSOR_COSTS,
  DEVICE_COSTS,
  type CompressorCost,
  type DeviceCost,
} from '../cost/defaults'
import { HPAGE_PMD_ORDER, SWAPFILE_CLUSTER } from '../include/units'
import { DeviceQueue } from '../cost/queue'
import { RunArray } from '../engine/runs'

/** Slot flags. */
export const SLOT_ZERO = 1 << 0
export const SLOT_ZSWAP = 1 << 1
/** The slot's data is stored compressed in the zram device's pool (zram_write_page()). */
export const SLOT_ZRAM = 1 << 2

const CLUSTER_FREE = 0
const CLUSTER_NONFULL = 1
const CLUSTER_FRAG = 2
const CLUSTER_FULL = 3

/**
 * The swap header's slot: never handed out. setup_clusters() marks it a bad slot, so cluster 0
 * starts nonfull (on the order-0 list) and a PMD-order allocation's first cluster is 1; the
 * device's size in pages (si->pages, SwapTotal) leaves it out.
 */
export const SWAP_HEADER_SLOT = 0

/** Bytes per cluster of clusterUsed, clusterState, clusterOrder and freeQ. */
const CLUSTER_ARRAY_BYTES = 2 + 1 + 1 + 4

/** Largest count kept inline; above it the count lives in the extension table. */
const SWP_TB_COUNT_MAX = 0xfe

export class SwapInfo {
  readonly type: number
  readonly deviceType: SwapDeviceType
  /** The device's figures (set from the machine's cost spec). */
  cost: DeviceCost
  /** zram's compressor (its per-page CPU cost). */
  compressor: CompressorCost = COMPRESSOR_COSTS.lzo
  /** The device's request queue (asynchronous devices). */
  queue: DeviceQueue
  priority: number
  readonly nrSlots: number
  readonly nrClusters: number
  enabled = true
  /** SWP_STABLE_WRITES */
  stableWrites = false
  /**
   * Swap count per slot (references from page tables), SWP_TB_COUNT_MAX + 1 when it lives in
   * countExt. This and the per-slot arrays below are RunArrays (src/sim/engine/runs.ts): a
   * cluster whose 512 slots agree costs one chunk descriptor, whatever the device's size.
   */
  private readonly count: RunArray
  /** Extension table for counts above SWP_TB_COUNT_MAX (swap_retry_table_alloc). */
  readonly countExt = new Map<number, number>()
  /**
   * Swap-cache folio per slot, plus one (0: none: a fresh device is one run of zeroes, with no
   * fill). Read and written through cacheOf() / setCache() / setCacheRange().
   */
  private readonly cache: RunArray
  /** Content tag per slot: the data on the device (runs: src/sim/engine/runs.ts). */
  readonly tag: RunArray
  private readonly slotFlags: RunArray
  /** Slots in use per cluster (count > 0 or in the swap cache). */
  readonly clusterUsed: Uint16Array
  readonly clusterState: Uint8Array
  /** ci->order: the order the cluster serves once its first slot is handed out. */
  readonly clusterOrder: Uint8Array
  /** Free clusters, FIFO (free_clusters list: freed clusters go to the tail). */
  private freeQ: Int32Array
  private freeHead = 0
  private freeLen = 0
  /** The per-CPU cached cluster for order 0 (percpu_swap_cluster), -1 if none. */
  private order0Cluster = -1
  inuseSlots = 0
  /** Pages read from and written to the device itself (not zswap, not zero-filled). */
  readPages = 0
  writePages = 0
  /** Slots whose data zswap holds (meminfo Zswapped). */
  zswapped = 0
  /** zram: slots stored compressed in the pool, and the pool's page frames (zsmalloc). */
  zramStored = 0
  /** RAM the pool takes per stored page (machine.swap[i].pool_bytes_per_page). */
  poolBytesPerPage = 0
  readonly zramPool: number[] = []

  /** Bytes of the slot and cluster arrays. */
  get bytes(): number {
    return (
      this.nrClusters * CLUSTER_ARRAY_BYTES +
      this.count.bytes +
      this.cache.bytes +
      this.tag.bytes +
      this.slotFlags.bytes
    )
  }

  /** Slots held since boot by swap entries outside the scenario (the fragmentation knob). */
  readonly bootHeld = new Set<number>()

  constructor(
    type: number,
    deviceType: SwapDeviceType,
    sizeBytes: number,
    priority: number,
    fragmentation = 0,
    flatTags = false,
    budget?: ByteBudget,
  ) {
    this.type = type
    this.deviceType = deviceType
    this.cost = DEVICE_COSTS[deviceType]
    this.queue = new DeviceQueue(this.cost)
    this.priority = priority
    this.nrSlots = sizeBytes / 4096
    this.nrClusters = this.nrSlots / SWAPFILE_CLUSTER
    budget?.charge(this.nrClusters * CLUSTER_ARRAY_BYTES)
    this.count = new RunArray(this.nrSlots, flatTags, budget)
    this.cache = new RunArray(this.nrSlots, flatTags, budget)
    this.tag = new RunArray(this.nrSlots, flatTags, budget)
    this.slotFlags = new RunArray(this.nrSlots, flatTags, budget)
    this.clusterUsed = new Uint16Array(this.nrClusters)
    this.clusterState = new Uint8Array(this.nrClusters)
    this.clusterOrder = new Uint8Array(this.nrClusters)
    this.freeQ = new Int32Array(this.nrClusters)
    this.count.set(SWAP_HEADER_SLOT, 1)
    this.clusterUsed[0] = 1
    this.clusterState[0] = CLUSTER_NONFULL
    this.clusterOrder[0] = 0
    for (let c = 1; c < this.nrClusters; c++) this.pushFree(c)
    // Fragmentation: spread evenly, the chosen clusters each keep one order-0 slot in use, so
    // they are never wholly free and PMD-order allocations must skip them. (Cluster 0 holds the
    // header already.)
    for (let c = 1; c < this.nrClusters; c++) {
      if (Math.floor((c + 1) * fragmentation) === Math.floor(c * fragmentation)) continue
      const off = c * SWAPFILE_CLUSTER
      this.count.set(off, 1)
      this.bootHeld.add(off)
      this.inuseSlots++
      this.clusterUsed[c] = 1
      this.clusterState[c] = CLUSTER_NONFULL
      this.clusterOrder[c] = 0
    }
  }

  /** si->pages: the slots swap can use (all but the header). */
  get pages(): number {
    return this.nrSlots - 1
  }

  get nrFreeClusters(): number {
    return this.freeLen
  }

  /** The swap-cache folio of a slot, or -1. */
  cacheOf(offset: number): number {
    return this.cache.get(offset) - 1
  }

  setCache(offset: number, folio: number): void {
    this.cache.set(offset, folio + 1)
  }

  /** Slots [offset, offset + nr) cached by `folio` (-1: none). */
  setCacheRange(offset: number, nr: number, folio: number): void {
    if (nr === 1) this.cache.set(offset, folio + 1)
    else this.cache.fill(offset, offset + nr, folio + 1)
  }

  /** The slot's flags (SLOT_*). */
  slotFlagsOf(offset: number): number {
    return this.slotFlags.get(offset)
  }

  swapCount(offset: number): number {
    const c = this.count.get(offset)
    return c === SWP_TB_COUNT_MAX + 1 ? this.countExt.get(offset)! : c
  }

  private setCount(offset: number, n: number): void {
    if (n > SWP_TB_COUNT_MAX) {
      this.count.set(offset, SWP_TB_COUNT_MAX + 1)
      this.countExt.set(offset, n)
    } else {
      this.count.set(offset, n)
      if (this.countExt.size) this.countExt.delete(offset)
    }
  }

  /**
   * The count every slot of [offset, offset + nr) holds inline, when they all hold the same one
   * and none lives in countExt; else -1. Lets a range change its counts in one fill.
   */
  private uniformCount(offset: number, nr: number): number {
    if (nr < 2 || this.count.isFlat) return -1
    const c = this.count.get(offset)
    return c <= SWP_TB_COUNT_MAX && this.count.allEqual(offset, offset + nr, c) ? c : -1
  }

  /** @kernel mm/swapfile.c folio_dup_swap() / swap_dup_entries(): one more reference per slot. */
  dup(offset: number, nr: number): void {
    const c = this.uniformCount(offset, nr)
    if (c >= 0 && c < SWP_TB_COUNT_MAX) {
      this.count.fill(offset, offset + nr, c + 1)
      return
    }
    for (let i = offset; i < offset + nr; i++) this.setCount(i, this.swapCount(i) + 1)
  }

  /**
   * Drops one reference per slot (swap_put_entries_direct()). Slots left with neither a count nor
   * a swap-cache folio are freed. Returns how many slots reached count 0 while still cached, for
   * the caller to try to reclaim the cache (free_swap_and_cache()).
   */
  put(offset: number, nr: number): void {
    const c = this.uniformCount(offset, nr)
    // Every slot goes from c to c - 1 alike; at 0 each slot without a cached folio is freed:
    // in one step when the cache is the same for all (none, or one folio).
    const cached = c === 1 ? this.cache.get(offset) : 0
    if (c > 1 || (c === 1 && this.cache.allEqual(offset, offset + nr, cached))) {
      this.count.fill(offset, offset + nr, c - 1)
      if (c === 1 && cached === 0) this.freeRange(offset, nr)
      return
    }
    for (let i = offset; i < offset + nr; i++) {
      const n = this.swapCount(i)
      if (n === 0) throw new Error(`swap_put: slot ${this.type}:${i} has count 0`)
      this.setCount(i, n - 1)
      if (n === 1 && this.cacheOf(i) < 0) this.freeSlot(i)
    }
  }

  /** Chunks of 512 slots whose state is held slot by slot (see RunArray). */
  materializedChunks(): number {
    return (
      this.count.materializedChunks +
      this.cache.materializedChunks +
      this.slotFlags.materializedChunks +
      this.tag.materializedChunks
    )
  }

  /** Whether any slot of [offset, offset + nr) has a swap count. */
  anySwapped(offset: number, nr: number): boolean {
    return !this.count.allEqual(offset, offset + nr, 0)
  }

  /** Frees the slots of [offset, offset + nr) that neither a count nor the swap cache holds. */
  freeUnused(offset: number, nr: number): void {
    if (nr > 1 && !this.count.isFlat && this.cache.allEqual(offset, offset + nr, 0)) {
      const c = this.count.get(offset)
      if (this.count.allEqual(offset, offset + nr, c)) {
        if (c === 0) this.freeRange(offset, nr)
        return
      }
    }
    for (let i = offset; i < offset + nr; i++) if (!this.slotInUse(i)) this.freeSlot(i)
  }

  /**
   * How many slots of [offset, offset + nr) have `flag` set (a uniform range answers at once).
   */
  countSlotFlag(offset: number, nr: number, flag: number): number {
    const first = this.slotFlags.get(offset)
    if (this.slotFlags.allEqual(offset, offset + nr, first)) return first & flag ? nr : 0
    let n = 0
    for (let i = offset; i < offset + nr; i++) if (this.slotFlags.get(i) & flag) n++
    return n
  }

  /** Whether any slot of [offset, offset + nr) has a swap-cache folio. */
  anyCached(offset: number, nr: number): boolean {
    return !this.cache.allEqual(offset, offset + nr, 0)
  }

  /** Whether any slot of [offset, offset + nr) has `flag` set. */
  anySlotFlag(offset: number, nr: number, flag: number): boolean {
    const first = this.slotFlags.get(offset)
    if (this.slotFlags.allEqual(offset, offset + nr, first)) return (first & flag) !== 0
    for (let i = offset; i < offset + nr; i++) if (this.slotFlags.get(i) & flag) return true
    return false
  }

  /** A slot is in use while it holds a count or a swap-cache folio. */
  slotInUse(offset: number): boolean {
    return this.count.get(offset) !== 0 || this.cache.get(offset) !== 0
  }

  /**
   * @kernel mm/swapfile.c cluster_alloc_swap_entry()
   * Hands out 2^order contiguous, naturally aligned slots and marks them cached by `folio`.
   * PMD order takes only wholly free clusters; a swap file (not SWP_BLKDEV) only order 0.
   * Returns the first offset or -1.
   */
  allocSlots(order: number, folio: number): number {
    if (!this.enabled) return -1
    if (order === HPAGE_PMD_ORDER) {
      if (!this.cost.blockDevice) return -1
      const c = this.popFree()
      if (c < 0) return -1
      this.clusterOrder[c] = order
      const off = c * SWAPFILE_CLUSTER
      this.takeRange(off, SWAPFILE_CLUSTER, folio)
      return off
    }
    if (order !== 0) return this.allocRun(order, folio)
    // Per-CPU cluster first, then a nonfull order-0 cluster, a free cluster, then any cluster with
    // room (stealing from other orders: how fragmentation starts).
    let c = this.order0Cluster
    if (c < 0 || this.clusterUsed[c] === SWAPFILE_CLUSTER) c = this.pickOrder0Cluster()
    if (c < 0) return -1
    this.order0Cluster = c
    const base = c * SWAPFILE_CLUSTER
    for (let i = 0; i < SWAPFILE_CLUSTER; i++) {
      if (!this.slotInUse(base + i)) {
        this.takeSlot(base + i, folio)
        return base + i
      }
    }
    throw new Error(`allocSlots: cluster ${c} has no free slot`)
  }

  /**
   * mTHP orders (1-8): a naturally aligned run in a nonfull cluster already serving this order,
   * else a free cluster (which then serves it). Only block devices hand out large runs.
   */
  private allocRun(order: number, folio: number): number {
    if (!this.cost.blockDevice) return -1
    const n = 1 << order
    const tryCluster = (c: number): number => {
      const base = c * SWAPFILE_CLUSTER
      for (let at = base; at < base + SWAPFILE_CLUSTER; at += n) {
        let free = true
        for (let i = at; i < at + n && free; i++) free = !this.slotInUse(i)
        if (!free) continue
        for (let i = at; i < at + n; i++) this.takeSlot(i, folio)
        return at
      }
      return -1
    }
    for (let c = 0; c < this.nrClusters; c++) {
      if (this.clusterState[c] !== CLUSTER_NONFULL || this.clusterOrder[c] !== order) continue
      const at = tryCluster(c)
      if (at >= 0) return at
    }
    const c = this.popFree()
    if (c < 0) return -1
    this.clusterOrder[c] = order
    return tryCluster(c)
  }

  private pickOrder0Cluster(): number {
    for (let c = 0; c < this.nrClusters; c++) {
      if (this.clusterState[c] === CLUSTER_NONFULL && this.clusterOrder[c] === 0) return c
    }
    const free = this.popFree()
    if (free >= 0) {
      this.clusterOrder[free] = 0
      return free
    }
    for (let c = 0; c < this.nrClusters; c++) {
      if (this.clusterState[c] !== CLUSTER_FULL && this.clusterUsed[c] < SWAPFILE_CLUSTER) {
        this.clusterState[c] = CLUSTER_FRAG
        return c
      }
    }
    return -1
  }

  /** Sets a slot's flags, keeping the zswap and zram page counts. */
  setSlotFlags(offset: number, flags: number): void {
    const old = this.slotFlags.get(offset)
    if (old & SLOT_ZSWAP) this.zswapped--
    if (flags & SLOT_ZSWAP) this.zswapped++
    if (old & SLOT_ZRAM) this.zramStored--
    if (flags & SLOT_ZRAM) this.zramStored++
    this.slotFlags.set(offset, flags)
  }

  /** setSlotFlags() on every slot of [offset, offset + nr). */
  setSlotFlagsRange(offset: number, nr: number, flags: number): void {
    const old = this.slotFlags.get(offset)
    if (nr > 1 && !this.slotFlags.isFlat && this.slotFlags.allEqual(offset, offset + nr, old)) {
      if (old & SLOT_ZSWAP) this.zswapped -= nr
      if (flags & SLOT_ZSWAP) this.zswapped += nr
      if (old & SLOT_ZRAM) this.zramStored -= nr
      if (flags & SLOT_ZRAM) this.zramStored += nr
      this.slotFlags.fill(offset, offset + nr, flags)
      return
    }
    for (let i = offset; i < offset + nr; i++) this.setSlotFlags(i, flags)
  }

  /** takeSlot() on every slot of [offset, offset + nr), all free and in one cluster. */
  private takeRange(offset: number, nr: number, folio: number): void {
    if (this.cache.isFlat) {
      for (let i = offset; i < offset + nr; i++) this.takeSlot(i, folio)
      return
    }
    this.setCacheRange(offset, nr, folio)
    this.setSlotFlagsRange(offset, nr, 0)
    this.clusterTake(offset, nr)
  }

  /**
   * freeSlot() on every slot of [offset, offset + nr), tags cleared in one fill, each cluster
   * released at once: the end state slot-by-slot freeing reaches.
   */
  freeRange(offset: number, nr: number): void {
    if (this.cache.isFlat || nr === 1) {
      for (let i = offset; i < offset + nr; i++) this.freeSlot(i)
      return
    }
    this.setSlotFlagsRange(offset, nr, 0)
    this.tag.fill(offset, offset + nr, 0)
    for (let at = offset; at < offset + nr;) {
      const end = Math.min(offset + nr, (Math.floor(at / SWAPFILE_CLUSTER) + 1) * SWAPFILE_CLUSTER)
      this.clusterRelease(at, end - at)
      at = end
    }
  }

  private takeSlot(offset: number, folio: number): void {
    this.setCache(offset, folio)
    this.setSlotFlags(offset, 0)
    this.clusterTake(offset, 1)
  }

  /**
   * @kernel mm/swapfile.c swap_range_free(): the slot is unused again. Its content tag becomes 0
   * (a read of a freed slot then fails the data check).
   */
  freeSlot(offset: number): void {
    this.setSlotFlags(offset, 0)
    this.tag.set(offset, 0)
    this.clusterRelease(offset, 1)
  }

  /** `nr` slots from `offset`, all in one cluster, come into use: the cluster's count and state. */
  private clusterTake(offset: number, nr: number): void {
    this.inuseSlots += nr
    const c = Math.floor(offset / SWAPFILE_CLUSTER)
    const used = (this.clusterUsed[c] += nr)
    this.clusterState[c] = used === SWAPFILE_CLUSTER ? CLUSTER_FULL : CLUSTER_NONFULL
  }

  /**
   * `nr` slots from `offset`, all in one cluster, are unused again: a cluster left empty is free
   * (queued once), a full one that lost slots is nonfull.
   */
  private clusterRelease(offset: number, nr: number): void {
    this.inuseSlots -= nr
    const c = Math.floor(offset / SWAPFILE_CLUSTER)
    const used = (this.clusterUsed[c] -= nr)
    if (used === 0) {
      this.clusterState[c] = CLUSTER_FREE
      if (this.order0Cluster === c) this.order0Cluster = -1
      this.pushFree(c)
    } else if (this.clusterState[c] === CLUSTER_FULL) {
      this.clusterState[c] = CLUSTER_NONFULL
    }
  }

  private pushFree(c: number): void {
    this.clusterState[c] = CLUSTER_FREE
    this.freeQ[(this.freeHead + this.freeLen) % this.nrClusters] = c
    this.freeLen++
  }

  private popFree(): number {
    while (this.freeLen > 0) {
      const c = this.freeQ[this.freeHead]
      this.freeHead = (this.freeHead + 1) % this.nrClusters
      this.freeLen--
      if (this.clusterState[c] === CLUSTER_FREE && this.clusterUsed[c] === 0) {
        this.clusterState[c] = CLUSTER_NONFULL
        return c
      }
    }
    return -1
  }
}
