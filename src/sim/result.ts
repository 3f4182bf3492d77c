/**
 * Result JSON, schema 1 (docs/result-json.md). Pure types: shared by src/sim, src/scenario, src/report,
 * the CLI, Electron main and the renderer. Identical input gives byte-identical JSON, so nothing
 * here may hold a wall-clock time.
 */

export const RESULT_SCHEMA = 1 as const

/** What sets a kernel variant apart: the two series it has applied or not. */
export interface VariantFeatures {
  /** The PMD-level swap entry series: swap-out may install one PMD swap entry. */
  pmdSwap: boolean
  /** Lazy page-table deposit: no PTE table deposited at THP fault time. */
  lazyDeposit: boolean
}

/**
 * The four kernel variants and their features: the one source of the variant names
 * (`VariantName` is its keys, VARIANT_NAMES its order; hugeswap.d.ts is held to both by
 * tests/scenario/typings.test.ts).
 */
export const VARIANT_FEATURES = {
  baseline: { pmdSwap: false, lazyDeposit: false },
  'lazy-deposit': { pmdSwap: false, lazyDeposit: true },
  'pmd-swap': { pmdSwap: true, lazyDeposit: false },
  'pmd-swap+lazy-deposit': { pmdSwap: true, lazyDeposit: true },
} as const satisfies Record<string, VariantFeatures>

export type VariantName = keyof typeof VARIANT_FEATURES

export const VARIANT_NAMES = Object.keys(VARIANT_FEATURES) as readonly VariantName[]

/**
 * Why a PMD-level path fell back to the split path: the keys of a variant's `fallbacks`, each with
 * the sentence users see. The one source of the reasons: `FallbackReason` is its keys.
 */
export const FALLBACK_LABELS = {
  'F1-zswap-enabled': 'zswap was enabled since boot: reclaim keeps TTU_SPLIT_HUGE_PMD',
  'F2-no-free-cluster': 'no wholly free 512-slot swap cluster: folio split before swap-out',
  'F2-swap-file': 'swap file on a filesystem (not SWP_BLKDEV): order-0 slots only',
  'F2-no-thp-swap': 'kernel without CONFIG_THP_SWAP: large folios split before swap-out',
  'F3-partially-mapped': 'partially mapped THP split by reclaim before swap-out',
  'F4-pte-mapped': 'PMD-sized folio mapped by PTEs at reclaim: per-PTE swap entries',
  'F5-set-pmd-swap-entry-failed':
    'set_pmd_swap_entry() failed: present PMD restored, split instead',
  'F6-swapin-alloc-failed': 'PMD-order folio allocation failed on swap-in: swap PMD split',
  'F7-swapcache-not-pmd': 'swap cache holds per-page folios behind a swap PMD: split',
  'F8-swapin-race': 'the swap PMD changed under the fault (racing swap-in): fault retried',
  'F9-swap-read-error': 'the PMD-order read failed (folio not uptodate): split, PTE path',
  'F10-zswap-entries': 'zswap holds per-page entries behind a swap PMD: split',
  'F11-partial-range': 'partial-range operation on a swap PMD: split to 512 swap PTEs',
  'F12-pmd-cow-split': 'write to a shared or read-only THP: PMD split, 4 KB copy on write',
  'F13-fork-enomem': 'fork could not get a PTE table (-ENOMEM): fork failed',
  'F15-swapoff-split': 'swapoff could not bring a swap PMD back whole: split, unuse_pte_range()',
  'F16-stable-writes-writeback':
    'PMD swapped in under writeback to a stable-writes device: mapped read-only',
  'lazy-deposit-pte-alloc-failed': 'PTE table allocation for a PMD split failed (lazy deposit)',
} as const

export type FallbackReason = keyof typeof FALLBACK_LABELS

/**
 * @kernel mm/khugepaged.c enum scan_result (the ones the model can produce): the keys of
 * `khugepaged.results`, each with the sentence users see.
 */
export const SCAN_RESULT_LABELS = {
  SCAN_SUCCEED: 'collapsed into a THP',
  SCAN_PMD_NULL: 'no PTE table here (empty, or a swap PMD: nothing to collapse)',
  SCAN_PMD_NONE: 'PMD empty',
  SCAN_PMD_MAPPED: 'already PMD-mapped',
  SCAN_EXCEED_NONE_PTE: 'more empty PTEs than max_ptes_none',
  SCAN_EXCEED_SWAP_PTE: 'more swap PTEs than max_ptes_swap',
  SCAN_EXCEED_SHARED_PTE: 'more shared pages than max_ptes_shared',
  SCAN_PTE_UFFD_WP: 'a PTE is uffd-wp protected',
  SCAN_LACK_REFERENCED_PAGE: 'too few referenced pages',
  SCAN_VMA_CHECK: 'the VMA does not allow a THP here',
  SCAN_ALLOC_HUGE_PAGE_FAIL: 'no PMD-order page for the new THP',
  SCAN_CGROUP_CHARGE_FAIL: "the new THP does not fit under the mm's memory.max",
  SCAN_SWAP_IN_FAILED: 'swapping in the swap PTEs failed',
} as const

export type ScanResult = keyof typeof SCAN_RESULT_LABELS

/**
 * The model's fault types: the keys of `faults.byType` and of a phase's faults, each with the
 * kernel path that handles it (mm/memory.c, mm/huge_memory.c). `retry` is a fault that returned
 * VM_FAULT_RETRY (or found the work done by a racing fault) and was taken again.
 */
export const FAULT_TYPES = {
  'anon-4k': 'do_anonymous_page(): a 4 KB anonymous page',
  'anon-mthp': 'do_anonymous_page(): an mTHP folio (alloc_anon_folio())',
  'anon-thp': 'do_huge_pmd_anonymous_page(): a PMD-mapped THP',
  'zero-page': 'do_anonymous_page(): the shared zero page mapped on a read',
  'huge-zero': 'do_huge_pmd_anonymous_page(): the huge zero page mapped on a read',
  'cow-pte': 'do_wp_page(): a 4 KB copy on write',
  'wp-reuse-pte': 'do_wp_page(): an exclusive 4 KB page reused on a write',
  'wp-reuse-pmd': 'do_huge_pmd_wp_page(): an exclusive THP reused on a write',
  'swapin-io': 'do_swap_page(): read from the swap device',
  'swapin-cache': 'do_swap_page(): found in the swap cache',
  'pmd-swapin-io': 'do_huge_pmd_swap_page(): a PMD swap entry read from the device',
  'pmd-swapin-cache': 'do_huge_pmd_swap_page(): a PMD swap entry found in the swap cache',
  'uffd-missing': 'handle_userfault(): a missing fault the monitor answered with UFFDIO_COPY',
  'uffd-wp':
    'handle_userfault(): a write-protect (or read-write-protect) fault the monitor resolved',
  retry: 'a fault retried (VM_FAULT_RETRY or a racing fault)',
} as const

export type FaultType = keyof typeof FAULT_TYPES

/** /proc/vmstat event and counter names, verbatim. */
export type Vmstat = Record<string, number>
/** /proc/meminfo fields in kB, verbatim names. */
export type Meminfo = Record<string, number>

export interface LatencySummaryNs {
  mean: number
  p50: number
  p90: number
  p99: number
  p999: number
  max: number
}

/**
 * What a fault's (or an operation's) time went to, in the order a fault pays them: the keys of
 * every `breakdownNs` and `componentsNs` below. `stall` is time the clock moved while the
 * fault waited (direct reclaim throttled on writeback, a busy device queue).
 */
export const COST_COMPONENTS = [
  'entry',
  'alloc',
  'clear',
  'copy',
  'io',
  'compress',
  'install',
  'tlb',
  'pgtable',
  'swapcache',
  'unmap',
  'uffd',
  'stall',
] as const
export type CostComponent = (typeof COST_COMPONENTS)[number]

export interface FaultTypeStats {
  count: number
  /** Sum of this type's fault latencies (ns). */
  totalNs?: number
  latencyNs: LatencySummaryNs
  /** Mean time per fault by COST_COMPONENTS component (absent components cost nothing). */
  breakdownNs?: Record<string, number>
}

/** Log2-bucketed latency histogram: bucket i counts latencies in [2^i, 2^(i+1)) ns. */
export interface LatencyHistogram {
  /** Index of the first bucket in `counts` (bucket value 2^firstLog2 ns). */
  firstLog2: number
  counts: number[]
}

export interface FaultStats {
  count: number
  latencyNs: LatencySummaryNs
  /** Mean per fault by component, over all faults. */
  breakdownNs?: Record<string, number>
  /** Sum of all fault latencies (ns). */
  totalNs?: number
  byType: Record<string, FaultTypeStats>
  histogram: LatencyHistogram
}

/** The faults of one phase: how many, their summed latency, and per fault type the same. */
export interface PhaseFaults {
  count: number
  totalNs: number
  byType: Record<string, { count: number; totalNs: number; latencyNs: LatencySummaryNs }>
}

/**
 * One phase of a run. A scenario names its phases with `k.phase(name)` (a phase lasts until the
 * next k.phase() call or the end of the run); a scenario that names none gets one phase per
 * stretch between snapshots, named `start -> <first label>`, `<label> -> <next label>`, ...,
 * `<last label> -> end` (the last one only when faults happened after the last snapshot).
 */
export interface Phase {
  name: string
  /** Simulated time at the phase's start and end (ns). */
  startNs: number
  endNs: number
  faults: PhaseFaults
}

export interface WalkerStats {
  calls: number
  entriesVisited: number
  /** Modelled page-table-lock hold time of the walks (entries x costs.cpu.walkEntryNs), ns. */
  lockHoldNs?: number
}

/** The page-table ledger: every PTE-table page allocated, freed, deposited and withdrawn. */
export interface PageTableLedger {
  allocated: number
  freed: number
  deposited: number
  withdrawn: number
  peakBytes: number
}

export interface Snapshot {
  label: string
  timeNs: number
  vmstat: Vmstat
  meminfo: Meminfo
  pageTables: PageTableLedger
  /** Bytes of PTE-table pages in use at this point (PageTables counts PTE tables only here). */
  pageTableBytes: number
  /** Faults so far and their summed latency: a phase's faults are the difference of two. */
  faults?: { count: number; totalNs: number; componentsNs?: Record<string, number> }
  /** Pages each swap device has read and written so far (throughput of a phase). */
  io?: { readPages: number; writePages: number }[]
  /**
   * The page-table state of every populated 2 MB range (at most RANGE_LIMIT per snapshot, in pid
   * and address order): what the PMD holds, and what the swap cache holds behind its entries.
   */
  ranges?: RangeState[]
  /** More ranges existed than were recorded. */
  rangesTruncated?: boolean
}

/** One 2 MB range of one task at a snapshot (the workbench's page-table inspector). */
export interface RangeState {
  pid: number
  /** Start address of the 2 MB range. */
  addr: number
  /**
   * `pmd`: a PMD-mapped THP; `swap-pmd`: a PMD-level swap entry; `pte`: a PTE table;
   * `huge-zero`: the huge zero page; `mixed` is a PTE table holding both present and swap entries.
   */
  state: 'pmd' | 'swap-pmd' | 'pte' | 'mixed' | 'huge-zero'
  /** 4 KB pages mapped present / held as swap entries. */
  present: number
  swapped: number
  /** Of the swapped pages, how many the swap cache holds, and in how many large folios. */
  swapCached: number
  swapCacheLargeFolios: number
  /** A PTE table is deposited under the PMD (eager deposit). */
  deposited: boolean
}

export interface CheckResult {
  label: string
  pass: boolean
  actual: unknown
  expected: unknown
  /** `toBe`, `toBeGreaterThan`, ... */
  matcher: string
  /** Where the check was written: `FILE:LINE:COL` (absent when unknown). */
  location?: string
}

/** One PTE-table-memory sample for the page-table chart (taken at every snapshot and op). */
export interface PageTableSample {
  timeNs: number
  bytes: number
  label?: string
}

export interface VariantResult {
  name: VariantName
  features: VariantFeatures
  vmstat: Vmstat
  meminfo: Meminfo
  snapshots: Snapshot[]
  pageTables: PageTableLedger
  /** PTE-table bytes over simulated time, one sample per scenario operation. */
  pageTableTimeline: PageTableSample[]
  faults: FaultStats
  walkers: Record<string, WalkerStats>
  fallbacks: Record<string, number>
  checks: CheckResult[]
  /** Warnings the run produced (e.g. calls on an OOM-killed task); never errors. */
  warnings: string[]
  /** Fault counts, time and per-type latency per phase (see Phase). */
  phases?: Phase[]
  /** Simulated time at the end of run(k), in ns. */
  endTimeNs: number
  /**
   * khugepaged's /sys/kernel/mm/transparent_hugepage/khugepaged/{pages_collapsed,full_scans} and
   * how often each scan result (enum scan_result) came out.
   */
  khugepaged?: { pages_collapsed: number; full_scans: number; results: Record<string, number> }
  /**
   * Per-size counters, as /sys/kernel/mm/transparent_hugepage/hugepages-<size>kB/stats/<name>
   * (`{ 'hugepages-2048kB': { swpout: 1, ... } }`); sizes and names that never moved are absent.
   */
  mthp?: Record<string, Record<string, number>>
}

/**
 * The key order of a variant's result JSON, compared byte for byte. A Record over the keys of
 * VariantResult: a field added to the result type does not compile until it has its place here,
 * and variantResult() (src/scenario/pipeline.ts) then carries it into the JSON.
 */
export const VARIANT_RESULT_KEYS: Record<keyof VariantResult, number> = {
  name: 0,
  features: 1,
  vmstat: 2,
  meminfo: 3,
  snapshots: 4,
  pageTables: 5,
  pageTableTimeline: 6,
  faults: 7,
  walkers: 8,
  fallbacks: 9,
  checks: 10,
  warnings: 11,
  phases: 12,
  endTimeNs: 13,
  khugepaged: 14,
  mthp: 15,
}

/**
 * The simulated machine as the run resolved it (defaults filled in): what a reader needs to rerun
 * it or to set up a real one alike. Sizes in bytes; knobs under their sysfs/sysctl names.
 */
export interface MachineSummary {
  memoryBytes: number
  swap: { type: string; sizeBytes: number; priority: number }[]
  zswap: boolean
  /** /sys/kernel/mm/transparent_hugepage: enabled, defrag, use_zero_page, and every mTHP size's enabled. */
  thp: {
    enabled: string
    defrag: string
    use_zero_page: boolean
    hugepages: Record<string, string>
  }
  /** /proc/sys/vm. */
  vm: { page_cluster: number; swappiness: number; min_free_kbytes: number }
  kernel_base: string
  /** The cost profile the figures come from (docs/cost-model.md). */
  costs: string
}

export interface ResultJson {
  schema: typeof RESULT_SCHEMA
  tool: { name: 'hugeswap'; version: string; model: string }
  /**
   * `costs`: where `machine.costs: 'measured'` took its figures (absent otherwise). `sha256`: of
   * the scenario source, so a reader can tell whether two results ran the same code.
   * `params`: the scenario's declared parameters as the run used them.
   */
  scenario: {
    title: string
    file: string
    seed: number
    costs?: string
    sha256?: string
    params?: Record<string, ParamValue>
  }
  machine?: MachineSummary
  variants: VariantResult[]
}

/** A scenario parameter's value (`params: { procs: 20 }`). */
export type ParamValue = string | number | boolean

/** A scenario that could not run (CLI exit status 2). */
export interface ScenarioError {
  kind: 'syntax' | 'runtime' | 'timeout' | 'memory' | 'option' | 'internal'
  message: string
  file?: string
  line?: number
  column?: number
}

/** `FILE:LINE:COL: message` (or `FILE: message` / `message` where no location exists). */
export function formatScenarioError(e: ScenarioError): string {
  if (e.file && e.line !== undefined) {
    return `${e.file}:${e.line}:${e.column ?? 1}: ${e.message}`
  }
  if (e.file) return `${e.file}: ${e.message}`
  return e.message
}

export type RunOutcome = { ok: true; result: ResultJson } | { ok: false; error: ScenarioError }

export interface RunProgress {
  variant: VariantName
  variantIndex: number
  variantCount: number
  /** What the scenario is doing, e.g. `t.madvise(pageout)` or a snapshot label. */
  phase: string
  /** 0..100 over the whole run. */
  percent: number
}
