/**
 * Fault latency recording. The model's latencies are sums of a few constants, so the number of
 * distinct values stays small: each fault type keeps an exact value -> count map, and percentiles
 * are exact (nearest-rank). Past MAX_DISTINCT distinct values a type rounds new values to three
 * significant digits, which bounds memory for runs with millions of faults.
 *
 * Phases: besides the whole run, every fault also lands in the current SEGMENT, the stretch since
 * the last snapshot or k.phase() call. endSegment() hands a finished segment back; phases() in
 * src/sim/index.ts merges segments into the phases the report shows (a per-phase percentile
 * needs the phase's own values, not a difference of two cumulative summaries).
 */
import type {
  FaultStats,
  FaultType,
  LatencyHistogram,
  LatencySummaryNs,
  PhaseFaults,
} from '../result'

const MAX_DISTINCT = 4096

export class LatencySet {
  private readonly map = new Map<number, number>()
  /**
   * The value last added (as stored) and how many times since it was folded into `map`: a run of
   * equal values costs one map update, not one per value.
   */
  private pendV = -1
  private pendC = 0
  n = 0
  sum = 0
  max = 0

  /** Value -> count. */
  get counts(): Map<number, number> {
    this.fold()
    return this.map
  }

  /** Adds every value of `other` (merging a phase's segments). */
  merge(other: LatencySet): void {
    for (const [v, c] of other.counts) this.add(v, c)
  }

  add(ns: number, times = 1): void {
    let v = Math.round(ns)
    if (v !== this.pendV) {
      this.fold()
      if (this.map.size >= MAX_DISTINCT && !this.map.has(v)) v = round3(v)
      this.pendV = v
    }
    this.pendC += times
    this.n += times
    this.sum += v * times
    if (v > this.max) this.max = v
  }

  private fold(): void {
    if (this.pendC === 0) return
    this.map.set(this.pendV, (this.map.get(this.pendV) ?? 0) + this.pendC)
    this.pendC = 0
  }

  summary(): LatencySummaryNs {
    if (this.n === 0) return { mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 }
    const sorted = [...this.counts.entries()].sort((a, b) => a[0] - b[0])
    const at = (q: number): number => {
      const rank = Math.max(1, Math.ceil(q * this.n))
      let seen = 0
      for (const [v, c] of sorted) {
        seen += c
        if (seen >= rank) return v
      }
      return this.max
    }
    return {
      mean: Math.round(this.sum / this.n),
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      p999: at(0.999),
      max: this.max,
    }
  }
}

function round3(v: number): number {
  if (v < 1000) return v
  const p = 10 ** (Math.floor(Math.log10(v)) - 2)
  return Math.round(v / p) * p
}

export class FaultRecorder {
  private readonly all = new LatencySet()
  private readonly byType = new Map<string, LatencySet>()
  /** Summed component times per fault type (component order: `components`). */
  private readonly parts = new Map<string, Float64Array>()
  private readonly allParts: Float64Array
  /** Cumulative count and time, for per-phase totals between snapshots. */
  totalNs = 0
  /** The current segment's faults by type (since the last endSegment()). */
  private segment = new Map<string, LatencySet>()

  constructor(private readonly components: readonly string[]) {
    this.allParts = new Float64Array(components.length)
  }

  /** The last type recorded and its sets (a sweep records one type many times in a row). */
  private lastType = ''
  private lastSet: LatencySet | null = null
  private lastSeg: LatencySet | null = null
  private lastParts: Float64Array | null = null

  record(type: FaultType, ns: number, parts: Float64Array): void {
    this.recordMany(type, ns, parts, 1)
  }

  /**
   * `times` faults of one type, each `ns` long with the same `parts`, in one step. For
   * times > 1 every figure must be a whole number of ns (the caller checks): then adding
   * `ns * times` once equals adding `ns` that many times, bit for bit, as long as the sums stay
   * below 2^53, and the result JSON is the same as the per-fault path's.
   */
  recordMany(type: FaultType, ns: number, parts: Float64Array, times: number): void {
    this.all.add(ns, times)
    this.totalNs += ns * times
    if (type !== this.lastType || this.lastSet === null) {
      let s = this.byType.get(type)
      if (!s) this.byType.set(type, (s = new LatencySet()))
      let seg = this.segment.get(type)
      if (!seg) this.segment.set(type, (seg = new LatencySet()))
      let p = this.parts.get(type)
      if (!p) this.parts.set(type, (p = new Float64Array(this.components.length)))
      this.lastType = type
      this.lastSet = s
      this.lastSeg = seg
      this.lastParts = p
    }
    this.lastSet.add(ns, times)
    this.lastSeg!.add(ns, times)
    const p = this.lastParts!
    for (let i = 0; i < parts.length; i++) {
      p[i] += parts[i] * times
      this.allParts[i] += parts[i] * times
    }
  }

  /** Cumulative time by component over all faults so far (for per-phase breakdowns). */
  componentTotals(): Record<string, number> {
    const out: Record<string, number> = {}
    for (let i = 0; i < this.allParts.length; i++) {
      if (this.allParts[i] > 0) out[this.components[i]] = this.allParts[i]
    }
    return out
  }

  /** Mean time per fault by component (components that never cost anything are left out). */
  private breakdown(sums: Float64Array, n: number): Record<string, number> {
    const out: Record<string, number> = {}
    for (let i = 0; i < sums.length; i++) {
      if (sums[i] > 0) out[this.components[i]] = Math.round(sums[i] / n)
    }
    return out
  }

  /** Closes the current segment: its faults by type; a new, empty one starts. */
  endSegment(): Map<string, LatencySet> {
    const done = this.segment
    this.segment = new Map()
    this.lastSet = null
    return done
  }

  get count(): number {
    return this.all.n
  }

  stats(): FaultStats {
    const byType: FaultStats['byType'] = {}
    for (const type of [...this.byType.keys()].sort()) {
      const s = this.byType.get(type)!
      byType[type] = {
        count: s.n,
        totalNs: s.sum,
        latencyNs: s.summary(),
        breakdownNs: this.breakdown(this.parts.get(type)!, s.n),
      }
    }
    return {
      count: this.all.n,
      latencyNs: this.all.summary(),
      breakdownNs: this.all.n ? this.breakdown(this.allParts, this.all.n) : {},
      totalNs: this.totalNs,
      byType,
      histogram: this.histogram(),
    }
  }

  /** Log2 buckets: counts[i] = faults with latency in [2^(firstLog2+i), 2^(firstLog2+i+1)) ns. */
  private histogram(): LatencyHistogram {
    if (this.all.n === 0) return { firstLog2: 0, counts: [] }
    const buckets = new Map<number, number>()
    for (const [v, c] of this.all.counts) {
      const b = v < 1 ? 0 : Math.floor(Math.log2(v))
      buckets.set(b, (buckets.get(b) ?? 0) + c)
    }
    const lo = Math.min(...buckets.keys())
    const hi = Math.max(...buckets.keys())
    const counts: number[] = []
    for (let b = lo; b <= hi; b++) counts.push(buckets.get(b) ?? 0)
    return { firstLog2: lo, counts }
  }
}

/** A phase's faults from its segments' sets: count, summed time, and per type the same and p50/p99. */
export function phaseFaults(segments: readonly Map<string, LatencySet>[]): PhaseFaults {
  const merged = new Map<string, LatencySet>()
  for (const seg of segments) {
    for (const [type, set] of seg) {
      let m = merged.get(type)
      if (!m) merged.set(type, (m = new LatencySet()))
      m.merge(set)
    }
  }
  const byType: PhaseFaults['byType'] = {}
  let count = 0
  let totalNs = 0
  for (const type of [...merged.keys()].sort()) {
    const s = merged.get(type)!
    count += s.n
    totalNs += s.sum
    byType[type] = { count: s.n, totalNs: s.sum, latencyNs: s.summary() }
  }
  return { count, totalNs, byType }
}
