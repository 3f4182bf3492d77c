/**
 * What `hugeswap calibrate` measures, how each measurement maps onto the model, and the cost
 * profile file it writes (and `machine.costs: 'measured'` reads).
 */
import type { CpuCost, CompressorCost, DeviceCost } from '../../sim/cost/defaults'
import { COMPRESSOR_COSTS, CPU_COSTS, DEVICE_COSTS } from '../../sim/cost/defaults'
import { costProfilePath } from '../../shared/cost-profile'

/** A profile's figures: overrides of the defaults, as `machine.costs` takes them. */
export interface ProfileCosts {
  cpu: Partial<CpuCost>
  devices: Partial<Record<'zram' | 'nvme' | 'hdd' | 'file', Partial<DeviceCost>>>
  compressors: Partial<Record<'lz4' | 'lzo' | 'zstd', Partial<CompressorCost>>>
}

/** A distribution of one operation's wall time, ns. */
export interface Measured {
  n: number
  min: number
  p50: number
  p90: number
  p99: number
  max: number
  /** Mean of the samples up to p99 (the slowest 1%, preempted by other work, left out). */
  mean: number
  info: Record<string, number>
}

export interface CalibrationRow {
  name: string
  what: string
  kernel: Measured
  /** The model's time for the same operation: default figures, then the measured profile. */
  modelDefault: number
  modelMeasured: number
  /** The figure this measurement set, when it set one. */
  fits?: string
}

export interface CostProfileFile {
  schema: 1
  kind: 'hugeswap-costs'
  measured: {
    tool: string
    model: string
    kernel: string
    host: string
    cpu: string
    date: string
    contents: string
    devices: string
  }
  costs: ProfileCosts
  measurements: CalibrationRow[]
}

/** Where `hugeswap calibrate` writes the profile, and where `costs: 'measured'` finds it. */
export function defaultProfilePath(env: NodeJS.ProcessEnv): string {
  return costProfilePath(env)
}

export function summarize(samples: number[]): Omit<Measured, 'info'> {
  const s = [...samples].sort((a, b) => a - b)
  // Nearest rank: the smallest sample with at least q of them at or below it.
  const at = (q: number): number => s[Math.max(0, Math.ceil(q * s.length) - 1)] ?? 0
  const kept = s.slice(0, Math.max(1, Math.ceil(s.length * 0.99)))
  const mean = kept.reduce((a, b) => a + b, 0) / kept.length
  return {
    n: s.length,
    min: s[0] ?? 0,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: s[s.length - 1] ?? 0,
    mean: Math.round(mean),
  }
}

/** A figure one measurement sets. */
interface Fit {
  describe: string
  get(c: ProfileCosts): number
  set(c: ProfileCosts, v: number): void
}

export interface Measurement {
  name: string
  what: string
  /** The swap device the host has during it (none needed: measured with zram on). */
  device?: 'zram' | 'nvme'
  pageCluster?: number
  /** The C program's arguments. */
  args: string[]
  /** Operations per timed sample (a THP's MADV_PAGEOUT is 512 pages). */
  opsPerSample: number
  /** The same operations as a scenario. */
  scenario: string
  /** The model's time per operation, from its steps' simulated times. */
  modelPerOp(stepNs: number[]): number
  fits?: Fit
}

const cpuFit = (key: keyof CpuCost): Fit => ({
  describe: `cpu.${key} (default ${CPU_COSTS[key]})`,
  get: (c) => c.cpu[key] ?? CPU_COSTS[key],
  set: (c, v) => void (c.cpu[key] = v),
})

const lzoFit = (key: keyof CompressorCost): Fit => ({
  describe: `compressors.lzo.${key} (default ${COMPRESSOR_COSTS.lzo[key]})`,
  get: (c) => c.compressors.lzo?.[key] ?? COMPRESSOR_COSTS.lzo[key],
  set: (c, v) => void (c.compressors.lzo = { ...c.compressors.lzo, [key]: v }),
})

const nvmeFit = (key: keyof DeviceCost): Fit => ({
  describe: `devices.nvme.${key} (default ${DEVICE_COSTS.nvme[key] as number})`,
  get: (c) => (c.devices.nvme?.[key] as number | undefined) ?? (DEVICE_COSTS.nvme[key] as number),
  set: (c, v) => void (c.devices.nvme = { ...c.devices.nvme, [key]: v }),
})

function scenario(device: 'zram' | 'nvme', pageCluster: number, body: string): string {
  const swap =
    device === 'zram'
      ? `{ type: 'zram', size: '1G', compressor: 'lzo' }`
      : `{ type: 'nvme', size: '1G' }`
  return `import { defineScenario } from 'hugeswap'
export default defineScenario({
  title: 'calibrate',
  machine: { memory: '1G', swap: [${swap}], vm: { page_cluster: ${pageCluster} } },
  run(k) {
    const t = k.spawn('calibrate')
${body}
  },
})
`
}

const last =
  (n: number) =>
  (ns: number[]): number =>
    ns[ns.length - 1] / n
const meanOfLast =
  (n: number, per = 1) =>
  (ns: number[]): number =>
    ns.slice(-n).reduce((a, b) => a + b, 0) / n / per

const N4K = 4096
const NPAGEOUT = 2048
const NTHP = 16

/** Measurement names carry the contents when they are not the default compressible ones. */
const suffix = (contents: string): string =>
  contents === 'incompressible' ? '-incompressible' : ''

function pageout4k(device: 'zram' | 'nvme', contents: string): Measurement {
  return {
    name: `pageout-4k-${device}${suffix(contents)}`,
    what: `MADV_PAGEOUT of one 4 KB page to ${device}, ${contents} (per call)`,
    device,
    args: ['pageout4k', String(NPAGEOUT), contents],
    opsPerSample: 1,
    scenario: scenario(
      device,
      0,
      `    const r = t.mmap('${(NPAGEOUT * 4) / 1024}M', { advice: 'nohugepage' })
    t.write(r)
    for (let i = 0; i < ${NPAGEOUT}; i++) t.madvise(r.sub(i * 4096, 4096), 'pageout')`,
    ),
    modelPerOp: meanOfLast(NPAGEOUT),
  }
}

function pageoutThp(device: 'zram' | 'nvme', contents: string, fits?: Fit): Measurement {
  return {
    name: `pageout-thp-${device}${suffix(contents)}`,
    what: `MADV_PAGEOUT of a PMD-mapped THP to ${device}, ${contents} (per 4 KB page)`,
    device,
    args: ['pageoutthp', String(NTHP), contents],
    opsPerSample: 512,
    scenario: scenario(
      device,
      0,
      `    const r = t.mmap('${NTHP * 2}M', { advice: 'hugepage' })
    t.write(r)
    for (let i = 0; i < ${NTHP}; i++) t.madvise(r.sub(i * 2 ** 21, 2 ** 21), 'pageout')`,
    ),
    modelPerOp: meanOfLast(NTHP, 512),
    ...(fits ? { fits } : {}),
  }
}

function swapin(
  device: 'zram' | 'nvme',
  pageCluster: number,
  contents: string,
  fits?: Fit,
): Measurement {
  return {
    name: `swapin-${device}-pc${pageCluster}${suffix(contents)}`,
    what: `read fault on a swapped-out 4 KB page, ${device}, page-cluster ${pageCluster}, ${contents} (per fault, in address order)`,
    device,
    pageCluster,
    args: ['swapin', String(N4K), contents],
    opsPerSample: 1,
    scenario: scenario(
      device,
      pageCluster,
      `    const r = t.mmap('${(N4K * 4) / 1024}M', { advice: 'nohugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    t.read(r)
    t.madvise(r, 'pageout')
    t.read(r)`,
    ),
    modelPerOp: last(N4K),
    ...(fits ? { fits } : {}),
  }
}

/**
 * In the order they are fitted: each fitted figure's operation uses only figures fitted before
 * it (a swap-in fault pays the fault entry; a THP's pageout pays the TLB flush).
 */
export const MEASUREMENTS: Measurement[] = [
  {
    name: 'fault-4k',
    what: 'first write to a 4 KB page (MADV_NOHUGEPAGE)',
    args: ['fault4k', String(N4K)],
    opsPerSample: 1,
    scenario: scenario(
      'zram',
      0,
      `    const r = t.mmap('${(N4K * 4) / 1024}M', { advice: 'nohugepage' })
    t.write(r)`,
    ),
    modelPerOp: last(N4K),
    fits: cpuFit('faultEntryNs'),
  },
  {
    name: 'fault-thp',
    what: 'first write to a 2 MB extent (MADV_HUGEPAGE): a THP fault, clearing 2 MB',
    args: ['faultthp', String(32)],
    opsPerSample: 1,
    scenario: scenario(
      'zram',
      0,
      `    const r = t.mmap('64M', { advice: 'hugepage' })
    for (let i = 0; i < 32; i++) t.write(r.sub(i * 2 ** 21, 4096))`,
    ),
    modelPerOp: meanOfLast(32),
    fits: cpuFit('clear2mNs'),
  },
  {
    name: 'munmap-4k',
    what: 'munmap of one populated 4 KB page at a VMA start (zap, free, TLB flush)',
    args: ['munmap4k', String(NPAGEOUT)],
    opsPerSample: 1,
    scenario: scenario(
      'zram',
      0,
      `    const r = t.mmap('${(NPAGEOUT * 4) / 1024}M', { advice: 'nohugepage' })
    t.write(r)
    for (let i = 0; i < ${NPAGEOUT}; i++) t.munmap(r.sub(i * 4096, 4096))`,
    ),
    // Not fitted: the kernel's call is the syscall, the VMA's trim, the zap and a flush; the
    // model charges the last two only, and putting the rest on the flush would overcharge
    // every other flush (MADV_PAGEOUT's, a COW's).
    modelPerOp: meanOfLast(NPAGEOUT),
  },
  {
    name: 'munmap-thp',
    what: 'munmap of one PMD-mapped THP (zap_huge_pmd, free 2 MB, TLB flush)',
    args: ['munmapthp', String(NTHP)],
    opsPerSample: 1,
    scenario: scenario(
      'zram',
      0,
      `    const r = t.mmap('${NTHP * 2}M', { advice: 'hugepage' })
    t.write(r)
    for (let i = 0; i < ${NTHP}; i++) t.munmap(r.sub(i * 2 ** 21, 2 ** 21))`,
    ),
    modelPerOp: meanOfLast(NTHP),
  },
  pageoutThp('zram', 'compressible', lzoFit('compressNs')),
  pageoutThp('zram', 'incompressible'),
  pageout4k('zram', 'compressible'),
  pageout4k('zram', 'incompressible'),
  swapin('zram', 0, 'compressible', lzoFit('decompressNs')),
  swapin('zram', 0, 'incompressible'),
  swapin('nvme', 0, 'compressible', nvmeFit('readLatencyNs')),
  swapin('nvme', 3, 'compressible'),
  pageoutThp('nvme', 'compressible'),
  pageout4k('nvme', 'compressible'),
]

function us(ns: number): string {
  return ns >= 100_000
    ? `${(ns / 1000).toFixed(0)}`
    : ns >= 10_000
      ? (ns / 1000).toFixed(1)
      : (ns / 1000).toFixed(2)
}

function ratio(a: number, b: number): string {
  return b > 0 ? `${(a / b).toFixed(2)}x` : '-'
}

/** The table `calibrate` prints. */
export function formatCalibration(p: CostProfileFile): string {
  const header = [
    'measurement',
    'p50 us',
    'p99 us',
    'mean us',
    'model us',
    'ratio',
    'fitted us',
    'ratio',
  ]
  const rows = p.measurements.map((r) => [
    r.name,
    us(r.kernel.p50),
    us(r.kernel.p99),
    us(r.kernel.mean),
    us(r.modelDefault),
    ratio(r.kernel.mean, r.modelDefault),
    us(r.modelMeasured),
    ratio(r.kernel.mean, r.modelMeasured),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
  const fitted = p.measurements.filter((r) => r.fits)
  return [
    `kernel ${p.measured.kernel} on ${p.measured.cpu}, measured ${p.measured.date}`,
    'ratio = kernel mean / model (the model with its default figures, then with this profile)',
    '',
    line(header),
    ...rows.map(line),
    '',
    'figures set by this profile:',
    ...fitted.map((r) => `  ${r.fits} = ${figureOf(p.costs, r.fits!)} (from ${r.name})`),
    '',
  ].join('\n')
}

function figureOf(costs: ProfileCosts, fits: string): number | undefined {
  const path = fits.split(' ')[0].split('.')
  let cur: unknown = costs
  for (const key of path) cur = (cur as Record<string, unknown> | undefined)?.[key]
  return cur as number | undefined
}

const BEGIN = '<!-- hugeswap calibrate: begin -->'
const END = '<!-- hugeswap calibrate: end -->'

/** `old` with its calibrate section replaced (or appended). */
export function formatCalibrationMarkdown(p: CostProfileFile, old: string): string {
  const m = p.measured
  const rows = p.measurements.map(
    (r) =>
      `| ${r.name} | ${r.what} | ${us(r.kernel.p50)} | ${us(r.kernel.p99)} | ${us(r.kernel.mean)} | ${us(r.modelDefault)} | ${ratio(r.kernel.mean, r.modelDefault)} | ${r.fits ? r.fits.split(' ')[0] : '-'} | ${ratio(r.kernel.mean, r.modelMeasured)} |`,
  )
  const section = [
    BEGIN,
    '',
    `Measured by \`hugeswap calibrate\` (${m.tool}, model \`${m.model}\`) on kernel ${m.kernel},`,
    `${m.cpu}, ${m.date.slice(0, 10)}. Times are microseconds per operation; "mean" leaves out the`,
    'slowest 1% of samples; **ratio is the kernel mean over the model**, first with the default',
    'figures, then with the measured profile (a fitted figure lands at 1.00x by construction; the',
    'others show what the profile does not explain).',
    '',
    `Contents: ${m.contents}. Devices: ${m.devices}.`,
    '',
    '| measurement | what | p50 | p99 | mean | model default | ratio | figure fitted | ratio with profile |',
    '|---|---|---:|---:|---:|---:|---:|---|---:|',
    ...rows,
    '',
    'The profile it wrote:',
    '',
    '```json',
    JSON.stringify(p.costs, null, 2),
    '```',
    '',
    END,
  ].join('\n')
  const a = old.indexOf(BEGIN)
  const b = old.indexOf(END)
  if (a >= 0 && b > a) return old.slice(0, a) + section + old.slice(b + END.length)
  return `${old.trimEnd()}\n\n${section}\n`
}
