/**
 * The simulated machine: every piece of state one variant's kernel has, and the accounting that
 * the rooms under mm/ share (counters, the page-table ledger, fault recording, the clock).
 * This file is ours (camelCase); the kernel's functions live in src/sim/mm/*.ts.
 */
import { MODEL_LIMITS, type MachineSpec, type VariantInfo } from './api'
import { ByteBudget } from './engine/budget'
import type { CompressorCost, CpuCost } from './cost/defaults'
import { EventQueue } from './engine/events'
import { FaultRecorder } from './engine/faults'
import { Rng } from './engine/rng'
import { newVmEvents, type VmEvents } from './include/vmstat'
import { PAGE_SIZE } from './include/units'
import { LRU_ACTIVE_ANON, LRU_INACTIVE_ANON, type Lruvec } from './include/mmzone'
import { newMemCgroup, type MemCgroup } from './mm/memcontrol'
import {
  FolioPool,
  PG_ACTIVE,
  PG_LRU,
  PmdPool,
  PtePool,
  type AnonVma,
  type Mm,
} from './mm/mm_types'
import { PageAlloc } from './mm/page_alloc'
import { kswapdCatchUp, newKswapdState } from './mm/vmscan'
import { newKhugepagedState, type KhugepagedState } from './mm/khugepaged'
import { SwapInfo } from './mm/swapfile'
import { DeviceQueue } from './cost/queue'
import {
  COST_COMPONENTS,
  type CostComponent,
  type FallbackReason,
  type FaultType,
  type PageTableLedger,
  type WalkerStats,
} from './result'

/**
 * Why a PMD-order path fell back to splitting (docs/kernel-facts.md#fallbacks). Stable keys of the
 * result's `fallbacks`.
 */
/** @kernel include/linux/huge_mm.h enum mthp_stat_item (its sysfs names) */
export type MthpStat =
  | 'anon_fault_alloc'
  | 'anon_fault_fallback'
  | 'anon_fault_fallback_charge'
  | 'zswpout'
  | 'swpin'
  | 'swpin_fallback'
  | 'swpout'
  | 'swpout_fallback'
  | 'split'
  | 'split_failed'
  | 'split_deferred'

/** Content tags are 1 .. 2^32 - 1 (0 means zero-filled). */
const TAG_SPACE = 0xffffffff

const COMPONENT_INDEX = Object.fromEntries(COST_COMPONENTS.map((c, i) => [c, i])) as Record<
  CostComponent,
  number
>

export { FALLBACK_LABELS, type FallbackReason } from './result'

export class Kernel {
  readonly spec: MachineSpec
  readonly variant: VariantInfo
  readonly cpu: CpuCost
  /** zswap's compressor costs. */
  readonly zswapCompressor: CompressorCost
  readonly events = new EventQueue()
  /** Randomness the scenario asks for (touch order): identical across variants. */
  readonly scenarioRng: Rng
  /**
   * The pages (indexes into the range, in touch order) of the last touch that did not simply
   * sweep its whole range: a subset or a random order, which only the scenario RNG knows.
   * null after a whole sequential sweep. Read by outside observers (hugeswap real).
   */
  lastTouchPages: Int32Array | null = null
  /** The kernel's own randomness (fault injection). */
  readonly kernelRng: Rng
  readonly vm: VmEvents = newVmEvents()
  readonly mem: PageAlloc
  readonly folios = new FolioPool()
  readonly pmds = new PmdPool()
  readonly ptes = new PtePool()
  readonly swap: SwapInfo[]
  readonly mms = new Map<number, Mm>()
  nextPid = 1
  /** Processes alive (spawned or forked, not exited). */
  nrTasks = 0
  /** anon_vma roots by id (folios name theirs by id). */
  readonly anonVmas = new Map<number, AnonVma>()
  nextAnonVma = 1
  /** `zswap_never_enabled()` is false once zswap has been enabled: a static key that stays. */
  zswapEverEnabled: boolean
  zswapEnabled: boolean
  /**
   * The huge zero folio's first frame while it exists (-1: not allocated), and the mms that took
   * a reference to it (mm_get_huge_zero_folio(): held until the mm exits).
   */
  hugeZeroPfn = -1
  readonly hugeZeroUsers = new Set<number>()
  /** Set while reclaim runs (PF_MEMALLOC): allocations then never recurse into reclaim. */
  inReclaim = false
  /**
   * Memory cgroups by id (mm/memcontrol.c); 0 is the root, where every task starts. Each has
   * its lruvec: the anonymous LRU lists (include/mmzone.ts).
   */
  readonly memcgs: MemCgroup[] = [newMemCgroup(0, '/', Infinity)]
  /** The memcg the operation in progress charges its pages to (the acting task's). */
  chargeTo = 0
  /** The last alloc_pages() failed on its memcg charge, not for want of pages. */
  chargeFailed = false
  /** Folios on every lruvec. */
  nrLru = 0
  /** kswapd's state (mm/vmscan.c kswapd(), balance_pgdat()). */
  readonly kswapd = newKswapdState()
  /**
   * True while the clock moves between two whole operations or faults: only then may background
   * work (kswapd) change page tables. Work that falls due elsewhere waits for the next one.
   */
  atSafePoint = false
  /** NR_ANON_MAPPED pages, NR_ANON_THPS folios, NR_SWAPCACHE pages. */
  nrAnonMapped = 0
  nrAnonThps = 0
  nrSwapCache = 0
  /** Folios under writeback (NR_WRITEBACK, in folios). */
  nrWriteback = 0
  /** Pages whose swap writeback reclaim has started (cumulative). */
  writebackPagesStarted = 0
  /** When the last writeback submitted so far completes (ns). */
  writebackDoneNs = 0
  /** Page-table pages in use (PTE tables only; upper levels: see pageTableBytes()). */
  readonly ledger: PageTableLedger = {
    allocated: 0,
    freed: 0,
    deposited: 0,
    withdrawn: 0,
    peakBytes: 0,
  }
  readonly faults = new FaultRecorder(COST_COMPONENTS)
  readonly walkers: Record<string, WalkerStats> = {}
  readonly fallbacks: Partial<Record<FallbackReason, number>> = {}
  /** The run's warnings, the first MODEL_LIMITS.maxWarnings of them (warn()). */
  readonly warnings: string[] = []
  /** Warnings past MODEL_LIMITS.maxWarnings, counted, not kept. */
  warningsDropped = 0
  readonly khugepaged: KhugepagedState
  /** Per-size counters: /sys/kernel/mm/transparent_hugepage/hugepages-<size>kB/stats/<name>. */
  readonly mthp: Partial<Record<string, Record<string, number>>> = {}
  /** The deferred split queue (deferred_split_folio()): partially mapped large folios. */
  readonly deferredSplit = new Set<number>()
  /**
   * mm/swap_state.c's system-wide readahead state, for swap_cluster_readahead() (while a
   * rotational device is on): swapin_readahead_hits, and swapin_nr_pages()'s static prev_offset
   * and last_readahead_pages. A kernel keeps them from whatever swapped in before; the model
   * starts as after one lone swap-in at offset 1 (no hits pending, a window of 1), which
   * `hugeswap real` reproduces on a kernel before the scenario (hs_prime_ra() in trace-c.ts).
   */
  readonly swapRa = { hits: 0, prevOffset: 1, lastPages: 1 }
  /** Long-term GUP pins per folio (folio_maybe_dma_pinned()). */
  readonly pins = new Map<number, number>()
  /** Cost of the operation in progress, ns; the caller advances the clock by it. */
  pendingNs = 0
  /** The same, by component (COST_COMPONENTS order). */
  readonly pendingParts = new Float64Array(COST_COMPONENTS.length)
  /**
   * Scratch for a run of equal faults recorded at once (memory.ts swapinCachedRun()): the
   * run's parts, and a fault's kept while the run before it is settled.
   */
  readonly runParts = new Float64Array(COST_COMPONENTS.length)
  readonly runScratch = new Float64Array(COST_COMPONENTS.length)
  /** Type of the fault in progress (set by the handler that resolves it). */
  faultType: FaultType | '' = ''
  /** Retries the fault in progress has taken (a racing event is injected at most once). */
  faultRetries = 0
  /** Pages written so far (the content-tag sequence: one new tag per 4 KB page written). */
  private writeSeq = 0

  /**
   * Whether batched and run-length forms of per-page work may be used (SimulatorOptions
   * fastPaths); when false every one takes the per-page path it must equal.
   */
  readonly fastPaths: boolean

  /** The byte budget of the model's typed arrays (SimulatorOptions.modelBytes). */
  readonly budget: ByteBudget

  constructor(
    spec: MachineSpec,
    variant: VariantInfo,
    seed: number,
    fastPaths = true,
    modelBytes: number = MODEL_LIMITS.defaultModelBytes,
  ) {
    this.spec = spec
    this.fastPaths = fastPaths
    this.budget = new ByteBudget(modelBytes, () => this.modelBytes())
    this.folios.budget = this.budget
    this.pmds.budget = this.budget
    this.ptes.budget = this.budget
    this.variant = variant
    this.cpu = spec.costs.cpu
    this.zswapCompressor = spec.costs.compressors[spec.zswap_compressor]
    this.scenarioRng = new Rng(seed)
    this.kernelRng = new Rng(seed ^ 0x5eed_ce11)
    this.mem = new PageAlloc(spec.memoryBytes, spec.fragmentation, !fastPaths, this.budget)
    this.swap = spec.swap.map((s, i) => {
      const si = new SwapInfo(
        i,
        s.type,
        s.sizeBytes,
        s.priority,
        s.fragmentation,
        !fastPaths,
        this.budget,
      )
      si.cost = spec.costs.devices[s.type]
      si.queue = new DeviceQueue(si.cost)
      si.compressor = spec.costs.compressors[s.compressor]
      si.stableWrites = s.stable_writes
      si.poolBytesPerPage = s.pool_bytes_per_page
      return si
    })
    this.zswapEnabled = spec.zswap
    this.zswapEverEnabled = spec.zswap
    this.khugepaged = newKhugepagedState(spec.thp.khugepaged.scan_sleep_millisecs)
  }

  /**
   * Runs `fn` (which moves the clock) at a safe point: between whole operations or faults, where
   * background work such as kswapd may run, and any kswapd turn that fell due inside an
   * operation runs first.
   */
  atSafePointDo(fn: () => void): void {
    const was = this.atSafePoint
    this.atSafePoint = true
    try {
      kswapdCatchUp(this)
      fn()
    } finally {
      this.atSafePoint = was
    }
  }

  /**
   * Fresh content tags for `n` pages written now (the same sequence in every variant): the j-th
   * page ever written gets tag ((j - 1) mod (2^32 - 1)) + 1, never 0. Calls `put(i, len, first)`
   * for each run of consecutive tags: pages i .. i + len - 1 of the n get first .. first + len - 1
   * (one run, unless the 32-bit tag space wraps inside it).
   */
  freshTags(n: number, put: (i: number, len: number, first: number) => void): void {
    for (let i = 0; i < n;) {
      const first = (this.writeSeq % TAG_SPACE) + 1
      const len = Math.min(n - i, TAG_SPACE - first + 1)
      put(i, len, first)
      this.writeSeq += len
      i += len
    }
  }

  /** Whether the fault-injection point `what` fires now (machine.fault_injection). */
  inject(what: keyof MachineSpec['fault_injection']): boolean {
    const p = this.spec.fault_injection[what]
    return p > 0 && this.kernelRng.nextU32() / 4294967296 < p
  }

  /** Counts a per-size (mTHP) statistic for a folio of `order` (>= 2). */
  mthpCount(order: number, stat: MthpStat, n = 1): void {
    if (order < 2) return
    const size = `hugepages-${4 << order}kB`
    const s = (this.mthp[size] ??= {})
    s[stat] = (s[stat] ?? 0) + n
  }

  /** Charges `ns` of the operation in progress to `component` (the fault breakdown). */
  cost(component: CostComponent, ns: number): void {
    this.pendingNs += ns
    this.pendingParts[COMPONENT_INDEX[component]] += ns
  }

  /**
   * @kernel arch/x86/mm/tlb.c flush_tlb_mm_range(): a local flush, plus a shootdown IPI round
   * trip when the mm is active on other CPUs (`costs.cpu.tlbShootdownCpus`).
   */
  flushTlb(): void {
    const cpu = this.cpu
    this.cost('tlb', cpu.tlbFlushNs + (cpu.tlbShootdownCpus > 0 ? cpu.tlbShootdownNs : 0))
  }

  /** try_to_unmap() under TTU_BATCH_FLUSH owes a flush (set_tlb_ubc_flush_pending()). */
  tlbBatchPending = false

  /** @kernel mm/rmap.c try_to_unmap_flush(): one flush for the whole batch. */
  flushTlbBatch(): void {
    if (!this.tlbBatchPending) return
    this.tlbBatchPending = false
    this.flushTlb()
  }

  /** Starts accounting a new operation or fault. */
  resetPending(): void {
    this.pendingNs = 0
    this.pendingParts.fill(0)
  }

  private readonly warned = new Set<string>()

  /** A warning given once per run (the kernel's pr_warn_once / WARN_ONCE). */
  warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return
    this.warned.add(key)
    this.warn(message)
  }

  /** A warning in the result (a loop of failing calls keeps the first MODEL_LIMITS.maxWarnings). */
  warn(message: string): void {
    if (this.warnings.length < MODEL_LIMITS.maxWarnings) this.warnings.push(message)
    else this.warningsDropped++
  }

  count(reason: FallbackReason): void {
    this.fallbacks[reason] = (this.fallbacks[reason] ?? 0) + 1
  }

  /** A page-table walker visited `entries` entries under the page-table lock. */
  walk(walker: string, entries: number): void {
    const w = (this.walkers[walker] ??= { calls: 0, entriesVisited: 0, lockHoldNs: 0 })
    w.calls++
    w.entriesVisited += entries
    w.lockHoldNs = (w.lockHoldNs ?? 0) + entries * this.cpu.walkEntryNs
  }

  /**
   * Bytes the model's typed arrays hold now: what the ByteBudget counts when its charges pass the
   * budget (page frames, swap devices, the pools, every mapping's content tags).
   */
  modelBytes(): number {
    // Also asked while the constructor builds the frame and swap arrays (not assigned yet).
    const mem = this.mem as PageAlloc | undefined
    const swap = (this.swap as SwapInfo[] | undefined) ?? []
    let n = (mem?.bytes ?? 0) + this.folios.bytes + this.pmds.bytes + this.ptes.bytes
    for (const si of swap) n += si.bytes
    for (const mm of this.mms.values()) for (const v of mm.vmas) n += v.expected.bytes
    return n
  }

  /** Bytes of PTE-table pages in use (what differs between the variants). */
  pteTableBytes(): number {
    return this.ptes.nrLive * PAGE_SIZE
  }

  noteTableBytes(): void {
    const b = this.pteTableBytes()
    if (b > this.ledger.peakBytes) this.ledger.peakBytes = b
  }

  /** Swap devices in allocation order: highest priority first (swap_avail_head). */
  swapByPriority(): SwapInfo[] {
    return [...this.swap].sort((a, b) => b.priority - a.priority || a.type - b.type)
  }

  /** The lruvec a folio's memcg keeps it on (folio_lruvec()). */
  lruvecOf(f: number): Lruvec {
    return this.memcgs[this.mem.memcgOf(this.folios.pfn[f])].lruvec
  }

  /** Pages on the anonymous lists of every lruvec: [inactive, active]. */
  lruPagesTotal(): [number, number] {
    let inactive = 0
    let active = 0
    for (const cg of this.memcgs) {
      inactive += cg.lruvec.pages[LRU_INACTIVE_ANON]
      active += cg.lruvec.pages[LRU_ACTIVE_ANON]
    }
    return [inactive, active]
  }

  /**
   * @kernel include/linux/mm_inline.h lruvec_add_folio(): at the head of its list (active when
   * PG_active is set), the newest end.
   */
  lruAdd(f: number): void {
    this.lruLink(f, this.folios.flags[f] & PG_ACTIVE ? LRU_ACTIVE_ANON : LRU_INACTIVE_ANON, false)
  }

  /**
   * @kernel mm/swap.c folio_rotate_reclaimable() -> lru_move_tail(): a folio whose writeback
   * reclaim started is done; it goes inactive, to the tail, first in line for the next pass.
   */
  lruMoveTail(f: number): void {
    const fo = this.folios
    if (!(fo.flags[f] & PG_LRU)) return
    this.lruDel(f)
    fo.flags[f] &= ~PG_ACTIVE
    this.lruLink(f, LRU_INACTIVE_ANON, true)
  }

  /** @kernel include/linux/mm_inline.h lruvec_del_folio() */
  lruDel(f: number): void {
    const fo = this.folios
    if (!(fo.flags[f] & PG_LRU)) return
    const v = this.lruvecOf(f)
    const lru = fo.lruList[f]
    const p = fo.lruPrev[f]
    const n = fo.lruNext[f]
    if (p >= 0) fo.lruNext[p] = n
    else v.heads[lru] = n
    if (n >= 0) fo.lruPrev[n] = p
    else v.tails[lru] = p
    fo.flags[f] &= ~PG_LRU
    v.pages[lru] -= fo.nrPages(f)
    v.nrFolios--
    this.nrLru--
  }

  private lruLink(f: number, lru: number, tail: boolean): void {
    const fo = this.folios
    const v = this.lruvecOf(f)
    fo.flags[f] |= PG_LRU
    fo.lruList[f] = lru
    if (tail) {
      fo.lruNext[f] = -1
      fo.lruPrev[f] = v.tails[lru]
      if (v.tails[lru] >= 0) fo.lruNext[v.tails[lru]] = f
      v.tails[lru] = f
      if (v.heads[lru] < 0) v.heads[lru] = f
    } else {
      fo.lruPrev[f] = -1
      fo.lruNext[f] = v.heads[lru]
      if (v.heads[lru] >= 0) fo.lruPrev[v.heads[lru]] = f
      v.heads[lru] = f
      if (v.tails[lru] < 0) v.tails[lru] = f
    }
    v.pages[lru] += fo.nrPages(f)
    v.nrFolios++
    this.nrLru++
  }
}
