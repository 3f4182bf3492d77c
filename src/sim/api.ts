/**
 * The simulator's public surface: what src/scenario binds the scenario API (`k`, tasks, ranges) to.
 * Pure types and small pure helpers only; the engine lives in src/sim/mm and src/sim/engine.
 *
 * Addresses and lengths are byte counts held in JS numbers (exact up to 2^53, far above the 47-bit
 * user address space). Every call is synchronous and deterministic for a given seed.
 */
import type { VariantFeatures, VariantName, VariantResult } from './result'

export type SwapDeviceType = 'zram' | 'nvme' | 'hdd' | 'file'
export type ThpEnabled = 'always' | 'madvise' | 'never'
export type ThpDefrag = 'always' | 'defer' | 'defer+madvise' | 'madvise' | 'never'
export type Advice =
  'pageout' | 'cold' | 'willneed' | 'dontneed' | 'free' | 'hugepage' | 'nohugepage' | 'collapse'
export type Prot = 'none' | 'r' | 'rw'
export type TouchOrder = 'sequential' | 'random'

/** Sizes as the scenario writes them: bytes, or a string with a binary suffix ('4K', '2M'). */
export type SizeInput = number | string

export interface SwapDeviceInput {
  type: SwapDeviceType
  size?: SizeInput
  priority?: number
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
  }
  vm?: { page_cluster?: number; swappiness?: number }
}

/** A machine with every default filled in and every size in bytes. */
export interface MachineSpec {
  memoryBytes: number
  swap: { type: SwapDeviceType; sizeBytes: number; priority: number }[]
  zswap: boolean
  thp: {
    enabled: ThpEnabled
    defrag: ThpDefrag
    use_zero_page: boolean
    khugepaged: Required<KhugepagedInput>
  }
  vm: { page_cluster: number; swappiness: number }
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

export interface SimulatorOptions {
  variant: VariantName
  machine: MachineSpec
  seed: number
}

/** What run(k) produced for one variant, before the scenario layer adds its checks. */
export type SimulatorResult = Omit<VariantResult, 'checks'>

export interface Simulator {
  readonly variant: VariantInfo
  spawn(comm: string): number
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
  /** Proactive reclaim like a write to memory.reclaim; returns bytes reclaimed. */
  reclaim(bytes: number): number
  sleep(ms: number): void
  khugepaged(scans?: number): void
  swapoff(index?: number): void
  swapon(index?: number): void
  vmstat(): Record<string, number>
  meminfo(): Record<string, number>
  snapshot(label: string): void
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

/** The simulator found its own state inconsistent (e.g. a content tag mismatch: data loss). */
export class SimInvariantError extends Error {
  override name = 'SimInvariantError'
}
