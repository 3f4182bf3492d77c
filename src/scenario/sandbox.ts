/**
 * One QuickJS sandbox = one evaluation of a scenario module: a fresh WebAssembly module, runtime
 * and context (never reused: disposing a runtime after an interrupted promise loop can abort the
 * wasm with an `Assertion ... gc_obj_list` error). The guest has no process, require, fetch,
 * timers, clock or file access; its only way out is the one host function the prelude wraps
 * (guest-prelude.ts).
 *
 * Limits, layered:
 * - script time: an interrupt handler stops the guest once it has run `timeMs` of its OWN time
 *   (time spent inside host calls does not count: one simulated operation may take seconds);
 * - `executePendingJobs` runs in bounded batches with the same deadline, so an endless promise
 *   chain is stopped too;
 * - QuickJS heap: `runtime.setMemoryLimit(memoryBytes)`;
 * - the worker host adds `resourceLimits` and a wall-clock `terminate()` as a backstop.
 *
 * Every failure leaves as a ScenarioFailure carrying a ScenarioError whose location points at the
 * TypeScript source (first stack frame in the scenario file, column mapped through sucrase's map).
 */
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
} from 'quickjs-emscripten-core'
import wasmVariant from '@jitl/quickjs-wasmfile-release-sync'
import type { CheckResult, ParamValue, ScenarioError } from '../shared/result'
import {
  SimInvariantError,
  SimLimitError,
  SimUsageError,
  type MachineSpec,
  type VariantInfo,
} from '../sim/api'
import { GUEST_PRELUDE, MODULE_NAME, MODULE_SOURCE, PRELUDE_FILE } from './guest-prelude'
import { lineColumnAt, toSourcePosition, type Transpiled } from './transpile'

export { DEFAULT_MEMORY_BYTES, DEFAULT_TIME_MS } from './limits'
/**
 * Guest stack limit. QuickJS's interpreter recursion also uses the host's native stack (wasm
 * frames live on V8's stack), so this must trip before V8's own limit does: 256 KiB allows
 * ~1,300 nested calls and stays clear of the 984 KiB main-thread stack of Node.
 */
const MAX_STACK_BYTES = 256 * 1024
/** How long past the time limit the hard interrupt waits for a loop mark to stop the script. */
const LOOP_MARK_GRACE_MS = 100

/** The largest answer a host call hands the script (its JSON, in characters). */
const MAX_REPLY_CHARS = 32 * 1024 * 1024

/** Characters kept of a guest error's name, message or stack. */
const ERROR_TEXT_MAX = 16 * 1024

function cut(text: string): string {
  return text.length > ERROR_TEXT_MAX ? `${text.slice(0, ERROR_TEXT_MAX)}...` : text
}

/** A check as the guest prelude sends it (`$check`). */
type RawCheck = Omit<GuestCheck, 'location'> & { pos: Position | null }

/** What a run's checks may hold (result size: every check is kept whole in the result JSON). */
export const CHECK_LIMITS = {
  /** One check's record (label, actual, expected) as JSON. */
  maxCheckBytes: 256 * 1024,
  /** Checks per variant. */
  maxChecks: 10_000,
  /** All of a variant's checks as JSON. */
  maxTotalBytes: 32 * 1024 * 1024,
} as const

/** Pending jobs run per batch between deadline checks. */
const JOB_BATCH = 1000

export interface SandboxLimits {
  timeMs: number
  memoryBytes: number
}

/** The one host entry point. SimUsageError -> guest exception; anything else stops the run. */
export type HostDispatch = (op: string, args: unknown[]) => unknown

export interface SandboxOptions {
  fileName: string
  /** The TypeScript source (for locating import errors). */
  source: string
  transpiled: Transpiled
  limits: SandboxLimits
  /** Seeds the guest's Math.random. */
  seed: number
  host: HostDispatch
  onLog?: (level: string, message: string) => void
  /**
   * Called at every interrupt poll while the guest runs its own code (QuickJS polls every few
   * thousand instructions): the one moment a host can act while a script spins between two host
   * calls, e.g. to report progress held back by throttling.
   */
  onPoll?: () => void
}

/** The definition as the module declared it, unvalidated. */
export interface RawDefinition {
  title: unknown
  seed: unknown
  variants: unknown
  machine: unknown
  /** The scenario's declared parameters (`params: { procs: 20 }`). */
  params: unknown
  runType: string
  /** Where defineScenario was called (TypeScript position), when known. */
  line?: number
  column?: number
}

/** A check recorded by k.expect, with its TypeScript location (as in the result JSON). */
export type GuestCheck = CheckResult

/** A scenario that cannot go on; `error` is what the run reports. */
export class ScenarioFailure extends Error {
  constructor(readonly error: ScenarioError) {
    super(error.message)
    this.name = 'ScenarioFailure'
  }
}

interface Position {
  line: number
  column: number
}

/** Script time, excluding host calls: the clock runs only while the guest runs. */
class ScriptClock {
  private usedMs = 0
  private since = -1

  constructor(private readonly limitMs: number) {}

  enter(): void {
    this.since = performance.now()
  }

  leave(): void {
    if (this.since >= 0) this.usedMs += performance.now() - this.since
    this.since = -1
  }

  expired(): boolean {
    const running = this.since >= 0 ? performance.now() - this.since : 0
    return this.usedMs + running > this.limitMs
  }
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`
}

function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024)
  if (Number.isInteger(mib)) return `${mib} MiB`
  return Number.isInteger(bytes / 1024) ? `${bytes / 1024} KiB` : `${bytes} bytes`
}

function isUsageError(e: unknown): boolean {
  return e instanceof SimUsageError || (e instanceof Error && e.name === 'SimUsageError')
}

/**
 * The slice of WebAssembly.Memory used here. This file compiles under both the Node config (no
 * DOM lib: @types/node has no `WebAssembly.Memory`) and the web config, so it names its own type.
 */
interface WasmMemoryLike {
  readonly buffer: ArrayBuffer
}
interface WasmGlobal {
  WebAssembly: { Memory: new (d: { initial: number; maximum: number }) => WasmMemoryLike }
}

/** The QuickJS build's own initial wasm memory (emscripten INITIAL_MEMORY) and page size. */
const WASM_INITIAL_BYTES = 16 * 1024 * 1024
const WASM_PAGE_BYTES = 64 * 1024
/** The build's declared maximum (2 GiB); an imported memory may not exceed it. */
const WASM_MAX_PAGES = 32768

export async function createSandbox(opts: SandboxOptions): Promise<Sandbox> {
  // A new wasm module per sandbox (~10-25 ms): nothing survives between variants, and a module
  // whose runtime died in an assertion is simply dropped. Its memory is ours, with a hard
  // maximum: QuickJS's setMemoryLimit does not see every large block, and interrupts are polled
  // too rarely to catch a loop of big allocations in time, but a failed memory.grow makes malloc
  // return NULL, which QuickJS reports as an ordinary "out of memory".
  const capBytes = WASM_INITIAL_BYTES + opts.limits.memoryBytes * 1.25
  const wasmMemory = new (globalThis as unknown as WasmGlobal).WebAssembly.Memory({
    initial: WASM_INITIAL_BYTES / WASM_PAGE_BYTES,
    maximum: Math.min(WASM_MAX_PAGES, Math.ceil(capBytes / WASM_PAGE_BYTES)),
  })
  const variant = newVariant(wasmVariant, {
    wasmMemory: wasmMemory as never,
    // Every engine abort becomes a ScenarioFailure; emscripten's own stderr line would only be
    // noise in the CLI's output.
    emscriptenModule: { printErr: () => {}, print: () => {} } as never,
  })
  const module = await newQuickJSWASMModuleFromVariant(variant)
  return new Sandbox(module.newRuntime(), wasmMemory, opts)
}

export class Sandbox {
  private readonly ctx: QuickJSContext
  private readonly clock: ScriptClock
  /** Set when the run must stop (time limit, simulator bug); the interrupt handler obeys it. */
  private abort: ScenarioError | undefined
  /** When the script clock first ran out (the hard interrupt waits LOOP_MARK_GRACE_MS past it). */
  private expiredAt: number | undefined
  private control: QuickJSHandle | undefined
  private namespace: QuickJSHandle | undefined
  private disposed = false
  /** A ScenarioFailure left this sandbox: do not dispose (see dispose()). */
  private failed = false

  /** Wasm heap size before the script ran; growth beyond it counts against the memory limit. */
  private readonly baseHeapBytes: number

  constructor(
    private readonly rt: QuickJSRuntime,
    private readonly wasmMemory: WasmMemoryLike,
    private readonly opts: SandboxOptions,
  ) {
    this.clock = new ScriptClock(opts.limits.timeMs)
    this.baseHeapBytes = wasmMemory.buffer.byteLength
    rt.setMemoryLimit(opts.limits.memoryBytes)
    rt.setMaxStackSize(MAX_STACK_BYTES)
    rt.setInterruptHandler(() => this.shouldInterrupt())
    rt.setModuleLoader(
      (name) => (name === MODULE_NAME ? MODULE_SOURCE : { error: new Error(importMessage(name)) }),
      // Names pass through unchanged so the loader's error names what the script asked for.
      (_base, requested) => requested,
    )
    this.ctx = rt.newContext()
    this.installPrelude()
  }

  /** Evaluates the scenario module (top-level code runs here). */
  load(): void {
    const { ctx, opts } = this
    const result = this.inGuest(() =>
      ctx.evalCode(opts.transpiled.code, opts.fileName, { type: 'module', strict: true }),
    )
    if (result.error) throw this.failure(result.error, 'load')
    this.namespace = this.settle(result.value, 'load')
  }

  /** The module's default export, as JSON-able data. */
  describe(): RawDefinition {
    const json = this.callControl('describe', [this.requireNamespace()])
    const raw = JSON.parse(json) as RawDefinition & { pos: Position | null }
    const pos = raw.pos ? this.toSource(raw.pos) : undefined
    const { pos: _ignored, ...rest } = raw
    return { ...rest, ...(pos ? { line: pos.line, column: pos.column } : {}) }
  }

  /**
   * Runs `run(k)` for one variant (awaiting it if async) and returns the recorded checks.
   * `machine` becomes `k.machine` (a deep-frozen copy in the guest), `params` run's second
   * argument (frozen).
   */
  run(
    variant: VariantInfo,
    machine: MachineSpec,
    params: Record<string, ParamValue> = {},
  ): GuestCheck[] {
    const { ctx } = this
    const ns = this.requireNamespace()
    const runJson = ctx.newString(JSON.stringify({ variant, machine, params }))
    const result = this.inGuest(() => ctx.callMethod(this.control!, 'run', [ns, runJson]))
    runJson.dispose()
    if (result.error) throw this.failure(result.error, 'run')
    this.settle(result.value, 'run').dispose()
    this.drainJobs()
    return this.readChecks()
  }

  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    // After a failure (an interrupted promise loop above all) QuickJS may still hold objects, and
    // JS_FreeRuntime then aborts the wasm on `assert(list_empty(&rt->gc_obj_list))`. The module
    // is never reused, so a failed sandbox is simply dropped for the GC to collect whole.
    if (this.failed) return
    // A clean run disposes properly (that also catches handle leaks here); should it still
    // abort, the module is dropped all the same.
    for (const h of [this.namespace, this.control]) {
      try {
        h?.dispose()
      } catch {
        /* see above */
      }
    }
    try {
      this.ctx.dispose()
    } catch {
      /* see above */
    }
    try {
      this.rt.dispose()
    } catch {
      /* see above */
    }
  }

  // --- setup ------------------------------------------------------------------------------------

  private installPrelude(): void {
    const { ctx, opts } = this
    const hostFn = ctx.newFunction('hostCall', (opHandle, argsHandle) => {
      const reply = this.hostCall(ctx.getString(opHandle), ctx.getString(argsHandle))
      return ctx.newString(reply)
    })
    const config = ctx.newString(JSON.stringify({ fileName: opts.fileName, seed: opts.seed }))
    const factory = ctx.unwrapResult(
      ctx.evalCode(GUEST_PRELUDE, PRELUDE_FILE, { type: 'global', strict: true }),
    )
    const control = ctx.callFunction(factory, ctx.undefined, hostFn, config)
    factory.dispose()
    hostFn.dispose()
    config.dispose()
    if (control.error) {
      const detail = ctx.dump(control.error)
      control.error.dispose()
      throw new ScenarioFailure({
        kind: 'internal',
        message: `sandbox prelude failed: ${JSON.stringify(detail)}`,
      })
    }
    this.control = control.value
  }

  // --- the host boundary ------------------------------------------------------------------------

  /** The single host function: `(op, argsJson) -> {v} | {e} | {fatal}`. Never throws. */
  private hostCall(op: string, argsJson: string): string {
    this.clock.leave()
    try {
      const args = JSON.parse(argsJson) as unknown[]
      if (op === '$log') {
        this.opts.onLog?.(String(args[0]), String(args[1]))
        return '{}'
      }
      if (op === '$fatal') {
        this.locateAbort(args[0] as Position | null)
        return '{}'
      }
      if (op === '$tick') {
        // A loop mark asking whether the script's time is up (guest-prelude.ts).
        if (!this.abort && this.clock.expired()) this.abort = this.timeoutError()
        return this.abort ? '{"fatal":1}' : '{}'
      }
      if (this.abort) return '{"fatal":1}'
      if (op === '$check') return this.keepCheck(argsJson, args[0] as RawCheck)
      const value = this.opts.host(op, args)
      if (value === undefined) return '{}'
      const reply = JSON.stringify({ v: value })
      if (reply.length > MAX_REPLY_CHARS) {
        // Copied into the script's heap and parsed there, it would take several times its size.
        const mib = Math.ceil(reply.length / 1024 ** 2)
        return JSON.stringify({
          e: `${op}: the answer is ${mib} MiB as JSON, more than a script takes at once (${MAX_REPLY_CHARS / 1024 ** 2} MiB); ask for a smaller range`,
        })
      }
      return reply
    } catch (e) {
      if (isUsageError(e)) return JSON.stringify({ e: (e as Error).message })
      this.abort = internalError(e)
      return '{"fatal":1}'
    } finally {
      this.clock.enter()
    }
  }

  /** Checks as the guest made them (`k.expect`), kept here where the scenario cannot reach. */
  private readonly checks: RawCheck[] = []
  private checkBytes = 0

  /** A check's record, within the per-check and per-run budgets (CHECK_LIMITS). */
  private keepCheck(json: string, check: RawCheck): string {
    const refuse = (message: string): string => JSON.stringify({ e: `k.expect: ${message}` })
    if (json.length > CHECK_LIMITS.maxCheckBytes) {
      return refuse(
        `this check's values take ${json.length} bytes as JSON; a check keeps at most ${formatBytes(CHECK_LIMITS.maxCheckBytes)} (check a part of them)`,
      )
    }
    if (this.checks.length >= CHECK_LIMITS.maxChecks) {
      return refuse(`at most ${CHECK_LIMITS.maxChecks} checks per run`)
    }
    if (this.checkBytes + json.length > CHECK_LIMITS.maxTotalBytes) {
      return refuse(
        `the checks of this run would take more than ${formatBytes(CHECK_LIMITS.maxTotalBytes)} as JSON`,
      )
    }
    this.checkBytes += json.length
    this.checks.push(check)
    return '{}'
  }

  private shouldInterrupt(): boolean {
    if (this.abort) return true
    this.opts.onPoll?.()
    if (this.heapExceeded()) {
      this.abort = this.memoryError()
      return true
    }
    if (!this.clock.expired()) return false
    // A loop stops itself at its mark, with its position, within 256 iterations; this hard stop
    // waits a moment for that (QuickJS's own position here is often stale), then stops anything.
    this.expiredAt ??= performance.now()
    if (performance.now() - this.expiredAt < LOOP_MARK_GRACE_MS) return false
    this.abort = this.timeoutError()
    return true
  }

  /** Named at the file until the interrupted frame gives a line (a bare promise job has none). */
  private timeoutError(): ScenarioError {
    return {
      kind: 'timeout',
      file: this.opts.fileName,
      message: `script time limit of ${formatSeconds(this.opts.limits.timeMs)} exceeded (an endless loop?)`,
    }
  }

  /**
   * QuickJS's own limit (`setMemoryLimit`) misses large blocks (big strings, typed arrays and
   * arrays grow far past it in this wasm build), so the wasm heap's growth is checked as well.
   * The heap never shrinks; once past the limit the script is stopped at its next interrupt poll.
   */
  private heapExceeded(): boolean {
    return this.wasmMemory.buffer.byteLength - this.baseHeapBytes > this.opts.limits.memoryBytes
  }

  private memoryError(): ScenarioError {
    return {
      kind: 'memory',
      message: `memory limit of ${formatBytes(this.opts.limits.memoryBytes)} exceeded (script heap)`,
    }
  }

  private locateAbort(pos: Position | null): void {
    if (!this.abort || !pos || this.abort.line !== undefined) return
    const at = this.toSource(pos)
    this.abort = { ...this.abort, file: this.opts.fileName, line: at.line, column: at.column }
  }

  /** Runs guest code on the script clock; a crash of the engine itself becomes a failure. */
  private inGuest<T>(fn: () => T): T {
    this.clock.enter()
    try {
      return fn()
    } catch (e) {
      throw this.engineFailure(e)
    } finally {
      this.clock.leave()
    }
  }

  /**
   * An exception out of QuickJS itself (not a guest exception): V8's stack overflowing under deep
   * guest recursion, or the wasm aborting (out of memory inside the engine, an assertion).
   */
  private engineFailure(e: unknown): ScenarioFailure {
    this.failed = true
    if (e instanceof ScenarioFailure) return e
    const file = this.opts.fileName
    if (this.abort) return new ScenarioFailure({ file, ...this.abort })
    if (this.heapExceeded()) return new ScenarioFailure({ file, ...this.memoryError() })
    const message = e instanceof Error ? e.message : String(e)
    if (/out of memory|Cannot enlarge memory|Aborted\(OOM\)/i.test(message)) {
      return new ScenarioFailure({ file, ...this.memoryError() })
    }
    if (e instanceof RangeError && /call stack/i.test(message)) {
      return new ScenarioFailure({
        kind: 'runtime',
        file,
        message: 'InternalError: stack overflow (recursion too deep)',
      })
    }
    return new ScenarioFailure({
      kind: 'internal',
      file,
      message: `the script engine crashed: ${message}`,
    })
  }

  // --- promises and jobs ------------------------------------------------------------------------

  /** Resolves `handle` if it is a promise, pumping jobs under the deadline. Consumes `handle`. */
  private settle(handle: QuickJSHandle, phase: 'load' | 'run'): QuickJSHandle {
    const { ctx, rt } = this
    for (;;) {
      const state = ctx.getPromiseState(handle)
      if (state.type === 'fulfilled') {
        if (state.notAPromise) return handle
        handle.dispose()
        return state.value
      }
      if (state.type === 'rejected') {
        handle.dispose()
        throw this.failure(state.error, phase)
      }
      if (!rt.hasPendingJob()) {
        this.failed = true
        handle.dispose()
        const what = phase === 'run' ? 'run(k)' : 'the module'
        throw new ScenarioFailure({
          kind: 'runtime',
          file: this.opts.fileName,
          message: `${what} returned a promise that never settles (it awaits something that never happens)`,
        })
      }
      this.pumpJobs(handle)
    }
  }

  /** Runs what is left in the job queue after run(k) (e.g. promises nobody awaited). */
  private drainJobs(): void {
    while (this.rt.hasPendingJob()) this.pumpJobs(undefined)
  }

  private pumpJobs(owned: QuickJSHandle | undefined): void {
    const result = this.inGuest(() => this.rt.executePendingJobs(JOB_BATCH))
    if (result.error) {
      owned?.dispose()
      throw this.failure(result.error, 'run')
    }
    result.dispose()
    if (this.shouldInterrupt()) {
      this.failed = true
      owned?.dispose()
      throw new ScenarioFailure(this.abort!)
    }
  }

  // --- results and errors -----------------------------------------------------------------------

  private readChecks(): GuestCheck[] {
    return this.checks.map(({ pos, label, pass, actual, expected, matcher }) => {
      const at = pos ? this.toSource(pos) : undefined
      // An undefined value (a check on a missing property) stays undefined: the key is left out
      // of the result JSON and every report prints `undefined`, never a null the scenario never had.
      const check: GuestCheck = { label, pass, actual, expected, matcher }
      if (at) check.location = `${this.opts.fileName}:${at.line}:${at.column}`
      return check
    })
  }

  private callControl(method: string, args: QuickJSHandle[]): string {
    const result = this.inGuest(() => this.ctx.callMethod(this.control!, method, args))
    if (result.error) throw this.failure(result.error, 'run')
    const text = this.ctx.getString(result.value)
    result.value.dispose()
    return text
  }

  private requireNamespace(): QuickJSHandle {
    if (!this.namespace) throw new Error('Sandbox.load() must run first')
    return this.namespace
  }

  /** Turns a guest exception into a ScenarioFailure. Consumes `errorHandle`. */
  private failure(errorHandle: QuickJSHandle, phase: 'load' | 'run'): ScenarioFailure {
    this.failed = true
    const info = this.errorInfo(errorHandle)
    errorHandle.dispose()
    const at = this.locate(info.stack)
    if (this.abort) {
      const withLocation =
        this.abort.line === undefined && at ? { ...this.abort, ...at } : this.abort
      return new ScenarioFailure(withLocation)
    }
    if (/out of memory/i.test(info.message)) {
      return new ScenarioFailure({ ...this.memoryError(), ...(at ?? { file: this.opts.fileName }) })
    }
    // An import's own frame is imprecise (it names the enclosing function): the specifier is not.
    const importFailure = /^cannot import '([^']*)'/.exec(info.message)
    if (importFailure) {
      return new ScenarioFailure({
        kind: 'runtime',
        message: info.message,
        ...this.findText(importFailure[1], at),
      })
    }
    const kind = phase === 'load' && info.name === 'SyntaxError' ? 'syntax' : 'runtime'
    const said = info.message === '' ? '(no message)' : info.message
    const message =
      info.name === 'SimUsageError' || info.name === '' ? said : `${info.name}: ${said}`
    return new ScenarioFailure({ kind, message, ...(at ?? { file: this.opts.fileName }) })
  }

  /**
   * What the guest threw. Reading `name`, `message` and `stack` may run the guest's own code (a
   * getter, a Proxy trap), so it runs on the script clock like any guest code, each read on its
   * own: one that throws, loops past the deadline or is not a string reads as ''. Texts are cut
   * at ERROR_TEXT_MAX characters.
   */
  private errorInfo(h: QuickJSHandle): { name: string; message: string; stack: string } {
    const { ctx } = this
    const type = ctx.typeof(h)
    if (type !== 'object' && type !== 'function') {
      // `throw 'text'` or `throw 42`: a primitive, no guest code to run.
      const value: unknown = type === 'string' ? ctx.getString(h) : ctx.dump(h)
      const text = JSON.stringify(value) ?? String(value)
      return { name: '', message: `uncaught ${cut(text)}`, stack: '' }
    }
    const read = (key: string): string => {
      this.clock.enter()
      try {
        const p = ctx.getProp(h, key)
        const value = ctx.typeof(p) === 'string' ? cut(ctx.getString(p)) : ''
        p.dispose()
        return value
      } catch {
        return ''
      } finally {
        this.clock.leave()
      }
    }
    return { name: read('name'), message: read('message'), stack: read('stack') }
  }

  /** First frame in the scenario file: `    at run (one-thp.ts:6:18)`. */
  private locate(stack: string): { file: string; line: number; column: number } | undefined {
    const needle = `(${this.opts.fileName}:`
    for (const frame of stack.split('\n')) {
      if (!frame.includes(needle)) continue
      const m = /:(\d+):(\d+)\)\s*$/.exec(frame)
      if (!m) continue
      const at = this.toSource({ line: Number(m[1]), column: Number(m[2]) })
      return { file: this.opts.fileName, ...at }
    }
    return undefined
  }

  /** Where `'name'` first appears in the source (for failed imports, which carry no frame). */
  private findText(
    name: string,
    fallback?: { file: string; line: number; column: number },
  ): { file: string; line?: number; column?: number } {
    const { source, fileName } = this.opts
    const quoted = [`'${name}'`, `"${name}"`, `\`${name}\``]
      .map((q) => source.indexOf(q))
      .filter((i) => i >= 0)
    if (quoted.length === 0) return fallback ?? { file: fileName }
    return { file: fileName, ...lineColumnAt(source, Math.min(...quoted)) }
  }

  /**
   * JS position -> TypeScript position. QuickJS places a call's position on its `(`; like V8,
   * report the called name instead (`k.expect(` -> the `e` of `expect`).
   */
  private toSource(pos: Position): Position {
    const at = toSourcePosition(this.opts.transpiled, pos.line, pos.column)
    const text = this.sourceLines()[at.line - 1] ?? ''
    let col = at.column - 1
    if (text[col] !== '(') return at
    while (col > 0 && /[\w$]/.test(text[col - 1])) col--
    return col < at.column - 1 ? { line: at.line, column: col + 1 } : at
  }

  private lines: string[] | undefined
  private sourceLines(): string[] {
    this.lines ??= this.opts.source.split('\n')
    return this.lines
  }
}

function importMessage(name: string): string {
  return `cannot import '${name}': a scenario can only import '${MODULE_NAME}' (no files, network or Node modules)`
}

function internalError(e: unknown): ScenarioError {
  if (e instanceof SimLimitError || (e instanceof Error && e.name === 'SimLimitError')) {
    return { kind: 'memory', message: `${e.message} (hugeswap run --rss-limit raises it)` }
  }
  if (e instanceof SimInvariantError || (e instanceof Error && e.name === 'SimInvariantError')) {
    return { kind: 'internal', message: `simulator invariant violated: ${e.message}` }
  }
  const message = e instanceof Error ? e.message : String(e)
  return { kind: 'internal', message: `internal error in the simulator: ${message}` }
}
