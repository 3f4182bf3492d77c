/**
 * A per-device request queue: `queueDepth` requests overlap their fixed latency (command,
 * interrupt, seek), while data moves through one transfer pipe at the device's bandwidth. A lone
 * 4 KB read costs latency + one page; a stream of requests costs about one page per page (the
 * device's bandwidth), so many outstanding asynchronous reads or writes do not each pay a full
 * latency, and a burst larger than the queue waits for a slot. Synchronous devices (zram) do not
 * queue: their cost is CPU time in the caller (page_io.ts).
 */
import type { DeviceCost } from './defaults'

export class DeviceQueue {
  private readonly slotFreeNs: Float64Array
  private pipeFreeNs = 0
  /** Pages moved, for throughput figures. */
  readPages = 0
  writePages = 0

  constructor(private readonly cost: DeviceCost) {
    this.slotFreeNs = new Float64Array(Math.max(1, cost.queueDepth))
  }

  /** Submits a request of `pages` at `nowNs`; returns when it completes. */
  submit(nowNs: number, pages: number, write: boolean): number {
    let slot = 0
    for (let i = 1; i < this.slotFreeNs.length; i++) {
      if (this.slotFreeNs[i] < this.slotFreeNs[slot]) slot = i
    }
    const start = Math.max(nowNs, this.slotFreeNs[slot])
    const latency = write ? this.cost.writeLatencyNs : this.cost.readLatencyNs
    const perPage = write ? this.cost.writePerPageNs : this.cost.readPerPageNs
    const transferStart = Math.max(start + latency, this.pipeFreeNs)
    const done = transferStart + pages * perPage
    this.pipeFreeNs = done
    this.slotFreeNs[slot] = done
    if (write) this.writePages += pages
    else this.readPages += pages
    return done
  }
}
