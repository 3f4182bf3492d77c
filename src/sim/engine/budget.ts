/**
 * The byte budget of the model's typed arrays (SimulatorOptions.modelBytes): the state of a
 * simulated machine lives outside the JavaScript heap, so no heap limit sees it. Every
 * allocation of a pool's or a RunArray's storage is charged here; when the charges pass the
 * budget, the budget asks the kernel what is live now (charges are never given back: a dropped
 * array is simply not counted again) and stops the run only if that is over it. So the check is
 * deterministic (no garbage collector in it) and costs a walk of the live structures once per
 * budget's worth of allocation at most.
 *
 * This file is ours: no kernel counterpart.
 */
import { SimLimitError } from '../api'

export class ByteBudget {
  /** Charged since the last look at what is live, plus what was live then. */
  private charged = 0

  constructor(
    readonly limitBytes: number,
    /** Bytes of the model's typed arrays live now. */
    private readonly live: () => number,
  ) {}

  /** `bytes` are about to be allocated; throws SimLimitError if that takes the model past its budget. */
  charge(bytes: number): void {
    this.charged += bytes
    if (this.charged <= this.limitBytes) return
    this.charged = this.live() + bytes
    if (this.charged > this.limitBytes) {
      throw new SimLimitError(
        `the simulated machine's state would need more than ${formatGiB(this.limitBytes)} ` +
          `(${formatGiB(this.charged)}: the model's page, folio, page-table and swap arrays)`,
      )
    }
  }
}

function formatGiB(bytes: number): string {
  return bytes >= 1024 ** 3
    ? `${Number((bytes / 1024 ** 3).toFixed(2))} GiB`
    : `${Math.ceil(bytes / 1024 ** 2)} MiB`
}
