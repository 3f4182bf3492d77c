/**
 * Runs a scenario job in an OS process of its own (scenario-process.ts) and watches it: a Node
 * child process for the CLI (forkScenarioProcess), an Electron utilityProcess for the app (main
 * adapts it to ScenarioProcess). A scenario can make V8 abort (an array past its maximum, a
 * heap limit reached) or fill the machine's memory; in a process of its own that costs one run,
 * never the app, the terminal, or a sweep's other points. The layers of protection, innermost
 * first:
 *
 * 1. the QuickJS sandbox: script time limit (interrupts), heap limit, bounded job pumping;
 * 2. the process's V8 heap limit (`--max-old-space-size`, DEFAULT_HEAP_MB): the simulator's own
 *    heap; V8 aborts the process, which is reported as a memory error;
 * 3. an RSS limit (default DEFAULT_RSS_LIMIT_BYTES), polled from /proc where there is one: the
 *    model's typed arrays live outside the V8 heap;
 * 4. a wall-clock limit per run (default DEFAULT_WALL_MS): time inside simulator calls is not
 *    script time, so without it a loop of simulator calls could run for ever;
 * 5. a silence watchdog: kill when the process has said nothing for `timeMs * 3 + 60 s`
 *    (progress arrives on every scenario operation, so only a stuck process goes quiet);
 * 6. cancel(): kill at once.
 * A process that dies without answering is reported with what it said last on stderr (V8's
 * fatal error line), its exit code or signal.
 */
import { fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ResultJson, RunProgress, ScenarioError } from '../shared/result'
import { showControls } from '../shared/terminal'
import type {
  JobOutcome,
  JobRequest,
  WorkerMessage,
  WorkerRequest,
} from '../shared/worker-protocol'
import { createSpare, type Spare } from '../shared/spare'
import {
  DEFAULT_HEAP_MB,
  DEFAULT_RSS_LIMIT_BYTES,
  DEFAULT_WALL_MS,
  formatBytesShort,
  silenceBudgetMs,
} from './limits'

export const CANCELLED_MESSAGE = 'run cancelled'
export { DEFAULT_HEAP_MB, DEFAULT_RSS_LIMIT_BYTES, DEFAULT_WALL_MS, silenceBudgetMs }

/** An OS process running scenario-process.ts, whatever started it. */
export interface ScenarioProcess {
  /** The OS process id, once known (the RSS watch needs it). */
  readonly pid: number | undefined
  post(message: WorkerRequest): void
  onMessage(listener: (message: unknown) => void): void
  /** Called once when the process is gone: its exit code, or the signal that killed it. */
  onExit(listener: (code: number | null, signal: string | null) => void): void
  /** The end of what the process wrote on stderr (for a crash report). */
  stderrTail(): string
  kill(): void
  /** Whether an idle process keeps the host alive (the CLI's spare must not). */
  ref(): void
  unref(): void
}

export type StartScenarioProcess = () => ScenarioProcess

export interface ProcessLimits {
  /** Wall-clock limit of one job, in ms (default DEFAULT_WALL_MS). */
  wallMs?: number
  /** Resident memory allowed the process, in bytes (default DEFAULT_RSS_LIMIT_BYTES). */
  rssBytes?: number
  /** Silence allowed before the process is killed; default `timeMs * 3 + 60 000`. */
  silenceMs?: number
}

export interface ScenarioProcessOptions extends ProcessLimits {
  /** Starts a new process for the job (unless `process` is given). */
  start: StartScenarioProcess
  /** A process already started (a spare's); the job owns it and kills it when it ends. */
  process?: ScenarioProcess
  onProgress?: (p: RunProgress) => void
  /** Resident bytes of a process (default: /proc/PID/status on Linux, else unknown). */
  rssOf?: (pid: number) => number | undefined
  /** How often the RSS is polled, in ms (default 250). */
  rssPollMs?: number
}

export interface ScenarioProcessJob<T> {
  result: Promise<JobOutcome<T>>
  /** Kills the process at once; `result` resolves with a 'run cancelled' error. */
  cancel(): void
}

/** Runs a scenario (`run`) in a process of its own. */
export function runInProcess(
  request: JobRequest['request'],
  opts: ScenarioProcessOptions,
): ScenarioProcessJob<{ result: ResultJson }> {
  return startJob('run', request, opts)
}

/**
 * One job (`run`, `describe`, `record`, `trace`) in a process of its own: the process gets the request,
 * answers with progress and one `done`, and is killed when the job ends, however it ends.
 */
export function startJob<T>(
  type: JobRequest['type'],
  request: JobRequest['request'],
  opts: ScenarioProcessOptions,
  jobOptions?: JobRequest['options'],
): ScenarioProcessJob<T> {
  const silenceMs = opts.silenceMs ?? silenceBudgetMs(request)
  const wallMs = opts.wallMs ?? DEFAULT_WALL_MS
  const rssBytes = opts.rssBytes ?? DEFAULT_RSS_LIMIT_BYTES
  const rssOf = opts.rssOf ?? procRss
  const id = 1
  // What the host itself reports (limits, a dead process) names the scenario's file.
  const failure = (
    kind: ScenarioError['kind'],
    message: string,
  ): { ok: false; error: ScenarioError } => fileFailure(kind, message, request.fileName)
  let settle: (o: JobOutcome<T>) => void = () => {}
  const result = new Promise<JobOutcome<T>>((resolve) => (settle = resolve))

  let child: ScenarioProcess
  try {
    child = opts.process ?? opts.start()
  } catch (e) {
    settle(failure('internal', `could not start the scenario process: ${messageOf(e)}`))
    return { result, cancel: () => {} }
  }
  child.ref()

  let done = false
  let silence: ReturnType<typeof setTimeout> | undefined
  const finish = (outcome: JobOutcome<T>, kill: boolean): void => {
    if (done) return
    done = true
    clearTimeout(silence)
    clearTimeout(wall)
    clearInterval(rssPoll)
    settle(outcome)
    // Kill even after a normal `done`: each job gets a fresh process.
    if (kill) child.kill()
  }
  const arm = (): void => {
    clearTimeout(silence)
    silence = setTimeout(() => {
      finish(
        failure(
          'timeout',
          `the scenario process gave no sign of life for ${seconds(silenceMs)} s and was stopped (a runaway script or simulator call)`,
        ),
        true,
      )
    }, silenceMs)
  }
  const wall = setTimeout(() => {
    finish(
      failure(
        'timeout',
        `the run took longer than its wall-clock limit of ${seconds(wallMs)} s and was stopped (--wall-limit raises it)`,
      ),
      true,
    )
  }, wallMs)
  const rssPoll = setInterval(() => {
    const pid = child.pid
    if (pid === undefined) return
    const rss = rssOf(pid)
    if (rss === undefined || rss <= rssBytes) return
    finish(
      failure(
        'memory',
        `the scenario process used ${formatBytesShort(rss)} of memory, over its limit of ${formatBytesShort(rssBytes)}, and was stopped (--rss-limit raises it)`,
      ),
      true,
    )
  }, opts.rssPollMs ?? 250)

  child.onMessage((raw) => {
    const msg = raw as WorkerMessage
    if (done || msg?.id !== id) return
    arm()
    if (msg.type === 'progress') opts.onProgress?.(msg.progress)
    else if (msg.type === 'done') finish(msg.outcome as JobOutcome<T>, true)
  })
  child.onExit((code, signal) => {
    const { error } = describeExit(code, signal, child.stderrTail())
    finish(failure(error.kind, error.message), false)
  })

  arm()
  try {
    child.post({
      type,
      id,
      request,
      ...(jobOptions ? { options: jobOptions } : {}),
    } as WorkerRequest)
  } catch (e) {
    finish(failure('internal', `could not reach the scenario process: ${messageOf(e)}`), true)
  }

  return {
    result,
    cancel: () => finish(fileFailure('internal', CANCELLED_MESSAGE), true),
  }
}

/**
 * What a process that ended without answering died of, from its exit and the end of its
 * stderr: V8's fatal errors name the cause on a line of their own.
 */
export function describeExit(
  code: number | null,
  signal: string | null,
  stderrTail: string,
): { ok: false; error: ScenarioError } {
  const lines = stderrTail
    .split('\n')
    .map((l) => l.replace(/^#\s*/, '').trim())
    .filter((l) => l !== '')
  const how = signal ? `killed by ${signal}` : `exit code ${code}`
  const heap = lines.find((l) => /heap out of memory|Reached heap limit|allocation failed/i.test(l))
  if (heap) {
    return failure('memory', `the scenario process ran out of memory (${how}): ${printable(heap)}`)
  }
  const fatal =
    lines.find((l) => /^Fatal (?!error in)/.test(l)) ??
    lines.find((l) => /^(FATAL ERROR|Error|RangeError|TypeError):/.test(l))
  const said = fatal ? `: ${printable(fatal)}` : ''
  return failure('internal', `the scenario process died (${how})${said}`)
}

/** One line of another program's bytes, control characters escaped. */
function printable(s: string): string {
  return showControls(s.slice(0, 300), true)
}

/** Resident bytes of `pid` from /proc (Linux); undefined elsewhere or once it is gone. */
export function procRss(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) * 1024 : undefined
  } catch {
    return undefined
  }
}

/** Starts scenario-process.js (the built entry) as a Node child process. */
export function forkScenarioProcess(
  entry: URL | string,
  opts: { heapMb?: number } = {},
): ScenarioProcess {
  const path = typeof entry === 'string' ? entry : fileURLToPath(entry)
  const child = fork(path, [], {
    // Never the parent's flags (a test runner's loaders); the heap limit is the process's own.
    execArgv: [`--max-old-space-size=${opts.heapMb ?? DEFAULT_HEAP_MB}`],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  })
  let tail = ''
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-4096)
  })
  let exited = false
  const exitListeners: ((code: number | null, signal: string | null) => void)[] = []
  // 'exit' may come before stderr is drained; 'close' comes after both.
  child.on('close', (code, signal) => {
    if (exited) return
    exited = true
    for (const l of exitListeners) l(code, signal)
  })
  child.on('error', () => {
    // A failed spawn also emits 'close'; a failed send is reported by post().
  })
  return {
    get pid() {
      return child.pid
    },
    post(message) {
      child.send(message)
    },
    onMessage(listener) {
      child.on('message', listener)
    },
    onExit(listener) {
      exitListeners.push(listener)
    },
    stderrTail: () => tail,
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    },
    ref() {
      child.ref()
      child.channel?.ref()
    },
    unref() {
      child.unref()
      child.channel?.unref()
    },
  }
}

/**
 * One process started ahead of need and warmed up (`{ type: 'warm' }` runs a small built-in
 * scenario once, so its next run finds the QuickJS wasm and the engine compiled). A fresh
 * process spends about half a second loading and compiling before it runs anything; Electron
 * main keeps a spare so the window's next run does not (docs/performance.md). An idle spare does
 * not keep the host alive.
 */
export type ProcessSpare = Spare<ScenarioProcess>

export function createProcessSpare(opts: {
  start: StartScenarioProcess
  /** Delay of refill() (default 1 s: the window draws the last run's charts meanwhile). */
  delayMs?: number
}): ProcessSpare {
  const spare = createSpare<ScenarioProcess>({
    start(drop) {
      let child: ScenarioProcess
      try {
        child = opts.start()
      } catch {
        return undefined
      }
      child.onExit(drop)
      child.unref()
      child.post({ type: 'warm' })
      return child
    },
    stop: (child) => child.kill(),
    delayMs: opts.delayMs ?? 1000,
  })
  return spare
}

function failure(
  kind: ScenarioError['kind'],
  message: string,
): { ok: false; error: ScenarioError } {
  return fileFailure(kind, message)
}

function fileFailure(
  kind: ScenarioError['kind'],
  message: string,
  file?: string,
): { ok: false; error: ScenarioError } {
  return { ok: false, error: file ? { kind, message, file } : { kind, message } }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

function seconds(ms: number): number {
  return Number((ms / 1000).toFixed(1))
}
