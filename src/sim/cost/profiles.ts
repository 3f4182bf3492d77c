/**
 * Named cost profiles (`machine.costs: 'server-zram'` or `{ profile: 'server-zram', ... }`).
 * A profile changes CPU figures and device figures together, each with its source; anything a
 * scenario sets in `machine.costs` overrides the profile.
 */
import type { SwapDeviceType } from '../api'
import type { Compressor, CompressorCost, CpuCost, DeviceCost } from './defaults'

export type CostProfileName = 'desktop-nvme' | 'server-zram' | 'phone-zram' | 'measured'

export interface CostProfile {
  description: string
  cpu: Partial<CpuCost>
  devices: Partial<Record<SwapDeviceType, Partial<DeviceCost>>>
  compressors?: Partial<Record<Compressor, Partial<CompressorCost>>>
}

export const COST_PROFILES: Record<CostProfileName, CostProfile> = {
  // A machine's own figures, measured by `hugeswap calibrate` on its kernel: the run request
  // carries them (RunRequest.measuredCosts, from the profile file), on top of the defaults.
  measured: {
    description: 'measured on a machine by hugeswap calibrate (its profile file)',
    cpu: {},
    devices: {},
  },
  // The defaults: an 11th-gen Core desktop (the 4 KB fault measurement) with an NVMe SSD.
  'desktop-nvme': {
    description: 'x86 desktop, NVMe SSD (the defaults)',
    cpu: {},
    devices: {},
  },
  // A large server: clearing at 23.6 GB/s after the folio_zero_user() optimisation on AMD Genoa
  // (lexplain 9890ecab: 2 MB in ~89 us), and shootdowns that reach more CPUs (tens of us on large
  // machines, docs/kernel-facts.md#cost-figures; 10 us taken here).
  'server-zram': {
    description: 'large x86 server (AMD Genoa clearing rates), zram swap',
    cpu: {
      clear4kNs: 175,
      clear2mNs: 89_000,
      copy4kNs: 200,
      copy2mNs: 110_000,
      tlbShootdownNs: 10_000,
    },
    devices: {},
  },
  // A phone: Barry Song's zram figures imply ~35 us per page swapped out and ~18 us per page
  // swapped in end to end with lz4 (docs/kernel-facts.md#cost-figures, derived from anchor 4); a
  // Raspberry Pi 4 decompresses 4 KB with lz4 in ~9.4 us (notes.xeome.dev). Slower CPU: 4 KB faults
  // ~2 us.
  'phone-zram': {
    description: 'arm64 phone, zram (Barry Song-like setup)',
    cpu: {
      faultEntryNs: 1_200,
      clear4kNs: 600,
      clear2mNs: 300_000,
      copy4kNs: 700,
      copy2mNs: 350_000,
    },
    devices: { zram: { readLatencyNs: 1_000, writeLatencyNs: 1_000 } },
    // Barry Song's 4 KB runs (100 x 100 MiB): lz4 swap-out 90 540 ms, swap-in 45 274 ms; zstd
    // 186 585 ms and 85 035 ms, i.e. ~35 / 18 us per page with lz4 and ~73 / 33 us with zstd end
    // to end. The compressor figures take most of that; the rest is the fault and I/O path.
    compressors: {
      lz4: { compressNs: 25_000, decompressNs: 9_400 },
      zstd: { compressNs: 60_000, decompressNs: 25_000 },
    },
  },
}
