/**
 * Default costs in simulated nanoseconds. Every figure cites its source (../shared/domain.md §7);
 * docs/cost-model.md (issue 4) will explain the whole model. These are deliberately round
 * mid-range values of the cited ranges, not fitted to any benchmark.
 */
import type { SwapDeviceType } from '../api'

export interface DeviceCost {
  /** Fixed latency of one request (seek/queue/decompress setup), ns. */
  readLatencyNs: number
  writeLatencyNs: number
  /** Transfer cost per 4 KB page once the request is under way, ns. */
  readPerPageNs: number
  writePerPageNs: number
  /** Completes in the submitting context (SWP_SYNCHRONOUS_IO: zram, brd, pmem). */
  synchronous: boolean
  /** SWP_BLKDEV: a block device; a swap file on a filesystem is not (no PMD-order slots). */
  blockDevice: boolean
  /** SWP_STABLE_WRITES (zram). */
  stableWrites: boolean
  /** Rotational (hdd): clusters are handed out through one global cluster. */
  rotational: boolean
}

export const DEVICE_COSTS: Record<SwapDeviceType, DeviceCost> = {
  // zram lz4: 4 KB read ~1.7 us mean (fio, notes.xeome.dev/notes/Zram); compress ~5 us per 4 KB
  // (copy of 1.1 GB into zram with lz4 in 4.5 s). zram compresses per 4 KB, so 2 MB = 512 x.
  zram: {
    readLatencyNs: 300,
    writeLatencyNs: 300,
    readPerPageNs: 1_700,
    writePerPageNs: 4_000,
    synchronous: true,
    blockDevice: true,
    stableWrites: true,
    rotational: false,
  },
  // NVMe: 4 KB random read ~20-100 us at QD1; sequential 3-14 GB/s, so 2 MB ~0.15-0.7 ms + setup
  // (toolnova disk I/O reference; systemoverflow: NVMe major fault 80-200 us).
  nvme: {
    readLatencyNs: 60_000,
    writeLatencyNs: 30_000,
    readPerPageNs: 1_000,
    writePerPageNs: 1_300,
    synchronous: false,
    blockDevice: true,
    stableWrites: false,
    rotational: false,
  },
  // HDD: 4 KB random 8-15 ms (seek + rotation); 120-220 MB/s sequential, 2 MB ~10-17 ms + a seek.
  hdd: {
    readLatencyNs: 10_000_000,
    writeLatencyNs: 10_000_000,
    readPerPageNs: 24_000,
    writePerPageNs: 24_000,
    synchronous: false,
    blockDevice: true,
    stableWrites: false,
    rotational: true,
  },
  // A swap file on a filesystem on NVMe: same media, but not SWP_BLKDEV (order-0 slots only).
  file: {
    readLatencyNs: 65_000,
    writeLatencyNs: 35_000,
    readPerPageNs: 1_000,
    writePerPageNs: 1_300,
    synchronous: false,
    blockDevice: false,
    stableWrites: false,
    rotational: false,
  },
}

export interface CpuCost {
  /** Exception entry/exit and handle_mm_fault dispatch; a 4 KB zero-fill fault is ~0.6-4 us,
   *  median ~1 us (rdtsc measurement, ddumbying.vercel.app/experiments/pagefault-latency). */
  faultEntryNs: number
  /** Clearing 4 KB at ~12-24 GB/s (folio_zero_user, lexplain commit analysis 9890ecab). */
  clear4kNs: number
  /** Clearing 2 MB: ~90-180 us at the same bandwidth. */
  clear2mNs: number
  /** Copying 4 KB / 2 MB (COW): same order as clearing. */
  copy4kNs: number
  copy2mNs: number
  /** Writing one PTE or PMD entry (set_pte_at, rmap and counter updates). */
  installEntryNs: number
  /** pte_alloc_one(): order-0 allocation + zeroing 4 KB, ~0.3-2 us normally. */
  pteTableAllocNs: number
  /** Local TLB flush of one entry or range. */
  tlbFlushNs: number
  /** Slot allocation in the cluster allocator (per request). */
  swapSlotAllocNs: number
  /** Swap-cache insert or lookup (per folio). */
  swapCacheOpNs: number
  /** Unmapping one PTE in try_to_unmap_one (clear, folio_dup_swap, swap PTE). */
  unmapPteNs: number
  /** A userfaultfd round trip: wake the monitor thread, its read(), the resolving ioctl and the
   *  wake-up of the faulting thread. [inferred: two context switches plus two syscalls, a few us;
   *  no published figure found] */
  uffdRoundTripNs: number
}

export const CPU_COSTS: CpuCost = {
  faultEntryNs: 800,
  clear4kNs: 250,
  clear2mNs: 120_000,
  copy4kNs: 300,
  copy2mNs: 150_000,
  installEntryNs: 10,
  pteTableAllocNs: 500,
  tlbFlushNs: 200,
  swapSlotAllocNs: 300,
  swapCacheOpNs: 100,
  unmapPteNs: 40,
  uffdRoundTripNs: 5_000,
}
