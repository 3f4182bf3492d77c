/**
 * The simulator's public surface: what src/scenario binds the scenario API (`k`, tasks, ranges) to.
 * Pure types and small pure helpers only; the engine lives in src/sim/mm and src/sim/engine.
 *
 * Addresses and lengths are byte counts held in JS numbers (exact up to 2^53, far above the 47-bit
 * user address space). Every call is synchronous and deterministic for a given seed.
 */
import type { Compressor, CompressorCost, CpuCost, DeviceCost } from './cost/defaults'
import type { CostProfileName } from './cost/profiles'
import type { VariantFeatures, VariantName, VariantResult } from './result'

export type { Compressor, CompressorCost, CostProfileName, CpuCost, DeviceCost }

/** `machine.costs`: a profile name, or overrides of any figure (on top of a profile). */
export type CostsInput =
  | CostProfileName
  | {
      profile?: CostProfileName
      cpu?: Partial<CpuCost>
      devices?: Partial<Record<SwapDeviceType, Partial<DeviceCost>>>
      compressors?: Partial<Record<Compressor, Partial<CompressorCost>>>
    }

/** Every cost figure the run uses, resolved. */
export interface CostSpec {
  profile: CostProfileName
  cpu: CpuCost
  devices: Record<SwapDeviceType, DeviceCost>
  compressors: Record<Compressor, CompressorCost>
}

export type SwapDeviceType = 'zram' | 'nvme' | 'hdd' | 'file'
/**
 * Where the modelled baseline follows one kernel tree or another. 'mm-2026' (default): the
 * linux-mm tree the PMD swap series applies to, which has Kairui Song's "swap table phase II"
 * (lore 20251029-swap-table-p2-v1): a SWP_SYNCHRONOUS_IO device always swaps in through the
 * synchronous path and then always frees the swap cache ("mm, swap: never bypass the swap cache
 * even for SWP_SYNCHRONOUS_IO", "mm, swap: always try to free swap cache for SWP_SYNCHRONOUS_IO
 * devices"). 'v6.18': before it, as on a 6.18 kernel: the synchronous path only for a slot with
 * one user (else swapin_readahead(), as swapoff always does), and the swap cache stays.
 */
export type KernelBase = 'mm-2026' | 'v6.18'
export type ThpEnabled = 'always' | 'madvise' | 'never'
export type ThpDefrag = 'always' | 'defer' | 'defer+madvise' | 'madvise' | 'never'
/** /sys/kernel/mm/transparent_hugepage/hugepages-<size>kB/enabled */
export type MthpEnabled = 'always' | 'madvise' | 'inherit' | 'never'
/** The anonymous folio sizes x86-64 offers (orders 2 to 9). */
export const MTHP_SIZES = [
  '16kB',
  '32kB',
  '64kB',
  '128kB',
  '256kB',
  '512kB',
  '1024kB',
  '2048kB',
] as const
export type MthpSize = (typeof MTHP_SIZES)[number]
export type Advice =
  'pageout' | 'cold' | 'willneed' | 'dontneed' | 'free' | 'hugepage' | 'nohugepage' | 'collapse'
export type Prot = 'none' | 'r' | 'rw'
/** userfaultfd registration modes: MISSING, WP (write-protect) and RWP (read/write-protect). */
export type UffdMode = 'missing' | 'wp' | 'rwp'
export type TouchOrder = 'sequential' | 'random'

/** Sizes as the scenario writes them: bytes, or a string with a binary suffix ('4K', '2M'). */
export type SizeInput = number | string

export interface SwapDeviceInput {
  type: SwapDeviceType
  size?: SizeInput
  priority?: number
  /**
   * Fraction (0..1) of the device's clusters that hold one long-lived order-0 slot from before the
   * scenario starts, so they are never wholly free: PMD-order allocations (F2) find fewer clusters.
   */
  fragmentation?: number
  /**
   * SWP_STABLE_WRITES: the device needs pages stable during writeback (zram has it; so does
   * swap on dm-crypt). Default: true for zram, false otherwise. With an asynchronous device this
   * makes F16 reachable: a PMD swapped in while still under writeback is mapped read-only.
   */
  stable_writes?: boolean
  /** zram's compression algorithm (`/sys/block/zramN/comp_algorithm`); default lzo (lzo-rle). */
  compressor?: Compressor
  /**
   * zram only: RAM its pool takes per stored 4 KB page, bytes. Default 2186 (measured with
   * lzo-rle for the half-random pages `hugeswap real` writes); 0 for a device standing for storage
   * outside the machine's memory (a PMEM region reserved with memmap=).
   */
  pool_bytes_per_page?: number
}

/** Deliberate failures, each a probability in [0, 1] drawn from the seeded kernel RNG. */
export interface FaultInjectionInput {
  /** PMD-order folio allocation at a page fault (thp_fault_fallback). */
  thp_fault_alloc?: number
  /** PMD-order folio allocation at a PMD swap-in (F6). */
  thp_swapin_alloc?: number
  /** PTE-table page allocation (pte_alloc_one()): split failures under lazy deposit, fork -ENOMEM. */
  pte_alloc?: number
  /** A racing split of the swap-cache folio behind a swap PMD before it is swapped in (F7/F14). */
  swapcache_split?: number
  /** A swap-in read error: the folio is not uptodate (F9). */
  swap_read_error?: number
  /** Another thread swapped the range in and freed the slots first: the fault retries (F8). */
  swapin_race?: number
  /** A step of set_pmd_swap_entry() fails (the swap reference, or dropping anon-exclusive
   *  against a racing GUP pin): the present PMD is restored and reclaim splits instead (F5). */
  set_pmd_swap_entry?: number
}

export interface KhugepagedInput {
  pages_to_scan?: number
  scan_sleep_millisecs?: number
  alloc_sleep_millisecs?: number
  max_ptes_none?: number
  max_ptes_swap?: number
  max_ptes_shared?: number
  defrag?: boolean
}

export interface MachineInput {
  memory?: SizeInput
  swap?: SwapDeviceInput[]
  zswap?: boolean
  thp?: {
    enabled?: ThpEnabled
    defrag?: ThpDefrag
    use_zero_page?: boolean
    khugepaged?: KhugepagedInput
    /** Per-size enablement; default: 2048kB 'inherit' (follows `enabled`), all others 'never'. */
    hugepages?: Partial<Record<MthpSize, MthpEnabled>>
  }
  vm?: {
    page_cluster?: number
    swappiness?: number
    min_free_kbytes?: number
    watermark_scale_factor?: number
  }
  /**
   * Fraction (0..1) of 2 MB pageblocks holding one unmovable page from boot: PMD-order
   * allocations can only use the others (no compaction is modelled).
   */
  fragmentation?: number
  /** CONFIG_THP_SWAP (default true): without it a PMD-order folio cannot get contiguous slots. */
  thp_swap?: boolean
  /**
   * mm_forbids_zeropage() (default false): read faults get a fresh zeroed page (or THP) instead
   * of the shared zero page or the huge zero page, as on s390 KVM hosts and on PVM guest
   * kernels booted with pvm_no_zero_page=1.
   */
  mm_forbids_zeropage?: boolean
  /**
   * The tree the baseline follows where trees differ: 'mm-2026' (default; the tree the PMD swap
   * series applies to, with Kairui Song's swap table phase II) or 'v6.18' (before it). See
   * KernelBase.
   */
  kernel_base?: KernelBase
  fault_injection?: FaultInjectionInput
  /** zswap's compressor (`/sys/module/zswap/parameters/compressor`); default lzo. */
  zswap_compressor?: Compressor
  /** Cost figures: a named profile or overrides (src/sim/cost, docs/cost-model.md). */
  costs?: CostsInput
}

/** A machine with every default filled in and every size in bytes. */
export interface MachineSpec {
  memoryBytes: number
  swap: {
    type: SwapDeviceType
    sizeBytes: number
    priority: number
    fragmentation: number
    stable_writes: boolean
    compressor: Compressor
    pool_bytes_per_page: number
  }[]
  zswap: boolean
  thp: {
    enabled: ThpEnabled
    defrag: ThpDefrag
    use_zero_page: boolean
    khugepaged: Required<KhugepagedInput>
    hugepages: Record<MthpSize, MthpEnabled>
  }
  vm: {
    page_cluster: number
    swappiness: number
    min_free_kbytes: number
    watermark_scale_factor: number
  }
  fragmentation: number
  thp_swap: boolean
  mm_forbids_zeropage: boolean
  kernel_base: KernelBase
  fault_injection: Required<FaultInjectionInput>
  zswap_compressor: Compressor
  costs: CostSpec
}

export interface VariantInfo extends VariantFeatures {
  name: VariantName
}

export interface TouchOptions {
  write: boolean
  /** Pages to touch: a count, or a fraction in (0, 1] of the range. Default: every page. */
  pages?: number
  order?: TouchOrder
}

/** One 4 KB page as /proc/<pid>/pagemap reports it (bits 63, 62, 57, 56, 55 and the payload). */
export interface PagemapEntry {
  present: boolean
  swapped: boolean
  /** Page frame number when present (bits 0-54). */
  pfn?: number
  /** Swap type (bits 0-4) and offset (bits 5-54) when swapped. */
  swapType?: number
  swapOffset?: number
  softDirty: boolean
  exclusive: boolean
  uffdWp: boolean
}

/** One userfaultfd page-fault message (UFFD_EVENT_PAGEFAULT). */
export interface UffdEvent {
  addr: number
  /** UFFD_PAGEFAULT_FLAG_WRITE / _WP / _RWP (the last is this tree's read/write-protect mode). */
  write: boolean
  wp: boolean
  rwp: boolean
  /** A fault on an unpopulated page of a MISSING-registered range. */
  missing: boolean
}

export interface SimulatorOptions {
  variant: VariantName
  machine: MachineSpec
  seed: number
  /**
   * false: every fast path (a batched or run-length form of per-page work) takes the per-page
   * path it stands for instead. The result must be byte-identical either way; tests/sim/
   * fast-paths.test.ts holds the scenario library and the model fuzz to that
   * (docs/performance.md). Default true.
   */
  fastPaths?: boolean
  /**
   * Bytes the model's typed arrays may hold (pages, folios, page tables, swap slots, per-page
   * content tags); past it the run stops with a SimLimitError where the scenario asked for the
   * memory. Default MODEL_LIMITS.defaultModelBytes.
   */
  modelBytes?: number
}

/**
 * The sizes the model accepts: past them a call fails as the kernel would (ENOMEM, EAGAIN) or
 * with a usage error naming the limit. Written out for users in hugeswap.d.ts.
 */
export const MODEL_LIMITS = {
  /** machine.memory (4 TiB). */
  maxMemoryBytes: 4 * 1024 ** 4,
  /** One swap device (4 TiB: a swap entry's offset is 31 bits of 4 KB slots here). */
  maxSwapDeviceBytes: 4 * 1024 ** 4,
  /** All swap devices together (16 TiB). */
  maxSwapTotalBytes: 16 * 1024 ** 4,
  /** A process's address space (TASK_SIZE of x86-64 with 4-level paging: 128 TiB). */
  taskSize: 2 ** 47,
  /** Pages a per-page query (t.pagemap, t.mincore) answers at once: 1 Mi pages, 4 GiB. */
  maxQueryPages: 2 ** 20,
  /** Processes alive at once (PID_MAX_DEFAULT). */
  maxTasks: 32768,
  /** Snapshots and phase marks per run (each is kept whole in the result). */
  maxMarks: 10_000,
  /** Warnings kept in the result; later ones are counted. */
  maxWarnings: 1000,
  /** Characters of a snapshot label or phase name. */
  maxLabelLength: 200,
  /** Default of SimulatorOptions.modelBytes: 3 GiB. */
  defaultModelBytes: 3 * 1024 ** 3,
} as const

/** What run(k) produced for one variant, before the scenario layer adds its checks. */
export type SimulatorResult = Omit<VariantResult, 'checks'>

export interface Simulator {
  readonly variant: VariantInfo
  /** A new task, in the root memory cgroup or in `cgroup` (an id from cgroupCreate()). */
  spawn(comm: string, cgroup?: number): number
  /**
   * mkdir /sys/fs/cgroup/NAME with memory.max = `maxBytes` (Infinity: "max"). Returns its id.
   * Tasks spawned into it, and their forks, charge their pages to it.
   */
  cgroupCreate(name: string, maxBytes: number): number
  /** Writes memory.max (Infinity: "max"); lowering it reclaims, then OOM-kills, to fit. */
  cgroupSetMax(id: number, maxBytes: number): void
  /** Writes memory.reclaim of the cgroup; returns the bytes reclaimed. */
  cgroupReclaim(id: number, bytes: number): number
  /**
   * The cgroup's files: memory.current and memory.max (bytes; max is Infinity for "max"),
   * memory.events max/oom/oom_kill, memory.stat pgscan/pgsteal.
   */
  cgroupStat(id: number): Record<string, number>
  mmap(pid: number, lengthBytes: number, advice?: 'hugepage' | 'nohugepage'): number
  touch(pid: number, addr: number, lengthBytes: number, opts: TouchOptions): void
  madvise(pid: number, addr: number, lengthBytes: number, advice: Advice): void
  mprotect(pid: number, addr: number, lengthBytes: number, prot: Prot): void
  munmap(pid: number, addr: number, lengthBytes: number): void
  mremap(pid: number, addr: number, lengthBytes: number, newAddr?: number): number
  fork(pid: number): number
  exit(pid: number): void
  smaps(pid: number, addr?: number, lengthBytes?: number): Record<string, number>
  status(pid: number): Record<string, number>
  pagemap(pid: number, addr: number, lengthBytes: number): PagemapEntry[]
  /** mincore(2): per 4 KB page, whether it is resident (mapped, or in the swap cache). */
  mincore(pid: number, addr: number, lengthBytes: number): boolean[]
  /** A write to /proc/<pid>/clear_refs: 4 clears soft-dirty bits, 1 clears referenced bits. */
  clearRefs(pid: number, value: number): void
  /** UFFDIO_REGISTER of [addr, addr+length) with the given modes. */
  uffdRegister(pid: number, addr: number, lengthBytes: number, modes: UffdMode[]): void
  /** UFFDIO_WRITEPROTECT / UFFDIO_RWPROTECT: set or clear protection on a registered range. */
  uffdProtect(
    pid: number,
    addr: number,
    lengthBytes: number,
    mode: 'wp' | 'rwp',
    protect: boolean,
  ): void
  /**
   * UFFDIO_MOVE of `lengthBytes` from `src` to `dst` (dst registered). Returns uffdio_move.move:
   * the bytes moved, or -errno when nothing moved (see move_pages()).
   */
  uffdMove(pid: number, dst: number, src: number, lengthBytes: number): number
  /**
   * Page-fault events the task's userfaultfd monitor received so far (and resolved as the
   * selftests' monitor thread does: clearing the protection, or UFFDIO_COPY of a zero-filled
   * page for a missing one). Reading them empties the queue.
   */
  uffdEvents(pid: number): UffdEvent[]
  /**
   * Long-term GUP pin (FOLL_PIN | FOLL_LONGTERM, e.g. RDMA or vfio) on the folios mapped in the
   * range, or its release. Reclaim skips a maybe-DMA-pinned folio before unmapping it, and fork
   * copies a pinned anon-exclusive THP at PTE level instead of sharing it. (F5, a pin racing
   * with set_pmd_swap_entry(), needs concurrency: use fault_injection.set_pmd_swap_entry.)
   */
  pin(pid: number, addr: number, lengthBytes: number, pinned: boolean): void
  /** Enables or disables zswap (`/sys/module/zswap/parameters/enabled`); enabling is sticky. */
  zswap(enabled: boolean): void
  /**
   * Splits the large folio behind `addr`: the mapped one, or the swap-cache folio behind a swap
   * PMD, as deferred_split_scan() or memory_failure() would (F7, F14). Returns whether it split.
   */
  splitFolio(pid: number, addr: number): boolean
  /** Proactive reclaim like a write to memory.reclaim; returns bytes reclaimed. */
  reclaim(bytes: number): number
  sleep(ms: number): void
  khugepaged(scans?: number): void
  swapoff(index?: number): void
  swapon(index?: number): void
  vmstat(): Record<string, number>
  meminfo(): Record<string, number>
  snapshot(label: string): void
  /**
   * Starts the phase `name` (ending the one before), or with null ends the current phase: the
   * faults from here to the next phase() call or the end of the run are reported as one phase.
   */
  phase(name: string | null): void
  /** Marks the start of a scenario operation (for progress and the page-table timeline). */
  warn(message: string): void
  finish(): SimulatorResult
}

/**
 * An error the scenario caused (bad argument, address not mapped, ...). The scenario layer reports
 * it at the calling line with exit status 2. Anything else thrown from src/sim is a simulator bug.
 */
export class SimUsageError extends Error {
  override name = 'SimUsageError'
}

/**
 * The scenario asked for more than the run may use (SimulatorOptions.modelBytes). Unlike a
 * SimUsageError it stops the run: the operation that hit it is half done.
 */
export class SimLimitError extends Error {
  override name = 'SimLimitError'
}

/** The simulator found its own state inconsistent (e.g. a content tag mismatch: data loss). */
export class SimInvariantError extends Error {
  override name = 'SimInvariantError'
}
