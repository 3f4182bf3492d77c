/**
 * The cost model's figures, in simulated nanoseconds. Every default cites its source
 * (docs/kernel-facts.md#cost-figures); docs/cost-model.md explains the whole model and
 * docs/calibration.md sets its ratios beside published measurements. The defaults are round
 * mid-range values of the cited ranges, never fitted to a benchmark. Scenarios override any figure
 * (`machine.costs`) or pick a named profile (src/sim/cost/profiles.ts).
 */
import type { SwapDeviceType } from '../api'

/** What a device request costs and how the device behaves. */
export interface DeviceCost {
  /** Fixed latency of one request (command, seek, interrupt), ns. */
  readLatencyNs: number
  writeLatencyNs: number
  /** Transfer time per 4 KB page once the request is under way (1 / bandwidth), ns. */
  readPerPageNs: number
  writePerPageNs: number
  /** Requests the device works on at once (queue depth it can overlap). */
  queueDepth: number
  /** Completes in the submitting context on its CPU (SWP_SYNCHRONOUS_IO: zram, brd, pmem). */
  synchronous: boolean
  /** SWP_BLKDEV: a block device; a swap file on a filesystem is not (no PMD-order slots). */
  blockDevice: boolean
  /** Rotational (hdd). */
  rotational: boolean
}

/** Compressors of zram and zswap: per 4 KB page, on the CPU. */
export type Compressor = 'lz4' | 'lzo' | 'zstd'

export interface CompressorCost {
  compressNs: number
  decompressNs: number
}

export const COMPRESSOR_COSTS: Record<Compressor, CompressorCost> = {
  // Decompression: fio random 4 KB reads on zram at page-cluster 0, x86 desktop: lz4 ~1.7 us, lzo
  // ~2.4 us, zstd ~5.7 us mean (notes.xeome.dev/notes/Zram). Compression: "~5-20 us, lz4 low end,
  // zstd high end" (docs/kernel-facts.md#cost-figures, weakly sourced: a 1.1 GB copy into zram took
  // lz4 4.5 s, zstd 7.9 s); lzo sits between.
  lz4: { compressNs: 5_000, decompressNs: 1_700 },
  lzo: { compressNs: 7_000, decompressNs: 2_400 },
  zstd: { compressNs: 12_000, decompressNs: 5_700 },
}

export const DEVICE_COSTS: Record<SwapDeviceType, DeviceCost> = {
  // zram: the per-page cost is the compressor's (added by page_io for the device's compressor);
  // what remains is the block-layer round trip, a few hundred ns [inferred].
  zram: {
    readLatencyNs: 300,
    writeLatencyNs: 300,
    readPerPageNs: 0,
    writePerPageNs: 0,
    queueDepth: 1,
    synchronous: true,
    blockDevice: true,
    rotational: false,
  },
  // NVMe SSD: 4 KB random read ~20-100 us at QD1; sequential 3-14 GB/s, so 2 MB in ~0.15-0.7 ms
  // plus ~20-50 us (toolnova disk I/O reference; choicesbuy performance metrics); NVMe major fault
  // 80-200 us (systemoverflow). 60 us read latency, ~4 GB/s reads, ~3 GB/s writes, 32 in flight.
  nvme: {
    readLatencyNs: 60_000,
    writeLatencyNs: 30_000,
    readPerPageNs: 1_000,
    writePerPageNs: 1_300,
    queueDepth: 32,
    synchronous: false,
    blockDevice: true,
    rotational: false,
  },
  // HDD: 4 KB random 8-15 ms (seek + rotation); 120-220 MB/s sequential, so 2 MB ~10-17 ms plus
  // one seek (toolnova; ClickHouse study via gigazine). One request at a time.
  hdd: {
    readLatencyNs: 10_000_000,
    writeLatencyNs: 10_000_000,
    readPerPageNs: 24_000,
    writePerPageNs: 24_000,
    queueDepth: 1,
    synchronous: false,
    blockDevice: true,
    rotational: true,
  },
  // A swap file on a filesystem on NVMe: the same media plus a little filesystem overhead
  // [inferred], and not SWP_BLKDEV (order-0 slots only).
  file: {
    readLatencyNs: 65_000,
    writeLatencyNs: 35_000,
    readPerPageNs: 1_000,
    writePerPageNs: 1_300,
    queueDepth: 32,
    synchronous: false,
    blockDevice: false,
    rotational: false,
  },
}

export interface CpuCost {
  /** Exception entry/exit and handle_mm_fault() dispatch. A whole 4 KB zero-fill fault is
   *  ~0.6-4 us, median ~1 us (rdtsc, ddumbying.vercel.app/experiments/pagefault-latency); this is
   *  that minus the clear, allocation and install below. */
  faultEntryNs: number
  /** One page allocation from the free lists (any order), the fast path [inferred from the
   *  PTE-table figure below: order-0 alloc + 4 KB zeroing ~0.3-2 us, zeroing ~0.2-0.35 us]. */
  pageAllocNs: number
  /** Clearing 4 KB at ~12-24 GB/s (folio_zero_user(), lexplain commit analysis 9890ecab). */
  clear4kNs: number
  /** Clearing 2 MB: ~90-180 us at the same bandwidth. */
  clear2mNs: number
  /** Copying 4 KB / 2 MB (COW, collapse): memcpy runs at about clearing bandwidth [inferred]. */
  copy4kNs: number
  copy2mNs: number
  /** Writing one PTE or PMD entry with its rmap and counter updates [inferred: tens of ns]. */
  installEntryNs: number
  /** pte_alloc_one() beyond the page allocation itself: zeroing 4 KB and the ptdesc/accounting
   *  setup; with pageAllocNs ~0.3-2 us normally (docs/kernel-facts.md#cost-figures). */
  pteTableAllocNs: number
  /** A local TLB flush (one entry or a range): ~10-40 ns per walk it saves; the flush itself a
   *  few hundred ns [secondary sources: notes.elimelt.com TLB notes]. */
  tlbFlushNs: number
  /** A TLB shootdown IPI round trip to other CPUs: ~1-3 us on few cores
   *  (docs/kernel-facts.md#cost-figures). Paid per flush when tasks run on more than one CPU
   *  (`costs.cpu.tlbShootdownCpus` > 0). */
  tlbShootdownNs: number
  /** Other CPUs a task's mm is active on (threads); 0: single-threaded tasks, local flushes. */
  tlbShootdownCpus: number
  /** Swap slot allocation from the cluster allocator, per request [inferred]. */
  swapSlotAllocNs: number
  /** Swap-cache insert, delete or lookup, per folio [inferred: an xarray/swap-table walk]. */
  swapCacheOpNs: number
  /** try_to_unmap_one() on one PTE: clear, folio_dup_swap(), write the swap PTE [inferred]. */
  unmapPteNs: number
  /** Visiting one page-table entry in a walker (smaps, pagemap, zap, mprotect ...) under the
   *  page-table lock [inferred: a cache-hot load and test, a few ns]. */
  walkEntryNs: number
  /** A userfaultfd round trip: wake the monitor, its read(), the resolving ioctl, wake the
   *  faulting thread [inferred: two context switches plus two syscalls, a few us]. */
  uffdRoundTripNs: number
}

export const CPU_COSTS: CpuCost = {
  faultEntryNs: 500,
  pageAllocNs: 150,
  clear4kNs: 250,
  clear2mNs: 120_000,
  copy4kNs: 300,
  copy2mNs: 150_000,
  installEntryNs: 10,
  pteTableAllocNs: 350,
  tlbFlushNs: 200,
  tlbShootdownNs: 2_000,
  tlbShootdownCpus: 0,
  swapSlotAllocNs: 300,
  swapCacheOpNs: 100,
  unmapPteNs: 40,
  walkEntryNs: 3,
  uffdRoundTripNs: 5_000,
}
