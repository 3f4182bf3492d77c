/**
 * The scenario API (docs/scenario-api.md): what `import { defineScenario } from 'hugeswap'` gives a
 * scenario. This one file is the single source of the API's types and docs: Monaco loads it as an
 * extra lib (`?raw`), the CLI prints from it, and tests/scenario type-check scenarios/*.ts with it.
 *
 * It must stay a plain ambient declaration (no top-level import/export) so it works both as a
 * Monaco extra lib and with plain `tsc`. Keep it in step with src/scenario/guest-prelude.ts (the
 * implementation) and src/sim/api.ts (MachineInput).
 */
declare module 'hugeswap' {
  // ---------------------------------------------------------------------------------------------
  // Scenario definition
  // ---------------------------------------------------------------------------------------------

  /**
   * Declares a scenario. The module's default export must be its result:
   * ```ts
   * export default defineScenario({ title: '...', run(k) { ... } })
   * ```
   */
  export function defineScenario<P extends Params = Record<never, never>>(
    definition: ScenarioDefinition<P>,
  ): ScenarioDefinition<P>

  /** A scenario's parameters: names to numbers, strings or booleans. */
  export type Params = Record<string, number | string | boolean>

  /** What a scenario declares: the machine, which kernel variants to compare, and the script. */
  export interface ScenarioDefinition<P extends Params = Record<never, never>> {
    /** Shown in reports and charts. Default: the file name. */
    title?: string
    /**
     * Seed for every random choice the simulator (and the scenario's `Math.random`) makes.
     * Same seed, same file, same options => byte-identical results. Default 1.
     */
    seed?: number
    /**
     * Kernel variants to run `run(k)` on: names, in this order, or the features they must have,
     * which picks every variant that has them (in the order below). Default: all of them.
     * ```ts
     * variants: ['baseline', 'pmd-swap'],
     * variants: { lazyDeposit: true }, // every variant with lazy page-table deposit
     * ```
     */
    variants?: VariantName[] | VariantFilter
    /** The simulated machine. Every field is optional; defaults are the kernel's own. */
    machine?: Machine
    /**
     * Parameters with their default values, passed to `run` as its second argument and typed
     * from these defaults. A sweep varies them (`hugeswap sweep --param params.procs=10,20,50`),
     * `hugeswap run --param params.procs=50` sets one, and the result records the values used.
     * ```ts
     * params: { procs: 20, heapMB: 256 },
     * run(k, { procs, heapMB }) { ... }
     * ```
     */
    params?: P
    /**
     * The scenario script, executed once per variant on a fresh simulated machine and a fresh
     * script sandbox (module-level state does not leak between variants). It may be `async`.
     * `params`: the declared `params`, with any overrides from the command line or a sweep.
     */
    run(k: Kernel, params: Readonly<P>): void | Promise<void>
  }

  /**
   * The kernel variants (names are stable):
   * - `baseline`: today's kernel: reclaim splits the PMD into 512 PTE swap entries; eager
   *   page-table deposit.
   * - `lazy-deposit`: today's split path with lazy page-table deposit (RFC v3).
   * - `pmd-swap`: the PMD-level swap entry series (v7), eager deposit.
   * - `pmd-swap+lazy-deposit`: both series.
   */
  export type VariantName = 'baseline' | 'lazy-deposit' | 'pmd-swap' | 'pmd-swap+lazy-deposit'

  /**
   * Features a variant must have to run the scenario (`variants: { pmdSwap: true }`): each flag
   * given must match, the others are free.
   */
  export type VariantFilter = Partial<Omit<Variant, 'name'>>

  /** The variant the current run simulates: `k.variant`. */
  export interface Variant {
    /** One of the variant names above. */
    readonly name: VariantName
    /** True when swap-out may install a PMD-level swap entry (the series is applied). */
    readonly pmdSwap: boolean
    /** True when PTE tables are allocated at PMD split time instead of deposited at fault. */
    readonly lazyDeposit: boolean
  }

  /**
   * A size: a whole number of bytes, or a string with a binary suffix: `'4K'`, `'2M'`, `'8G'`,
   * `'1T'` (`'2MiB'` and `'2MB'` mean the same: suffixes are always powers of 1024).
   */
  export type Size =
    number | `${number}${'' | 'K' | 'M' | 'G' | 'T' | 'k' | 'm' | 'g' | 't'}${'' | 'B' | 'iB'}`

  // ---------------------------------------------------------------------------------------------
  // Machine
  // ---------------------------------------------------------------------------------------------

  /**
   * The simulated machine (x86-64, 4 KB pages, 2 MB PMD THPs).
   *
   * The model's limits (a scenario shared on a mailing list cannot take the machine that runs
   * it): RAM at most 4T; a swap device at most 4T, all of them at most 16T; a process's address
   * space 128T (TASK_SIZE: `mmap` fails with ENOMEM past it); 32768 processes alive at once
   * (`fork` fails with EAGAIN past it); `pagemap` and `mincore` answer at most 1 Mi pages (4G)
   * per call. The model's state itself (frames, folios, page tables, swap slots) may take 3 GiB
   * (`hugeswap run --rss-limit` sets it to three quarters of its value): past it the run stops
   * with a memory error at the call that asked for more. A run also stops past its wall-clock
   * limit (5 minutes by default, `--wall-limit`), whatever the script does.
   */
  export interface Machine {
    /** RAM. A multiple of 2M, at least 32M, at most 4T. Default `'8G'`. */
    memory?: Size
    /**
     * Swap devices in `swapon` order. Default: one 16G NVMe device.
     * Unprioritised devices get priorities -2, -3, ... like `swapon` without `-p`.
     */
    swap?: SwapDevice[]
    /**
     * zswap enabled since boot (`/sys/module/zswap/parameters/enabled`). Default false.
     * With zswap, pages are compressed per 4 KB and swap-in cannot restore a PMD.
     */
    zswap?: boolean
    /** Transparent huge page settings (`/sys/kernel/mm/transparent_hugepage/`). */
    thp?: ThpSettings
    /** VM sysctls (`/proc/sys/vm/`). */
    vm?: VmSysctls
    /**
     * Physical memory fragmentation: the fraction (0..1) of 2 MB pageblocks that hold one
     * unmovable page from boot, so PMD-order allocations (THP faults, PMD swap-in, collapse) can
     * only use the others. No compaction is modelled. Default 0.
     */
    fragmentation?: number
    /**
     * `CONFIG_THP_SWAP`: without it a PMD-order folio cannot get contiguous swap slots, so every
     * THP is split before swap-out (`thp_swpout_fallback`). Default true.
     */
    thp_swap?: boolean
    /**
     * `mm_forbids_zeropage()`: read faults get a fresh zeroed page (or THP) instead of the shared
     * zero page or the huge zero page, as on s390 KVM hosts and on PVM guest kernels booted with
     * `pvm_no_zero_page=1`. Default false (x86-64 as upstream builds it).
     */
    mm_forbids_zeropage?: boolean
    /**
     * The tree the baseline follows where trees differ. `'mm-2026'` (default): the linux-mm tree
     * the PMD swap series applies to, with Kairui Song's swap table phase II: zram (and every
     * `SWP_SYNCHRONOUS_IO` device) swaps in through the synchronous path and frees the swap
     * cache after. `'v6.18'`: as a 6.18 kernel: the synchronous path only for a slot with one
     * user (shared slots, e.g. after fork, go through swap readahead, as swapoff does), and the
     * swap cache stays. `hugeswap real` picks `'v6.18'` on kernels before 6.19.
     */
    kernel_base?: 'mm-2026' | 'v6.18'
    /**
     * Deliberate failures for error paths, each a probability in [0, 1] drawn from the seeded
     * kernel RNG (same seed, same failures). Default: all 0.
     */
    fault_injection?: FaultInjection
    /** zswap's compressor (`/sys/module/zswap/parameters/compressor`). Default `'lzo'`. */
    zswap_compressor?: Compressor
    /**
     * Cost figures (simulated ns): a named profile, or overrides of any figure on top of one.
     * Every default and its source: docs/cost-model.md. Default `'desktop-nvme'`.
     */
    costs?: CostProfileName | Costs
  }

  /** Compression algorithms of zram and zswap (their per-4 KB CPU cost). */
  export type Compressor = 'lz4' | 'lzo' | 'zstd'

  /**
   * Named cost profiles: `'desktop-nvme'` (the defaults: an x86 desktop with an NVMe SSD),
   * `'server-zram'` (a large server: faster clearing, costlier TLB shootdowns), `'phone-zram'`
   * (an arm64 phone with zram, as in Barry Song's measurements), `'measured'` (this machine's
   * figures, written by `hugeswap calibrate`; the CLI reads ~/.config/hugeswap/costs.json or
   * `--costs FILE`, the workbench the profile opened beside the variants).
   */
  export type CostProfileName = 'desktop-nvme' | 'server-zram' | 'phone-zram' | 'measured'

  /** `machine.costs` as an object: a profile plus figure overrides. */
  export interface Costs {
    /** The profile to start from. Default `'desktop-nvme'`. */
    profile?: CostProfileName
    /** CPU-side figures. */
    cpu?: Partial<CpuCosts>
    /** Per device type: request latency, bandwidth and queue depth. */
    devices?: Partial<Record<SwapDeviceType, Partial<DeviceCosts>>>
    /** Per compressor: per-4 KB compression and decompression time. */
    compressors?: Partial<Record<Compressor, Partial<CompressorCosts>>>
  }

  /** CPU costs in ns (src/sim/cost/defaults.ts names each source). */
  export interface CpuCosts {
    /** Exception entry/exit and fault dispatch (a whole 4 KB fault is ~1 us). Default 500. */
    faultEntryNs: number
    /** One page allocation from the free lists. Default 150. */
    pageAllocNs: number
    /** Clearing 4 KB (folio_zero_user at ~12-24 GB/s). Default 250. */
    clear4kNs: number
    /** Clearing 2 MB (~90-180 us). Default 120000. */
    clear2mNs: number
    /** Copying 4 KB (COW). Default 300. */
    copy4kNs: number
    /** Copying 2 MB (khugepaged collapse). Default 150000. */
    copy2mNs: number
    /** Writing one PTE or PMD with its rmap and counters. Default 10. */
    installEntryNs: number
    /** pte_alloc_one() beyond the page allocation (zeroing, accounting). Default 350. */
    pteTableAllocNs: number
    /** A local TLB flush. Default 200. */
    tlbFlushNs: number
    /** A TLB shootdown IPI round trip (~1-3 us on few cores). Default 2000. */
    tlbShootdownNs: number
    /** Other CPUs each task's mm is active on; 0 = single-threaded, local flushes. Default 0. */
    tlbShootdownCpus: number
    /** A swap slot allocation. Default 300. */
    swapSlotAllocNs: number
    /** A swap-cache insert, delete or lookup. Default 100. */
    swapCacheOpNs: number
    /** Unmapping one PTE at reclaim (clear, dup swap, write the swap PTE). Default 40. */
    unmapPteNs: number
    /** One entry visited by a page-table walker under the lock. Default 3. */
    walkEntryNs: number
    /** A userfaultfd round trip to the monitor thread. Default 5000. */
    uffdRoundTripNs: number
  }

  /** A swap device's figures. */
  export interface DeviceCosts {
    /** Fixed latency of one read request (ns). NVMe 60000, HDD 10000000. */
    readLatencyNs: number
    /** Fixed latency of one write request (ns). */
    writeLatencyNs: number
    /** Transfer time per 4 KB read (1 / bandwidth). NVMe 1000 (~4 GB/s). */
    readPerPageNs: number
    /** Transfer time per 4 KB written. NVMe 1300 (~3 GB/s). */
    writePerPageNs: number
    /** Requests in flight at once. NVMe 32, HDD 1. */
    queueDepth: number
    /** Completes in the caller (SWP_SYNCHRONOUS_IO). True for zram only. */
    synchronous: boolean
    /** SWP_BLKDEV (false for a swap file: order-0 slots only). */
    blockDevice: boolean
    /** A rotational disk. */
    rotational: boolean
  }

  /** Per-4 KB compression costs (ns). */
  export interface CompressorCosts {
    /** Compressing 4 KB. lz4 5000, lzo 7000, zstd 12000. */
    compressNs: number
    /** Decompressing 4 KB. lz4 1700, lzo 2400, zstd 5700. */
    decompressNs: number
  }

  /** `k.machine.costs`: every figure the run uses. */
  export interface CostSpec {
    /** The profile the figures started from. */
    readonly profile: CostProfileName
    /** CPU-side figures. */
    readonly cpu: Readonly<CpuCosts>
    /** Per device type. */
    readonly devices: Readonly<Record<SwapDeviceType, Readonly<DeviceCosts>>>
    /** Per compressor. */
    readonly compressors: Readonly<Record<Compressor, Readonly<CompressorCosts>>>
  }

  /** `machine.fault_injection`: probabilities in [0, 1] that an operation fails. */
  export interface FaultInjection {
    /** The PMD-order folio allocation at a page fault fails (counts `thp_fault_fallback`). */
    thp_fault_alloc?: number
    /** The PMD-order folio allocation at a PMD swap-in fails (F6: falls back to 4 KB pages). */
    thp_swapin_alloc?: number
    /**
     * A PTE-table page allocation (`pte_alloc_one()`) fails: PMD split failures under lazy
     * deposit (`thp_split_pmd_failed`), `-ENOMEM` from fork.
     */
    pte_alloc?: number
    /**
     * The swap-cache folio behind a swap PMD is split by a racing path before it is swapped in
     * (F7/F14).
     */
    swapcache_split?: number
    /** A swap-in read fails: the folio is not uptodate (F9). */
    swap_read_error?: number
    /**
     * Another thread swapped the range in and freed the slots first, between the swap-cache
     * lookup and the folio lock of a PMD swap-in: the fault returns and is retried (F8).
     */
    swapin_race?: number
    /**
     * A step of `set_pmd_swap_entry()` fails at swap-out (the swap reference, or dropping
     * anon-exclusive against a racing GUP pin): the present PMD is restored and reclaim splits it
     * instead, as today's kernel does (F5).
     */
    set_pmd_swap_entry?: number
  }

  /** Kind of swap backing: a device type decides latency, readahead and sync/async I/O. */
  export type SwapDeviceType =
    /** Compressed RAM block device (synchronous I/O, no readahead: `SWP_SYNCHRONOUS_IO`). */
    | 'zram'
    /** NVMe SSD partition (asynchronous I/O; folios stay in the swap cache after writeback). */
    | 'nvme'
    /** Rotating disk (asynchronous, slow; readahead matters most). */
    | 'hdd'
    /** A swap file on a filesystem (asynchronous, extent-mapped). */
    | 'file'

  /** One swap area, as `swapon` would add it. */
  export interface SwapDevice {
    /** `'zram' | 'nvme' | 'hdd' | 'file'`. */
    type: SwapDeviceType
    /**
     * Size of the area: a multiple of 2M (one 512-slot swap cluster), at most 4T (16T for all
     * devices together). Default `'16G'`.
     */
    size?: Size
    /**
     * `swapon -p` priority, -1..32767; higher is used first. Default: -2 for the first device,
     * -3 for the second, ... (mm/swapfile.c).
     */
    priority?: number
    /**
     * Fraction (0..1) of the area's 2 MB swap clusters that hold one long-lived 4 KB slot from
     * before the scenario starts, so they are never wholly free: PMD-order slot allocations (F2)
     * find fewer clusters. Default 0.
     */
    fragmentation?: number
    /**
     * `SWP_STABLE_WRITES`: the device needs pages kept stable while they are written (zram has
     * it; so does swap on dm-crypt). Default: true for `'zram'`, false otherwise. With an
     * asynchronous device this makes F16 reachable: a PMD swapped in while its folio is still
     * under writeback is mapped read-only (exclusive dropped), and the next write copies on write.
     */
    stable_writes?: boolean
    /** zram's compression algorithm (`/sys/block/zramN/comp_algorithm`). Default `'lzo'`. */
    compressor?: Compressor
    /**
     * zram only: RAM its pool takes per stored 4 KB page, in bytes. Default 2186 (measured with
     * lzo-rle for half-random pages); 0 for a device that stands for storage outside the
     * machine's memory (a PMEM region reserved with `memmap=`).
     */
    pool_bytes_per_page?: number
  }

  /** `/sys/kernel/mm/transparent_hugepage/*`. */
  export interface ThpSettings {
    /**
     * `/sys/kernel/mm/transparent_hugepage/enabled`: when an anonymous fault may allocate a PMD
     * THP. `'madvise'` = only in `MADV_HUGEPAGE` regions. Default `'always'`.
     */
    enabled?: 'always' | 'madvise' | 'never'
    /**
     * `/sys/kernel/mm/transparent_hugepage/defrag`: whether a THP fault may stall for direct
     * reclaim/compaction. Default `'madvise'`.
     */
    defrag?: 'always' | 'defer' | 'defer+madvise' | 'madvise' | 'never'
    /**
     * `/sys/kernel/mm/transparent_hugepage/use_zero_page`: a read fault on untouched THP-eligible
     * memory maps the huge zero page. Default true.
     */
    use_zero_page?: boolean
    /** `/sys/kernel/mm/transparent_hugepage/khugepaged/*`. */
    khugepaged?: KhugepagedSettings
    /**
     * `/sys/kernel/mm/transparent_hugepage/hugepages-<size>kB/enabled` per anonymous folio size
     * (mTHP). Default: `'2048kB'` is `'inherit'` (follows `enabled`), all others `'never'`.
     */
    hugepages?: Partial<Record<MthpSize, MthpEnabled>>
  }

  /** An anonymous folio size x86-64 offers: orders 2 to 9 (`hugepages-<size>kB`). */
  export type MthpSize =
    '16kB' | '32kB' | '64kB' | '128kB' | '256kB' | '512kB' | '1024kB' | '2048kB'

  /**
   * `hugepages-<size>kB/enabled`: `'inherit'` follows the top-level `enabled`; `'madvise'` only in
   * `MADV_HUGEPAGE` regions.
   */
  export type MthpEnabled = 'always' | 'madvise' | 'inherit' | 'never'

  /** `/sys/kernel/mm/transparent_hugepage/khugepaged/*` (mm/khugepaged.c). */
  export interface KhugepagedSettings {
    /**
     * `/sys/kernel/mm/transparent_hugepage/khugepaged/pages_to_scan`: pages scanned per pass.
     * Default 4096 (= HPAGE_PMD_NR * 8).
     */
    pages_to_scan?: number
    /**
     * `/sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs`: sleep between
     * passes, in simulated ms. Default 10000.
     */
    scan_sleep_millisecs?: number
    /**
     * `/sys/kernel/mm/transparent_hugepage/khugepaged/alloc_sleep_millisecs`: sleep after a
     * failed huge page allocation, in simulated ms. Default 60000.
     */
    alloc_sleep_millisecs?: number
    /**
     * `/sys/kernel/mm/transparent_hugepage/khugepaged/max_ptes_none`: empty PTEs a range may
     * have and still be collapsed. 0..511, default 511 (= HPAGE_PMD_NR - 1).
     */
    max_ptes_none?: number
    /**
     * `/sys/kernel/mm/transparent_hugepage/khugepaged/max_ptes_swap`: swapped-out PTEs a range
     * may have and still be collapsed (they are swapped in first; more counts
     * `thp_scan_exceed_swap_pte`). 0..511, default 64 (= HPAGE_PMD_NR / 8).
     */
    max_ptes_swap?: number
    /**
     * `/sys/kernel/mm/transparent_hugepage/khugepaged/max_ptes_shared`: PTEs mapping pages shared
     * with another process a range may have and still be collapsed. 0..511, default 256
     * (= HPAGE_PMD_NR / 2).
     */
    max_ptes_shared?: number
    /**
     * `/sys/kernel/mm/transparent_hugepage/khugepaged/defrag`: khugepaged may reclaim/compact to
     * get a huge page. Default true.
     */
    defrag?: boolean
  }

  /** `/proc/sys/vm/*` (Documentation/admin-guide/sysctl/vm.rst). */
  export interface VmSysctls {
    /**
     * `/proc/sys/vm/page-cluster`: swap readahead window is up to 2^page_cluster pages.
     * 0..31, default 3 (8 pages).
     */
    page_cluster?: number
    /**
     * `/proc/sys/vm/swappiness`: relative cost of swapping anon vs. dropping page cache.
     * 0..200, default 60.
     */
    swappiness?: number
    /**
     * `/proc/sys/vm/min_free_kbytes`: the min watermark, in kB. Default as the kernel computes it
     * at boot, `sqrt(lowmem_kbytes * 16)` clamped to [128, 262144] (mm/page_alloc.c
     * `calculate_min_free_kbytes()`): 11585 for 8G. At least 128, at most a quarter of memory.
     */
    min_free_kbytes?: number
    /**
     * `/proc/sys/vm/watermark_scale_factor`: distance between the min, low and high watermarks,
     * in units of 0.01% of memory. 1..3000, default 10 (0.1%).
     */
    watermark_scale_factor?: number
  }

  /**
   * `k.machine`: the machine this run boots, with every default filled in and sizes in bytes.
   * Read-only (frozen); it does not follow runtime changes such as `k.zswap()`.
   */
  export interface MachineSpec {
    /** RAM in bytes. */
    readonly memoryBytes: number
    /** Swap areas in `swapon` order. */
    readonly swap: readonly SwapDeviceSpec[]
    /** zswap enabled at boot. */
    readonly zswap: boolean
    /** Transparent huge page settings. */
    readonly thp: ThpSpec
    /** VM sysctls. */
    readonly vm: Readonly<Required<VmSysctls>>
    /** Fraction of 2 MB pageblocks holding an unmovable page (`machine.fragmentation`). */
    readonly fragmentation: number
    /** `CONFIG_THP_SWAP`. */
    readonly thp_swap: boolean
    /** `mm_forbids_zeropage()`. */
    readonly mm_forbids_zeropage: boolean
    /** The tree the baseline follows where trees differ. */
    readonly kernel_base: 'mm-2026' | 'v6.18'
    /** Fault-injection probabilities. */
    readonly fault_injection: Readonly<Required<FaultInjection>>
    /** zswap's compressor. */
    readonly zswap_compressor: Compressor
    /** Every cost figure, resolved from the profile and the scenario's overrides. */
    readonly costs: CostSpec
  }

  /** One swap area of `k.machine.swap`. */
  export interface SwapDeviceSpec {
    /** Kind of backing. */
    readonly type: SwapDeviceType
    /** Size of the area in bytes. */
    readonly sizeBytes: number
    /** `swapon` priority. */
    readonly priority: number
    /** Fraction of clusters pinned by a long-lived slot. */
    readonly fragmentation: number
    /** `SWP_STABLE_WRITES` (true for zram unless set otherwise). */
    readonly stable_writes: boolean
    /** zram's compressor. */
    readonly compressor: Compressor
    /** RAM zram's pool takes per stored page, bytes (0 for other devices). */
    readonly pool_bytes_per_page: number
  }

  /** `k.machine.thp`. */
  export interface ThpSpec {
    /** `/sys/kernel/mm/transparent_hugepage/enabled`. */
    readonly enabled: 'always' | 'madvise' | 'never'
    /** `/sys/kernel/mm/transparent_hugepage/defrag`. */
    readonly defrag: 'always' | 'defer' | 'defer+madvise' | 'madvise' | 'never'
    /** `/sys/kernel/mm/transparent_hugepage/use_zero_page`. */
    readonly use_zero_page: boolean
    /** `/sys/kernel/mm/transparent_hugepage/khugepaged/*`. */
    readonly khugepaged: Readonly<Required<KhugepagedSettings>>
    /** `/sys/kernel/mm/transparent_hugepage/hugepages-<size>kB/enabled`, every size. */
    readonly hugepages: Readonly<Record<MthpSize, MthpEnabled>>
  }

  // ---------------------------------------------------------------------------------------------
  // The kernel handle `k`
  // ---------------------------------------------------------------------------------------------

  /** `k`: the simulated kernel of one run. */
  export interface Kernel {
    /** The kernel variant this run simulates: `{ name, pmdSwap, lazyDeposit }`. */
    readonly variant: Variant
    /**
     * The machine as booted, every default filled in and sizes in bytes (read-only):
     * ```ts
     * if (k.machine.zswap) k.expect(k.vmstat().zswpout).toBeGreaterThan(0)
     * ```
     */
    readonly machine: MachineSpec
    /**
     * Starts a new process with its own empty mm (like `fork` + `exec` of a small program).
     * @param comm the process name shown in reports (`/proc/<pid>/comm`). Default `'task'`.
     */
    spawn(comm?: string): Task
    /**
     * Proactive reclaim, like writing `size` to a cgroup's `memory.reclaim`: scans the LRU, swaps
     * out anonymous memory and also evicts clean swap-cache folios.
     * @returns bytes actually reclaimed.
     */
    reclaim(size: Size): number
    /**
     * A memory cgroup (cgroup v2, under the root), like `mkdir /sys/fs/cgroup/NAME` and writing
     * `memory.max`. Tasks spawned in it (`cg.spawn()`) and their forks charge the pages they
     * allocate, and the page tables made for them, to it. Over `max`, an allocation reclaims from
     * the cgroup's own LRU, then the cgroup's OOM killer picks a victim among its tasks; a THP
     * that does not fit falls back to 4 KB pages (`thp_fault_fallback_charge`).
     * ```ts
     * const cg = k.cgroup('job', { max: '256M' })
     * const t = cg.spawn('worker')
     * ```
     * @param name 1 to 64 letters, digits, `.`, `_` or `-`; unique in the run.
     */
    cgroup(name: string, options?: CgroupOptions): Cgroup
    /**
     * Advances simulated time by `ms`; background work (khugepaged passes, I/O completion) runs
     * meanwhile.
     */
    sleep(ms: number): void
    /**
     * Runs khugepaged scan passes now (each scans `pages_to_scan` pages), without waiting for
     * `scan_sleep_millisecs`. Default 1 pass.
     */
    khugepaged(scans?: number): void
    /**
     * `swapoff(2)`: reads every page of swap area `index` back into memory (try_to_unuse) and
     * disables it. Default: area 0.
     */
    swapoff(index?: number): void
    /** `swapon(2)`: re-enables swap area `index` with its original priority. Default: area 0. */
    swapon(index?: number): void
    /**
     * Writes `/sys/module/zswap/parameters/enabled`. Enabling is sticky for the PMD-swap
     * decision: once zswap has ever been enabled (`zswap_never_enabled()` is false), swap-out
     * stops installing PMD swap entries even after zswap is disabled again.
     */
    zswap(enabled: boolean): void
    /**
     * Splits the large folio behind `range.start` in `task`: the PMD-mapped THP there, or the
     * swap-cache folio behind a swap PMD, as `deferred_split_scan()` or `memory_failure()` would
     * (F7, F14).
     * @returns whether a folio was split (false when there is no large folio at that address).
     */
    splitFolio(task: Task, range: Range): boolean
    /** `/proc/vmstat`: event counters since boot, with the kernel's own names. */
    vmstat(): Vmstat
    /** `/proc/meminfo`, in kB. */
    meminfo(): Meminfo
    /**
     * Records a labelled point in the results: vmstat, meminfo, the page-table ledger and the
     * simulated time. Snapshots appear in the report and charts in the order taken.
     */
    snapshot(label: string): void
    /**
     * Starts a named phase (ending the one before); with no name, ends the current phase. Like
     * bpftrace's start/stop: the report gives each phase's time in faults and, per fault type,
     * the count and p50/p99 latency. A scenario that names no phase gets one phase per stretch
     * between snapshots (`start -> forked`, `forked -> reclaimed`, ..., `<last> -> end`).
     * ```ts
     * k.phase('read back')
     * for (const c of children) c.read(heap)
     * k.phase()
     * ```
     */
    phase(name?: string): void
    /**
     * Starts a check. A failed check is recorded in the results (and makes the CLI exit with
     * status 1) but never stops the run.
     * ```ts
     * k.expect(t.smaps(r).Swap, 'whole THP in swap').toBe(2048)
     * ```
     * @param actual the measured value.
     * @param label shown in the report. Default: the matcher and the source line.
     */
    expect<T>(actual: T, label?: string): Expectation<T>
  }

  /** The matchers of `k.expect(actual, label)`. Each records one check and returns nothing. */
  export interface Expectation<T> {
    /** Passes when `actual` is `expected` (`Object.is`). */
    toBe(expected: T): void
    /** Passes when `actual` and `expected` are structurally equal (objects, arrays, numbers). */
    toEqual(expected: T): void
    /** Passes when `actual > expected`. */
    toBeGreaterThan(expected: number): void
    /** Passes when `actual >= expected`. */
    toBeGreaterThanOrEqual(expected: number): void
    /** Passes when `actual < expected`. */
    toBeLessThan(expected: number): void
    /** Passes when `actual <= expected`. */
    toBeLessThanOrEqual(expected: number): void
    /**
     * Passes when `|actual - expected| <= tolerance`.
     * @param tolerance absolute tolerance. Default 0.005 (Jest's default precision).
     */
    toBeCloseTo(expected: number, tolerance?: number): void
  }

  // ---------------------------------------------------------------------------------------------
  // Tasks and ranges
  // ---------------------------------------------------------------------------------------------

  /** Options of `k.cgroup()`. */
  export interface CgroupOptions {
    /** `memory.max`: a size, or `'max'` (no limit, the default). */
    max?: Size | 'max'
  }

  /** A memory cgroup made by `k.cgroup()`. */
  export interface Cgroup {
    /** The name given to `k.cgroup()` (`/sys/fs/cgroup/NAME`). */
    readonly name: string
    /** Starts a new process in this cgroup. */
    spawn(comm?: string): Task
    /**
     * Writes `memory.max`; lowering it below the usage reclaims, then OOM-kills in the cgroup,
     * until it fits. `'max'`: no limit.
     */
    setMax(max: Size | 'max'): void
    /** Writes `size` to the cgroup's `memory.reclaim`. @returns bytes actually reclaimed. */
    reclaim(size: Size): number
    /** The cgroup's files now. */
    stat(): CgroupStat
  }

  /** What a cgroup's memory files say. */
  export interface CgroupStat {
    /** `memory.current`, bytes. */
    readonly current: number
    /** `memory.max`, bytes, or `'max'`. */
    readonly max: number | 'max'
    /** `memory.events`. */
    readonly events: CgroupEvents
    /** `memory.stat`, the reclaim part. */
    readonly stat: CgroupReclaimStat
  }

  /** A cgroup's `memory.events`. */
  export interface CgroupEvents {
    /** Times an allocation found the cgroup at `memory.max`. */
    readonly max: number
    /** Times the cgroup ran out of memory after its reclaim gave up. */
    readonly oom: number
    /** Tasks of the cgroup its OOM killer killed. */
    readonly oom_kill: number
  }

  /** A cgroup's `memory.stat`, the reclaim part. */
  export interface CgroupReclaimStat {
    /** Pages reclaim scanned on this cgroup's LRU (kswapd, direct and the cgroup's own). */
    readonly pgscan: number
    /** Pages reclaim freed from this cgroup's LRU. */
    readonly pgsteal: number
  }

  /** A simulated process. Every call acts on its mm. */
  export interface Task {
    /** Process id. */
    readonly pid: number
    /** Process name (`/proc/<pid>/comm`). */
    readonly comm: string
    /**
     * `mmap(NULL, size, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)`, placed at a
     * PMD-aligned (2 MB) address so THPs can map it.
     * @param size length of the mapping, rounded up to 4K. The process's address space is 128T
     *   (TASK_SIZE): a mapping past it fails with ENOMEM.
     * @param options.advice `'hugepage'` = `MADV_HUGEPAGE`, `'nohugepage'` = `MADV_NOHUGEPAGE`
     *   right after mapping.
     */
    mmap(size: Size, options?: MmapOptions): Range
    /**
     * Writes to pages of `range` (write faults: allocate, break COW, swap in). Default: every
     * 4 KB page, in address order.
     */
    write(range: Range, options?: TouchOptions): void
    /** Reads pages of `range` (read faults: swap in, huge zero page). Default: every page. */
    read(range: Range, options?: TouchOptions): void
    /** `madvise(2)` over `range`. */
    madvise(range: Range, advice: Advice): void
    /** `mprotect(2)` over `range`: `'none'`, `'r'` (PROT_READ) or `'rw'`. */
    mprotect(range: Range, prot: Prot): void
    /** `munmap(2)` of `range` (zaps present pages and frees swap entries). */
    munmap(range: Range): void
    /**
     * `mremap(2)` with `MREMAP_MAYMOVE` (and `MREMAP_FIXED` when `newAddress` is given): moves the
     * mapping without touching its pages (PMDs and swap entries move as they are).
     * @param newAddress a PMD-aligned destination address (number) or a range whose start is used.
     * @returns the range at its new address.
     */
    mremap(range: Range, newAddress?: number | Range): Range
    /**
     * `fork(2)`: a child sharing every page copy-on-write; swap entries are duplicated (swap
     * count + 1). Ranges name addresses, so the parent's ranges work in the child. Fails with
     * EAGAIN when 32768 processes are alive (pid_max).
     */
    fork(): Task
    /** `exit(2)`: zaps the whole mm. Later calls on this task fail. */
    exit(): void
    /**
     * `/proc/<pid>/smaps` summed over the VMAs that overlap `range` (counting only pages inside
     * it), or `smaps_rollup` of the whole mm without a range. In kB.
     */
    smaps(range?: Range): Smaps
    /** `/proc/<pid>/status` memory fields, in kB. */
    status(): Status
    /**
     * `/proc/<pid>/pagemap`: one entry per 4 KB page of `range`, in address order; at most
     * 1 Mi pages (a 4G range) per call.
     */
    pagemap(range: Range): PagemapEntry[]
    /**
     * `mincore(2)`: one entry per 4 KB page of `range`, true when the page is resident (mapped,
     * or swapped out but still in the swap cache); at most 1 Mi pages (a 4G range) per call.
     */
    mincore(range: Range): boolean[]
    /**
     * Writes `value` to `/proc/<pid>/clear_refs`: 4 clears the soft-dirty bits (pagemap bit 55),
     * 1 clears the referenced (accessed) bits. Default 4.
     */
    clearRefs(value?: 1 | 4): void
    /**
     * `UFFDIO_REGISTER` of `range` with this task's userfaultfd, in the given modes: `'missing'`
     * (faults on unpopulated pages: the monitor copies a zero-filled 4 KB page in with
     * `UFFDIO_COPY`, so such a range never gets a THP by a fault), `'wp'` (write-protect) and
     * `'rwp'` (read/write-protect).
     */
    uffdRegister(range: Range, modes: UffdMode[]): void
    /**
     * `UFFDIO_WRITEPROTECT` (`mode: 'wp'`) or `UFFDIO_RWPROTECT` (`mode: 'rwp'`) over a registered
     * `range`: sets the protection, or clears it with `protect: false`.
     * @param protect true (the default) to protect, false to unprotect.
     */
    uffdProtect(range: Range, mode: 'wp' | 'rwp', protect?: boolean): void
    /**
     * `UFFDIO_MOVE`: moves `src.length` bytes of pages from `src` to `dst` (which must be
     * registered and at least as long) without copying them; PMDs and swap entries move as they
     * are where alignment allows.
     * @returns what the kernel leaves in `uffdio_move.move`: the bytes moved (fewer than asked
     * when an entry failed after some moved), or a negative errno when none did: -2 (ENOENT) for
     * a hole in `src`, -17 (EEXIST) for a populated `dst`, -16 (EBUSY) for a page shared after
     * fork or a swap entry whose swap-cache folio is large (a swapped-out THP still in the swap
     * cache), -11 (EAGAIN) for a large folio that could not be split.
     */
    uffdMove(dst: Range, src: Range): number
    /**
     * Page-fault messages this task's userfaultfd monitor received since the last call, oldest
     * first (the monitor resolves each as the selftests' monitor thread does: a protection fault
     * by clearing the protection, a missing page by `UFFDIO_COPY` of a zero-filled page).
     * Reading them empties the queue.
     */
    uffdEvents(): UffdEvent[]
    /**
     * A long-term GUP pin (`pin_user_pages()` with `FOLL_PIN | FOLL_LONGTERM`, as RDMA or vfio
     * take) on every folio mapped in `range`; the pages are faulted in (written) first, as GUP
     * does. While a folio is pinned (`folio_maybe_dma_pinned()`):
     * - reclaim skips it: it is not swapped out, and in the series `set_pmd_swap_entry()` cannot
     *   drop its anon-exclusive mark (F5);
     * - `fork()` copies a pinned anon-exclusive THP for the child at PTE level instead of sharing
     *   it copy-on-write (`copy_huge_pmd()` splits, `copy_present_page()` copies).
     * Pins nest: each `pin` needs its own `unpin`.
     */
    pin(range: Range): void
    /**
     * Releases one long-term pin (`unpin_user_pages()`) on every folio mapped in `range`; fails
     * if a folio there is not pinned. Reclaim may take the folios again afterwards.
     */
    unpin(range: Range): void
  }

  /**
   * userfaultfd registration modes: `'missing'` (UFFDIO_REGISTER_MODE_MISSING), `'wp'`
   * (UFFDIO_REGISTER_MODE_WP) and `'rwp'` (read/write-protect).
   */
  export type UffdMode = 'missing' | 'wp' | 'rwp'

  /** One userfaultfd page-fault message (`UFFD_EVENT_PAGEFAULT`). */
  export interface UffdEvent {
    /** Faulting address. */
    addr: number
    /** `UFFD_PAGEFAULT_FLAG_WRITE`: a write fault. */
    write: boolean
    /** `UFFD_PAGEFAULT_FLAG_WP`: the page was write-protected. */
    wp: boolean
    /** The page was read/write-protected (this tree's `UFFD_PAGEFAULT_FLAG_RWP`). */
    rwp: boolean
    /** A fault on an unpopulated page of a `'missing'`-registered range. */
    missing: boolean
  }

  /** Options of `t.mmap(size, options)`. */
  export interface MmapOptions {
    /** `'hugepage'` (`MADV_HUGEPAGE`, VM flag `hg`) or `'nohugepage'` (`MADV_NOHUGEPAGE`, `nh`). */
    advice?: 'hugepage' | 'nohugepage'
  }

  /** Options of `t.write(range, options)` and `t.read(range, options)`. */
  export interface TouchOptions {
    /**
     * How many 4 KB pages to touch: a count (>= 1), or a fraction of the range in (0, 1).
     * Default: all of them.
     */
    pages?: number
    /** `'sequential'` (address order, the default) or `'random'` (seeded shuffle). */
    order?: 'sequential' | 'random'
  }

  /**
   * `madvise(2)` advice:
   * - `'pageout'`: MADV_PAGEOUT, reclaim now (swap out anonymous pages).
   * - `'cold'`: MADV_COLD, deactivate (move to the inactive LRU).
   * - `'willneed'`: MADV_WILLNEED, start swap-in readahead.
   * - `'dontneed'`: MADV_DONTNEED, zap pages and free swap entries.
   * - `'free'`: MADV_FREE, lazily free (clean pages may be discarded; swap entries are freed).
   * - `'hugepage'` / `'nohugepage'`: MADV_HUGEPAGE / MADV_NOHUGEPAGE.
   * - `'collapse'`: MADV_COLLAPSE, synchronous khugepaged-style collapse.
   */
  export type Advice =
    'pageout' | 'cold' | 'willneed' | 'dontneed' | 'free' | 'hugepage' | 'nohugepage' | 'collapse'

  /** `mprotect(2)` protection: `'none'` (PROT_NONE), `'r'` (PROT_READ), `'rw'`. */
  export type Prot = 'none' | 'r' | 'rw'

  /**
   * A range of user addresses `[start, start + length)`. It names addresses, not a mapping of one
   * task: after `const c = t.fork()`, `c.read(r)` reads the same addresses in the child.
   */
  export interface Range {
    /** First byte's address. */
    readonly start: number
    /** Length in bytes. */
    readonly length: number
    /** Same as `length`. */
    readonly bytes: number
    /**
     * A sub-range `[start + offset, start + offset + size)`; it must lie inside this range.
     * ```ts
     * t.munmap(r.sub(0, '1M'))   // first half of a 2M THP
     * ```
     */
    sub(offset: Size, size: Size): Range
  }

  // ---------------------------------------------------------------------------------------------
  // Observables: names are the kernel's, verbatim
  // ---------------------------------------------------------------------------------------------

  /**
   * `/proc/vmstat` (include/linux/vm_event_item.h, mm/vmstat.c): `nr_*` gauges are current values,
   * everything else is an event count since boot. Counters a series adds exist only in the
   * variants that have that series (like the line in a real kernel's /proc/vmstat).
   */
  export interface Vmstat {
    /** Free 4 KB pages now. */
    nr_free_pages: number
    /** Anonymous 4 KB pages mapped now (PMD- and PTE-mapped). */
    nr_anon_pages: number
    /** Anonymous THPs mapped by a PMD now. */
    nr_anon_transparent_hugepages: number
    /** PTE-table pages now (deposited tables included). */
    nr_page_table_pages: number
    /** 4 KB pages in the swap cache now. */
    nr_swapcached: number
    /** Anonymous pages scanned by reclaim (all of it: kswapd, direct, and a cgroup's, which
     *  `k.reclaim()` is and which counts in no other global counter). */
    pgscan_anon: number
    /** Anonymous pages reclaimed. */
    pgsteal_anon: number
    /** Pages kswapd isolated from the inactive list (between the low and high watermarks). */
    pgscan_kswapd: number
    /** Pages direct reclaim isolated (an allocation below the min watermark reclaimed itself). */
    pgscan_direct: number
    /** Pages kswapd freed. */
    pgsteal_kswapd: number
    /** Pages direct reclaim freed. */
    pgsteal_direct: number
    /** Direct reclaim entered for a kernel allocation (a page table). */
    allocstall_normal: number
    /** Direct reclaim entered for a user page (GFP_HIGHUSER_MOVABLE). */
    allocstall_movable: number
    /** Pages scanned on the active list (shrink_active_list()). */
    pgrefill: number
    /** Pages moved to the active list (referenced twice, or met under writeback). */
    pgactivate: number
    /** Pages moved from the active to the inactive list (aging, MADV_COLD). */
    pgdeactivate: number
    /** kswapd balance_pgdat() rounds. */
    pageoutrun: number
    /** Processes killed by the OOM killer. */
    oom_kill: number
    /** A PMD THP was allocated and mapped at fault (`map_anon_folio_pmd_pf`). */
    thp_fault_alloc: number
    /** A PMD-order allocation failed at fault; the fault fell back to 4 KB pages. */
    thp_fault_fallback: number
    /** The memcg charge of a fault THP failed; fell back to 4 KB pages. */
    thp_fault_fallback_charge: number
    /** khugepaged or MADV_COLLAPSE allocated a THP to collapse into. */
    thp_collapse_alloc: number
    /** khugepaged or MADV_COLLAPSE failed to allocate a THP. */
    thp_collapse_alloc_failed: number
    /** A THP folio was split into 4 KB pages (e.g. on the `thp_swpout_fallback` path). */
    thp_split_page: number
    /** Splitting a THP folio failed (e.g. extra references). */
    thp_split_page_failed: number
    /** A partially unmapped THP was queued on the deferred split list. */
    thp_deferred_split_page: number
    /** A PMD mapping was split into 512 PTEs (every baseline THP swap-out, once per mapping). */
    thp_split_pmd: number
    /**
     * A PMD split failed to allocate its PTE table (`THP_SPLIT_PMD_FAILED`). Lazy-deposit variants
     * only: `undefined` elsewhere.
     */
    thp_split_pmd_failed?: number
    /** khugepaged skipped a range with more than `max_ptes_none` empty PTEs. */
    thp_scan_exceed_none_pte: number
    /** khugepaged skipped a range with more than `max_ptes_swap` swap PTEs. */
    thp_scan_exceed_swap_pte: number
    /** khugepaged skipped a range with more than `max_ptes_shared` shared PTEs. */
    thp_scan_exceed_share_pte: number
    /** The huge zero page was allocated (first THP-eligible read fault). */
    thp_zero_page_alloc: number
    /** Allocating the huge zero page failed. */
    thp_zero_page_alloc_failed: number
    /** A PMD-mappable folio was written to swap in one piece (`__swap_writepage`); baseline too. */
    thp_swpout: number
    /** A PMD-sized folio had to be split because no contiguous swap cluster was free. */
    thp_swpout_fallback: number
    /**
     * Swap-out installed a PMD-level swap entry instead of splitting the PMD (the series' new
     * `THP_SWPOUT_PMD`). `pmd-swap` variants only: `undefined` elsewhere (the selftest treats a
     * missing line as "kernel without the feature").
     */
    thp_swpout_pmd?: number
    /** 4 KB pages read from a swap device (excludes zswap hits); a 2 MB read counts 512. */
    pswpin: number
    /** 4 KB pages written to a swap device; a 2 MB folio counts 512. */
    pswpout: number
    /** 4 KB pages loaded from zswap. */
    zswpin: number
    /** 4 KB pages stored in zswap. */
    zswpout: number
    /** 4 KB pages written back from zswap to the backing swap device. */
    zswpwb: number
    /** Zero-filled pages swapped in without I/O (zero flag in the swap table). */
    swpin_zero: number
    /** Zero-filled pages swapped out without I/O (recorded as zero in the swap table). */
    swpout_zero: number
    /** Page faults of any kind. */
    pgfault: number
    /** Page faults that needed I/O (a swap-in read). */
    pgmajfault: number
    /** Pages read by swap readahead. */
    swap_ra: number
    /** Readahead pages later hit in the swap cache. */
    swap_ra_hit: number
  }

  /** A `/proc/vmstat` counter name. */
  export type VmstatCounter = keyof Vmstat

  /** `/proc/meminfo` fields, in kB. */
  export interface Meminfo {
    /** Usable RAM. */
    MemTotal: number
    /** RAM not in use. */
    MemFree: number
    /** Anonymous memory mapped into page tables (PMD- and PTE-mapped). */
    AnonPages: number
    /** Anonymous THPs mapped by a PMD (PTE-mapped THPs are not counted). */
    AnonHugePages: number
    /** PTE-table pages, including tables deposited under PMD-mapped THPs (eager deposit). */
    PageTables: number
    /** Memory in the swap cache (swapped out and still resident, or swapped in and not freed). */
    SwapCached: number
    /** Size of all enabled swap areas. */
    SwapTotal: number
    /** Unused swap space. */
    SwapFree: number
    /** Memory stored in zswap, before compression (0 while zswap holds nothing). */
    Zswapped: number
  }

  /** `/proc/<pid>/smaps` fields, in kB. */
  export interface Smaps {
    /** Size of the mapping(s) counted. */
    Size: number
    /** Page size of the VMA (always 4 on x86-64 anonymous memory). */
    KernelPageSize: number
    /** Page size the MMU uses for the VMA (4; THPs show in AnonHugePages instead). */
    MMUPageSize: number
    /** Resident memory. */
    Rss: number
    /** Proportional share of resident memory (shared pages divided by their map count). */
    Pss: number
    /** Anonymous part of Pss. */
    Pss_Anon: number
    /** Clean resident pages mapped by more than one process. */
    Shared_Clean: number
    /** Dirty resident pages mapped by more than one process. */
    Shared_Dirty: number
    /** Clean resident pages mapped only here. */
    Private_Clean: number
    /** Dirty resident pages mapped only here. */
    Private_Dirty: number
    /** Resident memory marked accessed. */
    Referenced: number
    /** Resident anonymous memory. */
    Anonymous: number
    /** Anonymous memory mapped by PMDs. */
    AnonHugePages: number
    /** Memory swapped out (a PMD swap entry counts 2048 kB). */
    Swap: number
    /** Proportional share of swap: each slot's 4 KB divided by its swap count (after fork). */
    SwapPss: number
    /** mlock()ed memory (always 0: the model has no mlock). */
    Locked: number
  }

  /** `/proc/<pid>/status` memory fields, in kB. */
  export interface Status {
    /** Resident set size. */
    VmRSS: number
    /** Resident anonymous memory. */
    RssAnon: number
    /** Resident file-backed memory (always 0: the model is anonymous memory only). */
    RssFile: number
    /** Resident shmem (always 0). */
    RssShmem: number
    /** Swapped-out anonymous memory (`MM_SWAPENTS` x 4 KB). */
    VmSwap: number
    /** Page-table memory of this mm, including deposited PTE tables. */
    VmPTE: number
  }

  /** One 4 KB page of `/proc/<pid>/pagemap`. */
  export interface PagemapEntry {
    /** Bit 63: page present in RAM. */
    present: boolean
    /** Bit 62: page swapped out. */
    swapped: boolean
    /** Bits 0-54 when present: page frame number. */
    pfn?: number
    /** Bits 0-4 when swapped: swap area index. */
    swapType?: number
    /** Bits 5-54 when swapped: slot offset in the swap area (consecutive under a PMD entry). */
    swapOffset?: number
    /** Bit 55: soft-dirty. */
    softDirty: boolean
    /** Bit 56: page exclusively mapped. */
    exclusive: boolean
    /** Bit 57: userfaultfd write-protected. */
    uffdWp: boolean
  }
}
