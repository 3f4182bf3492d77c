/**
 * The deterministic event clock: a binary min-heap ordered by (time, insertion sequence), so two
 * events due at the same nanosecond run in the order they were scheduled (SimPy's tie-break).
 * Used for asynchronous I/O completion (folio_end_writeback) and background work (khugepaged).
 */
export type EventHandler = () => void

export class EventQueue {
  private times: number[] = []
  private seqs: number[] = []
  private handlers: EventHandler[] = []
  private seq = 0
  /** Simulated time in ns. Only moves forward. */
  nowNs = 0

  get size(): number {
    return this.times.length
  }

  schedule(atNs: number, handler: EventHandler): void {
    const i = this.times.length
    this.times.push(Math.max(atNs, this.nowNs))
    this.seqs.push(this.seq++)
    this.handlers.push(handler)
    this.up(i)
  }

  /** Time of the next event, or Infinity. */
  peekNs(): number {
    return this.times.length ? this.times[0] : Infinity
  }

  /** Advances the clock by `ns`, running every event that falls due on the way. */
  advance(ns: number): void {
    this.runUntil(this.nowNs + ns)
  }

  /** Runs every event due at or before `ns` and leaves the clock at `ns`. */
  runUntil(ns: number): void {
    while (this.times.length && this.times[0] <= ns) {
      const [t, h] = this.pop()
      if (t > this.nowNs) this.nowNs = t
      h()
    }
    if (ns > this.nowNs) this.nowNs = ns
  }

  private pop(): [number, EventHandler] {
    const t = this.times[0]
    const h = this.handlers[0]
    const last = this.times.length - 1
    this.swap(0, last)
    this.times.pop()
    this.seqs.pop()
    this.handlers.pop()
    this.down(0)
    return [t, h]
  }

  private less(i: number, j: number): boolean {
    return (
      this.times[i] < this.times[j] ||
      (this.times[i] === this.times[j] && this.seqs[i] < this.seqs[j])
    )
  }

  private swap(i: number, j: number): void {
    ;[this.times[i], this.times[j]] = [this.times[j], this.times[i]]
    ;[this.seqs[i], this.seqs[j]] = [this.seqs[j], this.seqs[i]]
    ;[this.handlers[i], this.handlers[j]] = [this.handlers[j], this.handlers[i]]
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!this.less(i, p)) return
      this.swap(i, p)
      i = p
    }
  }

  private down(i: number): void {
    const n = this.times.length
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < n && this.less(l, m)) m = l
      if (r < n && this.less(r, m)) m = r
      if (m === i) return
      this.swap(i, m)
      i = m
    }
  }
}
