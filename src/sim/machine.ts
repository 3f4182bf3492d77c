/**
 * The simulated machine's defaults and validation. Defaults are the kernel's own (x86-64, 2026 mm
 * tree): Documentation/admin-guide/mm/transhuge.rst, Documentation/admin-guide/sysctl/vm.rst.
 */
import { ZRAM_OBJECT_BYTES } from './mm/zram'
import {
  MTHP_SIZES,
  MODEL_LIMITS,
  SimUsageError,
  type MthpEnabled,
  type MthpSize,
  type CostSpec,
  type CostsInput,
  type MachineInput,
  type MachineSpec,
  type SwapDeviceType,
  type ThpDefrag,
  type ThpEnabled,
} from './api'
import type { MachineSummary } from './result'
import { HPAGE_PMD_NR, PMD_SIZE, formatSize, parseSize } from './include/units'
import {
  COMPRESSOR_COSTS,
  CPU_COSTS,
  DEVICE_COSTS,
  type Compressor,
  type CompressorCost,
  type DeviceCost,
} from './cost/defaults'
import { COST_PROFILES, type CostProfileName } from './cost/profiles'

export const DEFAULT_MACHINE: MachineSpec = {
  memoryBytes: 8 * 1024 ** 3,
  swap: [
    {
      type: 'nvme',
      sizeBytes: 16 * 1024 ** 3,
      priority: -2,
      fragmentation: 0,
      stable_writes: false,
      pool_bytes_per_page: 0,
      compressor: 'lzo',
    },
  ],
  zswap: false,
  thp: {
    enabled: 'always',
    defrag: 'madvise',
    use_zero_page: true,
    hugepages: {
      '16kB': 'never',
      '32kB': 'never',
      '64kB': 'never',
      '128kB': 'never',
      '256kB': 'never',
      '512kB': 'never',
      '1024kB': 'never',
      '2048kB': 'inherit',
    },
    khugepaged: {
      pages_to_scan: 8 * HPAGE_PMD_NR,
      scan_sleep_millisecs: 10000,
      alloc_sleep_millisecs: 60000,
      max_ptes_none: HPAGE_PMD_NR - 1,
      max_ptes_swap: HPAGE_PMD_NR / 8,
      max_ptes_shared: HPAGE_PMD_NR / 2,
      defrag: true,
    },
  },
  // min_free_kbytes: the kernel computes sqrt(lowmem_kbytes * 16) at boot
  // (mm/page_alloc.c calculate_min_free_kbytes()); normalizeMachine() does the same for the
  // machine's memory. watermark_scale_factor 10 = 0.1% of memory between watermarks.
  vm: { page_cluster: 3, swappiness: 60, min_free_kbytes: 11585, watermark_scale_factor: 10 },
  fragmentation: 0,
  thp_swap: true,
  mm_forbids_zeropage: false,
  kernel_base: 'mm-2026',
  zswap_compressor: 'lzo',
  costs: {
    profile: 'desktop-nvme',
    cpu: CPU_COSTS,
    devices: DEVICE_COSTS,
    compressors: COMPRESSOR_COSTS,
  },
  fault_injection: {
    thp_fault_alloc: 0,
    thp_swapin_alloc: 0,
    pte_alloc: 0,
    swapcache_split: 0,
    swap_read_error: 0,
    swapin_race: 0,
    set_pmd_swap_entry: 0,
  },
}

const COMPRESSORS: readonly Compressor[] = ['lz4', 'lzo', 'zstd']
const MTHP_ENABLED: readonly MthpEnabled[] = ['always', 'madvise', 'inherit', 'never']
const SWAP_TYPES: readonly SwapDeviceType[] = ['zram', 'nvme', 'hdd', 'file']
const ENABLED: readonly ThpEnabled[] = ['always', 'madvise', 'never']
const DEFRAG: readonly ThpDefrag[] = ['always', 'defer', 'defer+madvise', 'madvise', 'never']

function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T
  throw new SimUsageError(
    `${what}: expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`,
  )
}

function intIn(value: unknown, lo: number, hi: number, what: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= lo && value <= hi)
    return value
  throw new SimUsageError(
    `${what}: expected a whole number in [${lo}, ${hi}], got ${JSON.stringify(value)}`,
  )
}

function checkKeys(obj: object, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw new SimUsageError(`${what}: unknown field '${key}' (known: ${allowed.join(', ')})`)
    }
  }
}

function fraction(value: unknown, what: string): number {
  if (typeof value === 'number' && value >= 0 && value <= 1) return value
  throw new SimUsageError(`${what}: expected a fraction in [0, 1], got ${JSON.stringify(value)}`)
}

/**
 * @kernel mm/page_alloc.c calculate_min_free_kbytes(): sqrt(lowmem_kbytes * 16), clamped to
 * [128, 262144] kB.
 */
export function calculateMinFreeKbytes(memoryBytes: number): number {
  const v = Math.floor(Math.sqrt((memoryBytes / 1024) * 16))
  return Math.min(262144, Math.max(128, v))
}

/**
 * Resolves `machine.costs`: the defaults, then the named profile, then the scenario's own figures.
 * Every figure must be a finite, non-negative number; unknown names are rejected.
 */
function normalizeCosts(input: CostsInput | undefined): CostSpec {
  const spec = typeof input === 'string' ? { profile: input } : (input ?? {})
  if (typeof spec !== 'object' || spec === null) {
    throw new SimUsageError('machine.costs: expected a profile name or an object')
  }
  checkKeys(spec, ['profile', 'cpu', 'devices', 'compressors'], 'machine.costs')
  const profileName = oneOf(
    spec.profile ?? 'desktop-nvme',
    Object.keys(COST_PROFILES) as CostProfileName[],
    'machine.costs.profile',
  )
  const profile = COST_PROFILES[profileName]
  const devIn = spec.devices ?? {}
  checkKeys(devIn, SWAP_TYPES, 'machine.costs.devices')
  const cmpIn = spec.compressors ?? {}
  checkKeys(cmpIn, COMPRESSORS, 'machine.costs.compressors')
  const devices = {} as Record<SwapDeviceType, DeviceCost>
  for (const t of SWAP_TYPES) {
    devices[t] = mergeFigures(
      DEVICE_COSTS[t],
      `machine.costs.devices.${t}`,
      profile.devices[t],
      devIn[t],
    )
  }
  const compressors = {} as Record<Compressor, CompressorCost>
  for (const c of COMPRESSORS) {
    const what = `machine.costs.compressors.${c}`
    compressors[c] = mergeFigures(COMPRESSOR_COSTS[c], what, profile.compressors?.[c], cmpIn[c])
  }
  return {
    profile: profileName,
    cpu: mergeFigures(CPU_COSTS, 'machine.costs.cpu', profile.cpu, spec.cpu),
    devices,
    compressors,
  }
}

/** `base` with each layer's figures on top, every one checked. */
function mergeFigures<T extends object>(
  base: T,
  what: string,
  ...layers: (Partial<T> | undefined)[]
): T {
  const out = { ...base } as Record<string, unknown>
  for (const layer of layers) {
    if (layer === undefined) continue
    if (typeof layer !== 'object' || layer === null)
      throw new SimUsageError(`${what}: expected an object`)
    checkKeys(layer, Object.keys(base), what)
    for (const [key, value] of Object.entries(layer)) {
      const isBool = typeof out[key] === 'boolean'
      const ok = isBool
        ? typeof value === 'boolean'
        : typeof value === 'number' && Number.isFinite(value) && value >= 0
      if (!ok) {
        const want = isBool ? 'true or false' : 'a non-negative number'
        throw new SimUsageError(`${what}.${key}: expected ${want}, got ${JSON.stringify(value)}`)
      }
      out[key] = value
    }
  }
  return out as T
}

/** Fills in defaults and rejects anything the model does not understand, with a clear message. */
export function normalizeMachine(input: MachineInput | undefined): MachineSpec {
  const d = DEFAULT_MACHINE
  const m = input ?? {}
  if (typeof m !== 'object' || m === null) throw new SimUsageError('machine: expected an object')
  checkKeys(
    m,
    [
      'memory',
      'swap',
      'zswap',
      'thp',
      'vm',
      'fragmentation',
      'thp_swap',
      'mm_forbids_zeropage',
      'kernel_base',
      'fault_injection',
      'zswap_compressor',
      'costs',
    ],
    'machine',
  )
  const memoryBytes = m.memory === undefined ? d.memoryBytes : parseSize(m.memory, 'machine.memory')
  if (memoryBytes < 16 * PMD_SIZE || memoryBytes % PMD_SIZE !== 0) {
    throw new SimUsageError('machine.memory: expected a multiple of 2M and at least 32M')
  }
  if (memoryBytes > MODEL_LIMITS.maxMemoryBytes) {
    throw new SimUsageError(
      `machine.memory: at most ${formatSize(MODEL_LIMITS.maxMemoryBytes)} (the model's limit)`,
    )
  }
  if (m.swap !== undefined && !Array.isArray(m.swap)) {
    throw new SimUsageError('machine.swap: expected an array of swap devices')
  }
  const swap = (m.swap ?? [{ type: 'nvme' as const }]).map((s, i) => {
    const what = `machine.swap[${i}]`
    if (typeof s !== 'object' || s === null) throw new SimUsageError(`${what}: expected an object`)
    checkKeys(
      s,
      [
        'type',
        'size',
        'priority',
        'fragmentation',
        'stable_writes',
        'compressor',
        'pool_bytes_per_page',
      ],
      what,
    )
    const type = oneOf(s.type, SWAP_TYPES, `${what}.type`)
    const sizeBytes = s.size === undefined ? 16 * 1024 ** 3 : parseSize(s.size, `${what}.size`)
    if (sizeBytes < PMD_SIZE || sizeBytes % PMD_SIZE !== 0) {
      throw new SimUsageError(`${what}.size: expected a multiple of 2M (one 512-slot cluster)`)
    }
    if (sizeBytes > MODEL_LIMITS.maxSwapDeviceBytes) {
      throw new SimUsageError(
        `${what}.size: at most ${formatSize(MODEL_LIMITS.maxSwapDeviceBytes)} per device (the model's limit)`,
      )
    }
    // Unprioritised devices get -2, -3, ... in swapon order (mm/swapfile.c, SYSCALL_DEFINE2(swapon)).
    const priority =
      s.priority === undefined ? -2 - i : intIn(s.priority, -1, 32767, `${what}.priority`)
    const fragmentation = fraction(s.fragmentation ?? 0, `${what}.fragmentation`)
    if (s.stable_writes !== undefined && typeof s.stable_writes !== 'boolean') {
      throw new SimUsageError(`${what}.stable_writes: expected true or false`)
    }
    const stable_writes = s.stable_writes ?? type === 'zram'
    const compressor = oneOf(s.compressor ?? 'lzo', COMPRESSORS, `${what}.compressor`)
    if (s.pool_bytes_per_page !== undefined && type !== 'zram') {
      throw new SimUsageError(`${what}.pool_bytes_per_page: only a zram device has a pool`)
    }
    const pool_bytes_per_page =
      type === 'zram'
        ? intIn(s.pool_bytes_per_page ?? ZRAM_OBJECT_BYTES, 0, 4096, `${what}.pool_bytes_per_page`)
        : 0
    return {
      type,
      sizeBytes,
      priority,
      fragmentation,
      stable_writes,
      compressor,
      pool_bytes_per_page,
    }
  })
  if (swap.length > 32) throw new SimUsageError('machine.swap: at most 32 devices (MAX_SWAPFILES)')
  const swapTotal = swap.reduce((n, s) => n + s.sizeBytes, 0)
  if (swapTotal > MODEL_LIMITS.maxSwapTotalBytes) {
    throw new SimUsageError(
      `machine.swap: ${formatSize(swapTotal)} in all, at most ${formatSize(MODEL_LIMITS.maxSwapTotalBytes)} (the model's limit)`,
    )
  }
  const thpIn = m.thp ?? {}
  checkKeys(thpIn, ['enabled', 'defrag', 'use_zero_page', 'khugepaged', 'hugepages'], 'machine.thp')
  const hpIn = thpIn.hugepages ?? {}
  checkKeys(hpIn, MTHP_SIZES, 'machine.thp.hugepages')
  const hugepages = { ...d.thp.hugepages }
  for (const size of Object.keys(hpIn) as MthpSize[]) {
    hugepages[size] = oneOf(hpIn[size], MTHP_ENABLED, `machine.thp.hugepages['${size}']`)
  }
  const kIn = thpIn.khugepaged ?? {}
  checkKeys(kIn, Object.keys(d.thp.khugepaged), 'machine.thp.khugepaged')
  const kd = d.thp.khugepaged
  const khugepaged = {
    pages_to_scan: intIn(
      kIn.pages_to_scan ?? kd.pages_to_scan,
      1,
      2 ** 31 - 1,
      'khugepaged.pages_to_scan',
    ),
    scan_sleep_millisecs: intIn(
      kIn.scan_sleep_millisecs ?? kd.scan_sleep_millisecs,
      0,
      2 ** 31 - 1,
      'khugepaged.scan_sleep_millisecs',
    ),
    alloc_sleep_millisecs: intIn(
      kIn.alloc_sleep_millisecs ?? kd.alloc_sleep_millisecs,
      0,
      2 ** 31 - 1,
      'khugepaged.alloc_sleep_millisecs',
    ),
    max_ptes_none: intIn(
      kIn.max_ptes_none ?? kd.max_ptes_none,
      0,
      HPAGE_PMD_NR - 1,
      'khugepaged.max_ptes_none',
    ),
    max_ptes_swap: intIn(
      kIn.max_ptes_swap ?? kd.max_ptes_swap,
      0,
      HPAGE_PMD_NR - 1,
      'khugepaged.max_ptes_swap',
    ),
    max_ptes_shared: intIn(
      kIn.max_ptes_shared ?? kd.max_ptes_shared,
      0,
      HPAGE_PMD_NR - 1,
      'khugepaged.max_ptes_shared',
    ),
    defrag: kIn.defrag ?? kd.defrag,
  }
  const vmIn = m.vm ?? {}
  checkKeys(
    vmIn,
    ['page_cluster', 'swappiness', 'min_free_kbytes', 'watermark_scale_factor'],
    'machine.vm',
  )
  const fiIn = m.fault_injection ?? {}
  checkKeys(fiIn, Object.keys(d.fault_injection), 'machine.fault_injection')
  const fault_injection = { ...d.fault_injection }
  for (const key of Object.keys(fiIn) as (keyof typeof fault_injection)[]) {
    fault_injection[key] = fraction(fiIn[key], `machine.fault_injection.${key}`)
  }
  if (m.kernel_base !== undefined && m.kernel_base !== 'mm-2026' && m.kernel_base !== 'v6.18') {
    throw new SimUsageError(
      `machine.kernel_base: expected 'mm-2026' or 'v6.18', got ${JSON.stringify(m.kernel_base)}`,
    )
  }
  if (m.mm_forbids_zeropage !== undefined && typeof m.mm_forbids_zeropage !== 'boolean') {
    throw new SimUsageError('machine.mm_forbids_zeropage: expected true or false')
  }
  if (m.thp_swap !== undefined && typeof m.thp_swap !== 'boolean') {
    throw new SimUsageError('machine.thp_swap: expected true or false')
  }
  if (m.zswap !== undefined && typeof m.zswap !== 'boolean') {
    throw new SimUsageError('machine.zswap: expected true or false')
  }
  return {
    memoryBytes,
    swap,
    zswap: m.zswap ?? d.zswap,
    thp: {
      enabled: oneOf(thpIn.enabled ?? d.thp.enabled, ENABLED, 'machine.thp.enabled'),
      defrag: oneOf(thpIn.defrag ?? d.thp.defrag, DEFRAG, 'machine.thp.defrag'),
      use_zero_page: thpIn.use_zero_page ?? d.thp.use_zero_page,
      hugepages,
      khugepaged,
    },
    vm: {
      page_cluster: intIn(vmIn.page_cluster ?? d.vm.page_cluster, 0, 31, 'machine.vm.page_cluster'),
      swappiness: intIn(vmIn.swappiness ?? d.vm.swappiness, 0, 200, 'machine.vm.swappiness'),
      min_free_kbytes: intIn(
        vmIn.min_free_kbytes ?? calculateMinFreeKbytes(memoryBytes),
        128,
        memoryBytes / 1024 / 4,
        'machine.vm.min_free_kbytes',
      ),
      watermark_scale_factor: intIn(
        vmIn.watermark_scale_factor ?? d.vm.watermark_scale_factor,
        1,
        3000,
        'machine.vm.watermark_scale_factor',
      ),
    },
    fragmentation: fraction(m.fragmentation ?? 0, 'machine.fragmentation'),
    thp_swap: m.thp_swap ?? d.thp_swap,
    mm_forbids_zeropage: m.mm_forbids_zeropage ?? d.mm_forbids_zeropage,
    kernel_base: m.kernel_base ?? d.kernel_base,
    fault_injection,
    zswap_compressor: oneOf(m.zswap_compressor ?? 'lzo', COMPRESSORS, 'machine.zswap_compressor'),
    costs: normalizeCosts(m.costs),
  }
}

/** What the result JSON records of the machine (result.ts MachineSummary). */
export function describeMachine(m: MachineSpec): MachineSummary {
  return {
    memoryBytes: m.memoryBytes,
    swap: m.swap.map((d) => ({ type: d.type, sizeBytes: d.sizeBytes, priority: d.priority })),
    zswap: m.zswap,
    thp: {
      enabled: m.thp.enabled,
      defrag: m.thp.defrag,
      use_zero_page: m.thp.use_zero_page,
      hugepages: { ...m.thp.hugepages },
    },
    vm: {
      page_cluster: m.vm.page_cluster,
      swappiness: m.vm.swappiness,
      min_free_kbytes: m.vm.min_free_kbytes,
    },
    kernel_base: m.kernel_base,
    costs: m.costs.profile,
  }
}
