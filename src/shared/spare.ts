/**
 * One worker started ahead of need, for the next run to take (the browser's Web Worker backend
 * and Electron main's scenario processes both keep one, warmed up: docs/performance.md). Free of
 * DOM and Node APIs: the host says how to start a worker and how to stop one.
 */
export interface Spare<W> {
  /** The spare if one is ready and alive; the caller owns it from now on. Cancels a refill. */
  take(): W | undefined
  /** Starts the next spare after the delay, unless there is one (a run just ended). */
  refill(): void
  /** Stops the spare and any pending refill. */
  dispose(): void
}

export function createSpare<W>(opts: {
  /**
   * Starts a worker (and its warm-up). `drop` is for the worker's error and exit handlers: a
   * spare that fails before it is taken is stopped and forgotten. Undefined: none could start
   * (the next run starts its own and reports why).
   */
  start: (drop: () => void) => W | undefined
  stop: (worker: W) => void
  /** Delay of refill(): the window draws the last run's charts meanwhile. */
  delayMs: number
}): Spare<W> {
  let spare: W | undefined
  let timer: ReturnType<typeof setTimeout> | undefined

  const start = (): void => {
    clearTimeout(timer)
    if (spare !== undefined) return
    const worker: W | undefined = opts.start(() => {
      if (worker === undefined || spare !== worker) return
      spare = undefined
      opts.stop(worker)
    })
    spare = worker
  }
  start()

  return {
    take() {
      clearTimeout(timer)
      const worker = spare
      spare = undefined
      return worker
    },
    refill() {
      clearTimeout(timer)
      timer = setTimeout(start, opts.delayMs)
      // A pending refill does not keep a Node process alive (browsers return a number).
      ;(timer as { unref?: () => void }).unref?.()
    },
    dispose() {
      clearTimeout(timer)
      const worker = spare
      spare = undefined
      if (worker !== undefined) opts.stop(worker)
    },
  }
}
