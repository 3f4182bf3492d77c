/**
 * The scenario pipeline, independent of which Simulator it drives (runner.ts binds src/sim): TypeScript source in, result JSON (docs/result-json.md) or a located
 * ScenarioError out. Pure of Node and DOM APIs, so the Node worker, the browser worker, the CLI
 * and tests all run exactly this.
 *
 *   transpile -> evaluate once to read the definition -> validate (variants, seed, machine)
 *   -> per variant: fresh sandbox + fresh simulator, run(k), finish() + checks -> ResultJson
 *
 * Deterministic: nothing here reads a clock into the result (the sandbox's script clock only
 * enforces the time limit and throttles progress).
 */
import {
  RESULT_SCHEMA,
  VARIANT_FEATURES,
  VARIANT_NAMES,
  VARIANT_RESULT_KEYS,
  type CheckResult,
  type ParamValue,
  type ResultJson,
  type RunOutcome,
  type RunProgress,
  type VariantFeatures,
  type VariantName,
  type VariantResult,
} from '../shared/result'
import type { RunRequest } from '../shared/worker-protocol'
import { TOOL_NAME, TOOL_VERSION } from '../shared/version'
import { MODEL_ID } from '../sim/version'
import {
  SimLimitError,
  SimUsageError,
  type MachineSpec,
  type Simulator,
  type SimulatorOptions,
  type SimulatorResult,
} from '../sim/api'
import { describeMachine, normalizeMachine } from '../sim/machine'
import { createHostApi } from './host-api'
import { ParamError, applyParams, paramBehind, type AppliedParams } from './params'
import { MAX_SOURCE_BYTES } from './limits'
import {
  DEFAULT_MEMORY_BYTES,
  DEFAULT_TIME_MS,
  ScenarioFailure,
  createSandbox,
  type GuestCheck,
  type RawDefinition,
  type SandboxLimits,
  type SandboxOptions,
} from './sandbox'
import { lineColumnAt, transpileScenario } from './transpile'

export type SimulatorFactory = (opts: SimulatorOptions) => Simulator

export interface RunHooks {
  /** Progress, at most ~20 calls per second. */
  onProgress?: (p: RunProgress) => void
  /** The scenario's console.log/info/warn/error/debug output. */
  onLog?: (level: string, message: string) => void
}

/** Runs a scenario on any Simulator implementation (tests use a fake one). */
export async function runScenarioWith(
  simulatorFactory: SimulatorFactory,
  req: RunRequest,
  hooks: RunHooks = {},
): Promise<RunOutcome> {
  try {
    return { ok: true, result: await execute(simulatorFactory, req, hooks) }
  } catch (e) {
    if (e instanceof ScenarioFailure) return { ok: false, error: e.error }
    const message = e instanceof Error ? e.message : String(e)
    return { ok: false, error: { kind: 'internal', message: `internal error: ${message}` } }
  }
}

interface Plan {
  title: string
  seed: number
  /** The scenario's declared parameters, with any overrides applied. */
  params: Record<string, ParamValue>
  variants: VariantName[]
  machine: MachineSpec
  /** The simulator's full-state audit after every operation. */
  audit: boolean
  /** RunRequest.limits.modelBytes (SimulatorOptions.modelBytes). */
  modelBytes?: number
}

async function execute(
  simulatorFactory: SimulatorFactory,
  req: RunRequest,
  hooks: RunHooks,
): Promise<ResultJson> {
  const limits = resolveLimits(req)
  const sourceBytes = new TextEncoder().encode(req.source).length
  if (sourceBytes > MAX_SOURCE_BYTES) {
    throw new ScenarioFailure({
      kind: 'option',
      file: req.fileName,
      message: `the scenario is ${sourceBytes} bytes; a scenario may be at most ${MAX_SOURCE_BYTES} (1 MiB)`,
    })
  }
  const transpiled = transpileScenario(req.source, req.fileName)
  if (!transpiled.ok) throw new ScenarioFailure(transpiled.error)
  const base = { fileName: req.fileName, source: req.source, transpiled: transpiled.value, limits }

  const declared = await readDefinition(base, req.seed ?? 1, hooks)
  const { raw, params } = overrideDefinition(declared, req)
  const plan = resolvePlan(raw, req, params)
  const progress = new ProgressReporter(plan.variants, hooks.onProgress)
  const variants: VariantResult[] = []
  for (const [index, name] of plan.variants.entries()) {
    progress.startVariant(index)
    variants.push(await runVariant(simulatorFactory, base, plan, name, progress, hooks))
  }
  progress.finish()
  return {
    schema: RESULT_SCHEMA,
    tool: { name: TOOL_NAME, version: TOOL_VERSION, model: MODEL_ID },
    scenario: {
      title: plan.title,
      file: req.fileName,
      seed: plan.seed,
      ...(plan.machine.costs.profile === 'measured' && req.measuredCosts
        ? { costs: `measured: ${req.measuredCosts.source}` }
        : {}),
      sha256: await sha256Hex(req.source),
      ...(Object.keys(plan.params).length > 0 ? { params: plan.params } : {}),
    },
    machine: describeMachine(plan.machine),
    variants,
  }
}

type SandboxBase = Pick<SandboxOptions, 'fileName' | 'source' | 'transpiled' | 'limits'>

function resolveLimits(req: RunRequest): SandboxLimits {
  const timeMs = req.limits?.timeMs ?? DEFAULT_TIME_MS
  const memoryBytes = req.limits?.memoryBytes ?? DEFAULT_MEMORY_BYTES
  if (!(timeMs > 0) || !Number.isFinite(timeMs)) {
    throw new ScenarioFailure({
      kind: 'option',
      message: `limits.timeMs: expected ms > 0, got ${timeMs}`,
    })
  }
  const modelBytes = req.limits?.modelBytes
  if (modelBytes !== undefined && !(Number.isSafeInteger(modelBytes) && modelBytes >= 1024 ** 2)) {
    throw new ScenarioFailure({
      kind: 'option',
      message: `limits.modelBytes: expected at least 1 MiB, got ${modelBytes}`,
    })
  }
  if (!Number.isSafeInteger(memoryBytes) || memoryBytes < 1024 * 1024) {
    throw new ScenarioFailure({
      kind: 'option',
      message: `limits.memoryBytes: expected at least 1 MiB, got ${memoryBytes}`,
    })
  }
  return { timeMs, memoryBytes }
}

/** Evaluates the module once, in its own sandbox, only to read what defineScenario declared. */
async function readDefinition(
  base: SandboxBase,
  seed: number,
  hooks: RunHooks,
): Promise<RawDefinition> {
  const sandbox = await createSandbox({
    ...base,
    seed,
    onLog: hooks.onLog,
    host: () => {
      // Unreachable: k and tasks only exist inside run(k). Kept as a clear message anyway.
      throw new SimUsageError('the scenario API is only available inside run(k)')
    },
  })
  try {
    sandbox.load()
    return sandbox.describe()
  } finally {
    sandbox.dispose()
  }
}

async function runVariant(
  simulatorFactory: SimulatorFactory,
  base: SandboxBase,
  plan: Plan,
  name: VariantName,
  progress: ProgressReporter,
  hooks: RunHooks,
): Promise<VariantResult> {
  const features = VARIANT_FEATURES[name]
  const sim = createSim(simulatorFactory, {
    variant: name,
    machine: plan.machine,
    seed: plan.seed,
    ...(plan.modelBytes !== undefined ? { modelBytes: plan.modelBytes } : {}),
  })
  const sandbox = await createSandbox({
    ...base,
    seed: plan.seed,
    onLog: hooks.onLog,
    onPoll: () => progress.flush(),
    host: createHostApi(
      sim,
      (phase) => progress.op(phase),
      plan.audit && 'audit' in sim ? () => (sim as { audit(): void }).audit() : undefined,
    ),
  })
  let checks: GuestCheck[]
  try {
    sandbox.load()
    checks = sandbox.run({ name, ...features }, plan.machine, plan.params)
  } finally {
    sandbox.dispose()
  }
  return variantResult(finishSim(sim), checks.map(toCheckResult))
}

/**
 * One variant's result: everything the simulator produced and the scenario's checks, in the key
 * order of VARIANT_RESULT_KEYS; absent optional fields stay absent. The only place a result is
 * assembled (tests/scenario/result-assembly.test.ts holds a real run's JSON to every field the
 * simulator produced).
 */
export function variantResult(sim: SimulatorResult, checks: CheckResult[]): VariantResult {
  const all: VariantResult = { ...sim, checks }
  const out: Partial<Record<keyof VariantResult, unknown>> = {}
  const keys = (Object.keys(VARIANT_RESULT_KEYS) as (keyof VariantResult)[]).sort(
    (a, b) => VARIANT_RESULT_KEYS[a] - VARIANT_RESULT_KEYS[b],
  )
  for (const key of keys) if (all[key] !== undefined) out[key] = all[key]
  return out as VariantResult
}

function toCheckResult(c: GuestCheck): CheckResult {
  const out: CheckResult = {
    label: c.label,
    pass: c.pass,
    actual: c.actual,
    expected: c.expected,
    matcher: c.matcher,
  }
  if (c.location !== undefined) out.location = c.location
  return out
}

function createSim(factory: SimulatorFactory, opts: SimulatorOptions): Simulator {
  try {
    return factory(opts)
  } catch (e) {
    if (e instanceof SimUsageError)
      throw new ScenarioFailure({ kind: 'option', message: e.message })
    if (e instanceof SimLimitError)
      throw new ScenarioFailure({ kind: 'memory', message: e.message })
    throw new ScenarioFailure({
      kind: 'internal',
      message: `simulator failed to start: ${errText(e)}`,
    })
  }
}

function finishSim(sim: Simulator): ReturnType<Simulator['finish']> {
  try {
    return sim.finish()
  } catch (e) {
    throw new ScenarioFailure({
      kind: 'internal',
      message: `simulator failed to finish: ${errText(e)}`,
    })
  }
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

// --- validating the definition -------------------------------------------------------------------

/** Applies `req.params` (dotted-path overrides) to the declared definition. */
function overrideDefinition(
  declared: RawDefinition,
  req: RunRequest,
): { raw: RawDefinition; params: AppliedParams } {
  try {
    const { target, info } = applyParams(declared, req.params)
    return { raw: target, params: info }
  } catch (e) {
    if (e instanceof ParamError) throw new ScenarioFailure({ kind: 'option', message: e.message })
    throw e
  }
}

function resolvePlan(raw: RawDefinition, req: RunRequest, params: AppliedParams): Plan {
  const at = (key: string) => optionLocation(raw, req, key)
  const fail = (key: string, message: string): never => {
    // A value a param put there has no place in the file to point at.
    const param = paramBehind(message, params)
    if (param !== undefined) {
      throw new ScenarioFailure({ kind: 'option', message: `${message} (from param '${param}')` })
    }
    throw new ScenarioFailure({ kind: 'option', message, ...at(key) })
  }
  if (raw.runType !== 'function') fail('run', 'defineScenario: run(k) must be a function')
  if (raw.title !== undefined && typeof raw.title !== 'string')
    fail('title', 'title: expected a string')
  const title = typeof raw.title === 'string' ? raw.title : req.fileName

  const seed = req.seed ?? raw.seed ?? 1
  if (!Number.isSafeInteger(seed) || (seed as number) < 0) {
    if (req.seed !== undefined)
      throw new ScenarioFailure({
        kind: 'option',
        message: `--seed: expected a whole number >= 0, got ${req.seed}`,
      })
    fail('seed', `seed: expected a whole number >= 0, got ${JSON.stringify(raw.seed)}`)
  }

  // A bad --variants flag has no place in the file to point at.
  const variants = resolveVariants(req.variants ?? raw.variants, req.variants !== undefined, (m) =>
    req.variants !== undefined
      ? (() => {
          throw new ScenarioFailure({ kind: 'option', message: m })
        })()
      : fail('variants', m),
  )

  const scenarioParams = resolveScenarioParams(raw.params, fail)

  let machine: MachineSpec
  try {
    machine = normalizeMachine(withMeasuredCosts(raw.machine, req, fail) as never)
  } catch (e) {
    if (!(e instanceof SimUsageError)) throw e
    return fail('machine', e.message)
  }
  return {
    title,
    seed: seed as number,
    params: scenarioParams,
    variants,
    machine,
    audit: req.audit === true,
    ...(req.limits?.modelBytes !== undefined ? { modelBytes: req.limits.modelBytes } : {}),
  }
}

/** `params: { procs: 20, heapMB: 256 }`: names are identifiers, values strings, numbers or booleans. */
function resolveScenarioParams(
  value: unknown,
  fail: (key: string, message: string) => never,
): Record<string, ParamValue> {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('params', 'params: expected an object such as { procs: 20, heapMB: 256 }')
  }
  const out: Record<string, ParamValue> = {}
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) fail('params', `params: '${name}' is not a plain name`)
    const ok =
      typeof v === 'string' ||
      typeof v === 'boolean' ||
      (typeof v === 'number' && Number.isFinite(v))
    if (!ok) {
      fail(
        'params',
        `params.${name}: expected a number, string or boolean, got ${JSON.stringify(v) ?? String(v)}`,
      )
    }
    out[name] = v as ParamValue
  }
  return out
}

/** Lower-case hex SHA-256 of the source text (Web Crypto: Node 20, browsers and workers alike). */
async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * `machine.costs: 'measured'` (or `{ profile: 'measured', ... }`): the request's measured
 * figures under the scenario's own overrides.
 */
function withMeasuredCosts(
  machine: unknown,
  req: RunRequest,
  fail: (key: string, message: string) => never,
): unknown {
  if (typeof machine !== 'object' || machine === null) return machine
  const costs = (machine as { costs?: unknown }).costs
  const own =
    typeof costs === 'object' && costs !== null ? (costs as Record<string, unknown>) : undefined
  if (costs !== 'measured' && own?.profile !== 'measured') return machine
  const measured = req.measuredCosts
  if (!measured) {
    return fail(
      'machine',
      "machine.costs 'measured': no measured cost profile was given; measure this machine with `hugeswap calibrate`, which writes ~/.config/hugeswap/costs.json for the CLI and the desktop app (the CLI also takes --costs FILE; the workbench opens one with 'measured costs…' beside the variants)",
    )
  }
  const layer = (a: unknown, b: unknown): Record<string, unknown> => ({
    ...(typeof a === 'object' && a ? a : {}),
    ...(typeof b === 'object' && b ? b : {}),
  })
  const keyed = (a: unknown, b: unknown): Record<string, unknown> => {
    const out: Record<string, unknown> = layer(a, {})
    for (const [k, v] of Object.entries(typeof b === 'object' && b ? b : {})) {
      out[k] = layer(out[k], v)
    }
    return out
  }
  return {
    ...machine,
    costs: {
      profile: 'measured',
      cpu: layer(measured.cpu, own?.cpu),
      devices: keyed(measured.devices, own?.devices),
      compressors: keyed(measured.compressors, own?.compressors),
    },
  }
}

/**
 * `variants`: a list of names, or a feature filter (`{ lazyDeposit: true }`: every variant with lazy
 * deposit, in VARIANT_NAMES order), so a scenario that needs a feature runs on every variant that
 * has it, a variant added later included.
 */
function resolveVariants(
  value: unknown,
  fromRequest: boolean,
  fail: (message: string) => never,
): VariantName[] {
  const where = fromRequest ? '--variants' : 'variants'
  if (value === undefined) return [...VARIANT_NAMES]
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return variantsWith(value as Record<string, unknown>, where, fail)
  }
  if (!Array.isArray(value) || value.length === 0) {
    return fail(`${where}: expected a non-empty list of variant names, or features to match`)
  }
  const known = VARIANT_NAMES.map((v) => `'${v}'`).join(', ')
  const seen = new Set<string>()
  for (const v of value) {
    if (typeof v !== 'string' || !(VARIANT_NAMES as readonly string[]).includes(v)) {
      return fail(`${where}: unknown variant ${JSON.stringify(v)} (known: ${known})`)
    }
    if (seen.has(v)) return fail(`${where}: '${v}' is listed twice`)
    seen.add(v)
  }
  return value as VariantName[]
}

/** The variants whose features equal every flag of `filter`, in VARIANT_NAMES order. */
function variantsWith(
  filter: Record<string, unknown>,
  where: string,
  fail: (message: string) => never,
): VariantName[] {
  const features = Object.keys(VARIANT_FEATURES[VARIANT_NAMES[0]]) as (keyof VariantFeatures)[]
  const wanted: [keyof VariantFeatures, boolean][] = []
  for (const [key, on] of Object.entries(filter)) {
    if (!(features as string[]).includes(key)) {
      const known = features.map((f) => `'${f}'`).join(', ')
      return fail(`${where}: unknown feature '${key}' (known: ${known})`)
    }
    if (typeof on !== 'boolean') {
      return fail(`${where}.${key}: expected true or false, got ${JSON.stringify(on)}`)
    }
    wanted.push([key as keyof VariantFeatures, on])
  }
  const names = VARIANT_NAMES.filter((name) =>
    wanted.every(([key, on]) => VARIANT_FEATURES[name][key] === on),
  )
  if (names.length === 0) return fail(`${where}: no variant has ${JSON.stringify(filter)}`)
  return names
}

/**
 * Where an option error should point: the `key:` inside defineScenario({...}) if the source has
 * one after the defineScenario call, else the defineScenario call itself, else just the file.
 */
function optionLocation(
  raw: RawDefinition,
  req: RunRequest,
  key: string,
): { file: string; line?: number; column?: number } {
  const file = req.fileName
  const lines = req.source.split('\n')
  const fromLine = raw.line ?? 1
  const offset = lines.slice(0, fromLine - 1).reduce((n, l) => n + l.length + 1, 0)
  const pattern = new RegExp(`\\b${key}\\s*[:(]`, 'g')
  pattern.lastIndex = offset
  const m = pattern.exec(req.source)
  if (m) return { file, ...lineColumnAt(req.source, m.index) }
  if (raw.line !== undefined) return { file, line: raw.line, column: raw.column ?? 1 }
  return { file }
}

// --- progress --------------------------------------------------------------------------------------

const PROGRESS_INTERVAL_MS = 50

/**
 * Percent over the whole run. Within a variant the total number of operations is unknown the
 * first time; later variants run the same script, so the first variant's count is the estimate.
 */
class ProgressReporter {
  private index = 0
  private calls = 0
  private expected = 0
  private lastEmit = -Infinity
  /** The latest phase held back by the throttle (op() within PROGRESS_INTERVAL_MS of an emit). */
  private pending: string | null = null

  constructor(
    private readonly variants: VariantName[],
    private readonly onProgress: ((p: RunProgress) => void) | undefined,
  ) {}

  startVariant(index: number): void {
    if (index === 1) this.expected = this.calls
    this.index = index
    this.calls = 0
    this.emit('start', true)
  }

  op(phase: string): void {
    this.calls++
    this.emit(phase, false)
  }

  finish(): void {
    if (!this.onProgress) return
    const last = this.variants.length - 1
    this.onProgress({
      variant: this.variants[last],
      variantIndex: last,
      variantCount: this.variants.length,
      phase: 'done',
      percent: 100,
    })
  }

  /**
   * Reports the phase the throttle held back, once the interval has passed: a script that spins
   * after its last host call shows that call, not the one before it (the sandbox calls this at
   * its interrupt polls, the only time the worker runs while the guest spins).
   */
  flush(): void {
    if (this.pending === null || performance.now() - this.lastEmit < PROGRESS_INTERVAL_MS) return
    this.emit(this.pending, true)
  }

  private emit(phase: string, force: boolean): void {
    if (!this.onProgress) return
    const now = performance.now()
    if (!force && now - this.lastEmit < PROGRESS_INTERVAL_MS) {
      this.pending = phase
      return
    }
    this.lastEmit = now
    this.pending = null
    const within =
      this.expected > 0
        ? Math.min(this.calls / this.expected, 0.99)
        : this.calls / (this.calls + 50)
    const percent = ((this.index + within) / this.variants.length) * 100
    this.onProgress({
      variant: this.variants[this.index],
      variantIndex: this.index,
      variantCount: this.variants.length,
      phase,
      percent: Math.round(percent * 10) / 10,
    })
  }
}
