/**
 * `RunRequest.params`: overrides of a scenario's definition by dotted path, applied to what
 * defineScenario declared before it is validated (sweeps, selftests run with zswap):
 *
 *     { 'machine.zswap': true, 'machine.swap[0].size': '4G', 'seed': 7, 'variants': 'baseline' }
 *
 * Paths start at a definition field (`title`, `seed`, `variants`, `machine`, `params`: the
 * scenario's own declared parameters, `params.procs`) and go through
 * objects by `.name` and through lists by `[index]` (or `.index`). Missing objects and lists on
 * the way are created; an absent `machine.swap` starts as the default one NVMe device, so
 * `machine.swap[0].size` works on any scenario. A CLI passes strings: `'true'`/`'false'` become
 * booleans and decimal strings numbers, but only where the value they replace (or its default) is
 * a boolean or a number; `variants` given as a string is split at commas. Everything else is
 * validated afterwards exactly as if the scenario had written it.
 *
 * Pure: no Node or DOM APIs (the browser worker runs this too).
 */
import { normalizeMachine } from '../sim/machine'

import type { ParamValue } from '../shared/result'

/** A parameter value as RunRequest carries it. */
export type { ParamValue }

/** Definition fields a param may start at. */
export const PARAM_ROOTS = ['title', 'seed', 'variants', 'machine', 'params'] as const
export type ParamRoot = (typeof PARAM_ROOTS)[number]

/** The overridable part of a definition (the guest's describe() output). */
export type ParamTarget = Record<ParamRoot, unknown>

/** Thrown for a param that cannot be applied; the pipeline reports it as an 'option' error. */
export class ParamError extends Error {
  override name = 'ParamError'
}

type Segment = string | number

/** What applyParams did, so validation errors can point at the param instead of the file. */
export interface AppliedParams {
  /** Each param by its canonical spelling (`machine.swap[0].size`), with the paths it created. */
  applied: { path: string; created: string[] }[]
}

const IDENT = /^[A-Za-z_$][\w$]*$/
/** Keys that would reach an object's prototype rather than its own data. */
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor'])

/** `machine.swap[0].size` or `machine.swap.0.size` -> ['machine', 'swap', 0, 'size']. */
export function parseParamPath(path: string): Segment[] {
  const bad = (why: string): never => {
    throw new ParamError(`param '${path}': ${why}`)
  }
  const segments: Segment[] = []
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part)
    if (!m) return bad('not a dotted path such as machine.swap[0].size')
    const [, name, indexes] = m
    if (name === '') return bad('not a dotted path such as machine.swap[0].size')
    if (name !== '') {
      if (/^\d+$/.test(name) && segments.length > 0) segments.push(Number(name))
      else if (!IDENT.test(name)) bad(`'${name}' is not a field name`)
      else if (FORBIDDEN.has(name)) bad(`'${name}' is not a definition field`)
      else segments.push(name)
    }
    for (const [, digits] of indexes.matchAll(/\[(\d+)\]/g)) segments.push(Number(digits))
  }
  const root = segments[0]
  if (typeof root !== 'string' || !(PARAM_ROOTS as readonly string[]).includes(root)) {
    bad(`unknown field '${String(root)}' (known: ${PARAM_ROOTS.join(', ')})`)
  }
  for (const s of segments) {
    if (typeof s === 'number' && !Number.isSafeInteger(s)) bad(`index ${s} is too large`)
  }
  return segments
}

/** The spelling validation messages use: `machine.swap[0].size`. */
export function formatParamPath(segments: readonly Segment[]): string {
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('')
}

function kindOf(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'object') return 'an object'
  return `a ${typeof v}`
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Deep copy of JSON data (the definition came out of JSON.parse, so nothing else is in it). */
function cloneJson<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T)
}

/** The machine input field name -> the normalized MachineSpec field holding its default. */
const SPEC_NAME: Record<string, string> = { memory: 'memoryBytes', size: 'sizeBytes' }

/**
 * The default the scenario would get at `segments` when it does not set it: only its type
 * matters (it decides whether a string from the command line becomes a boolean or a number).
 */
function defaultAt(segments: readonly Segment[]): unknown {
  if (segments[0] === 'seed') return 1
  if (segments[0] !== 'machine') return undefined
  let cur: unknown = normalizeMachine(undefined)
  for (const s of segments.slice(1)) {
    if (Array.isArray(cur))
      cur = cur.length > 0 ? cur[Math.min(Number(s), cur.length - 1)] : undefined
    else if (isRecord(cur) && typeof s === 'string') cur = cur[SPEC_NAME[s] ?? s]
    else return undefined
  }
  return cur
}

/** A string from a command line, typed like the value it replaces. */
function convert(value: ParamValue, like: unknown, segments: readonly Segment[]): unknown {
  if (typeof value !== 'string') return value
  if (typeof like === 'boolean' && (value === 'true' || value === 'false')) return value === 'true'
  if (typeof like === 'number' && /^\s*-?\d+(\.\d+)?(e[+-]?\d+)?\s*$/i.test(value)) {
    return Number(value)
  }
  if (segments.length === 1 && segments[0] === 'variants') {
    return value.split(',').map((v) => v.trim())
  }
  return value
}

/** A fresh container for `segments` when the definition has none there. */
function newContainer(segments: readonly Segment[], next: Segment): unknown {
  if (formatParamPath(segments) === 'machine.swap') return [{ type: 'nvme' }]
  return typeof next === 'number' ? [] : {}
}

/**
 * Applies `params` to a copy of `target`. Throws ParamError naming the param for a path that
 * cannot exist (unknown root, through a number, string or boolean, a field of a list, an index
 * past the end of a list).
 */
export function applyParams<T extends ParamTarget>(
  target: T,
  params: Readonly<Record<string, ParamValue>> | undefined,
): { target: T; info: AppliedParams } {
  const info: AppliedParams = { applied: [] }
  if (params === undefined) return { target, info }
  if (!isRecord(params)) throw new ParamError('params: expected an object of path: value')
  const out = { ...target }
  for (const root of PARAM_ROOTS) out[root] = cloneJson(target[root]) as T[ParamRoot]
  const data = out as Record<string, unknown>

  for (const [path, value] of Object.entries(params)) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      throw new ParamError(
        `param '${path}': expected a string, number or boolean, got ${kindOf(value)}`,
      )
    }
    const segments = parseParamPath(path)
    if (segments[0] === 'params') checkScenarioParam(path, segments, data.params)
    const created: string[] = []
    let cur: Record<string, unknown> | unknown[] = data
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i]
      const here = formatParamPath(segments.slice(0, i))
      if (Array.isArray(cur)) {
        if (typeof seg !== 'number') {
          throw new ParamError(`param '${path}': ${here} is a list: use ${here}[index]`)
        }
        if (seg > cur.length) {
          const n = cur.length
          throw new ParamError(
            `param '${path}': ${here}[${seg}] is past the end of ${here} (${n} ${n === 1 ? 'entry' : 'entries'})`,
          )
        }
      } else if (typeof seg === 'number') {
        throw new ParamError(`param '${path}': ${here} is an object, not a list`)
      }
      const container = cur as Record<Segment, unknown>
      const existing = container[seg]
      if (i === segments.length - 1) {
        const like = existing === undefined ? defaultAt(segments) : existing
        container[seg] = convert(value, like, segments)
        break
      }
      const upto = segments.slice(0, i + 1)
      // An absent field is judged by its default: `machine.zswap.x` goes through a boolean too.
      const through = existing === undefined ? defaultAt(upto) : existing
      if (through !== undefined && (typeof through !== 'object' || through === null)) {
        throw new ParamError(
          `param '${path}': ${formatParamPath(upto)} is ${kindOf(through)}, not an object or list`,
        )
      }
      if (existing === undefined) {
        container[seg] = newContainer(upto, segments[i + 1])
        created.push(formatParamPath(upto))
      }
      cur = container[seg] as Record<string, unknown> | unknown[]
    }
    info.applied.push({ path: formatParamPath(segments), created })
  }
  return { target: out, info }
}

/**
 * `params.NAME` must name a parameter the scenario declared (`params: { procs: 20 }`): a sweep over
 * a misspelt name would otherwise run the same point N times.
 */
function checkScenarioParam(path: string, segments: readonly Segment[], declared: unknown): void {
  const names = isRecord(declared) ? Object.keys(declared) : []
  const known = names.length > 0 ? `declared: ${names.join(', ')}` : 'the scenario declares none'
  if (segments.length !== 2 || typeof segments[1] !== 'string') {
    throw new ParamError(`param '${path}': expected params.NAME (${known})`)
  }
  if (!names.includes(segments[1])) {
    throw new ParamError(`param '${path}': no scenario parameter '${segments[1]}' (${known})`)
  }
}

/**
 * The param a validation message is about, if any: the message's leading path (`machine.swap[0]
 * .size: ...`) is a param's path or lies inside a container that param created, or it names an
 * unknown field that a param added (`machine: unknown field 'zsawp'`).
 */
export function paramBehind(message: string, info: AppliedParams): string | undefined {
  const colon = message.indexOf(':')
  if (colon < 0) return undefined
  const lead = message.slice(0, colon)
  const inside = (p: string) => lead === p || lead.startsWith(`${p}.`) || lead.startsWith(`${p}[`)
  for (const { path, created } of [...info.applied].reverse()) {
    if (inside(path) || created.some(inside)) return path
    const rest = path.startsWith(`${lead}.`) ? path.slice(lead.length + 1) : undefined
    const field = rest === undefined ? undefined : /^[^.[]+/.exec(rest)?.[0]
    if (field !== undefined && message.includes(`'${field}'`)) return path
  }
  return undefined
}
