/**
 * Shape checks for what the renderer sends. The renderer is treated as untrusted: a compromised
 * page could send anything the structured-clone algorithm can carry. Each parser either returns a
 * fresh object holding only known fields or throws an IpcInputError naming the field.
 */
import { VARIANT_NAMES, type VariantName } from '../shared/result'
import {
  MAX_HISTORY_BYTES,
  type HistoryEntry,
  type SaveAsRequest,
  type SaveRequest,
} from '../shared/ipc'
import { measuredCostsProblem } from '../shared/cost-profile'
import type { MeasuredCosts, RunRequest } from '../shared/worker-protocol'
import { MAX_SOURCE_BYTES } from '../scenario/limits'

export { MAX_SOURCE_BYTES }
export const MAX_FILE_NAME_LENGTH = 255
/** Upper bounds for requested limits, so the renderer cannot lift the watchdog. */
export const MAX_TIME_MS = 10 * 60 * 1000
export const MAX_MEMORY_BYTES = 1024 * 1024 * 1024

export class IpcInputError extends Error {
  override name = 'IpcInputError'
}

type Plain = Record<string, unknown>

function isPlainObject(value: unknown): value is Plain {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function fail(channel: string, message: string): never {
  throw new IpcInputError(`${channel}: invalid request: ${message}`)
}

function rejectUnknownKeys(channel: string, what: string, value: Plain, known: readonly string[]) {
  const unknown = Object.keys(value).filter((key) => !known.includes(key))
  if (unknown.length > 0) fail(channel, `unknown field(s) in ${what}: ${unknown.join(', ')}`)
}

function isPositiveInteger(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= max
}

const RUN = 'scenario:run'
const RUN_REQUEST_KEYS = [
  'source',
  'fileName',
  'variants',
  'seed',
  'limits',
  'measuredCosts',
] as const
const LIMIT_KEYS = ['timeMs', 'memoryBytes'] as const

/** Arguments of `scenario:run`: exactly one RunRequest. */
export function parseRunArgs(args: readonly unknown[]): [RunRequest] {
  if (args.length !== 1) fail(RUN, `expected 1 argument, got ${args.length}`)
  return [parseRunRequest(args[0])]
}

export function parseRunRequest(value: unknown): RunRequest {
  if (!isPlainObject(value)) fail(RUN, 'expected an object')
  rejectUnknownKeys(RUN, 'request', value, RUN_REQUEST_KEYS)

  const { source, fileName, variants, seed, limits, measuredCosts } = value
  if (typeof source !== 'string') fail(RUN, 'source must be a string')
  if (Buffer.byteLength(source, 'utf8') > MAX_SOURCE_BYTES) {
    fail(RUN, `source is larger than ${MAX_SOURCE_BYTES} bytes (1 MiB)`)
  }
  if (typeof fileName !== 'string' || fileName.length === 0) {
    fail(RUN, 'fileName must be a non-empty string')
  }
  if (fileName.length > MAX_FILE_NAME_LENGTH) {
    fail(RUN, `fileName is longer than ${MAX_FILE_NAME_LENGTH} characters`)
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(fileName)) fail(RUN, 'fileName contains control characters')

  const request: RunRequest = { source, fileName }
  if (variants !== undefined) request.variants = parseVariants(variants)
  if (seed !== undefined) {
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
      fail(RUN, 'seed must be a safe integer')
    }
    request.seed = seed
  }
  if (limits !== undefined) request.limits = parseLimits(limits)
  if (measuredCosts !== undefined) {
    // A profile the window opened; its figures are checked again as a scenario's would be.
    const problem = measuredCostsProblem(measuredCosts)
    if (problem) fail(RUN, problem)
    request.measuredCosts = measuredCosts as MeasuredCosts
  }
  return request
}

function parseVariants(value: unknown): VariantName[] {
  if (!Array.isArray(value) || value.length === 0) {
    fail(RUN, `variants must be a non-empty array of: ${VARIANT_NAMES.join(', ')}`)
  }
  const seen = new Set<VariantName>()
  for (const name of value) {
    if (!(VARIANT_NAMES as readonly unknown[]).includes(name)) {
      fail(RUN, `unknown variant ${JSON.stringify(name)} (known: ${VARIANT_NAMES.join(', ')})`)
    }
    if (seen.has(name as VariantName)) fail(RUN, `variant ${JSON.stringify(name)} given twice`)
    seen.add(name as VariantName)
  }
  return [...seen]
}

function parseLimits(value: unknown): NonNullable<RunRequest['limits']> {
  if (!isPlainObject(value)) fail(RUN, 'limits must be an object')
  rejectUnknownKeys(RUN, 'limits', value, LIMIT_KEYS)
  const limits: NonNullable<RunRequest['limits']> = {}
  if (value.timeMs !== undefined) {
    if (!isPositiveInteger(value.timeMs, MAX_TIME_MS)) {
      fail(RUN, `limits.timeMs must be an integer in 1..${MAX_TIME_MS}`)
    }
    limits.timeMs = value.timeMs
  }
  if (value.memoryBytes !== undefined) {
    if (!isPositiveInteger(value.memoryBytes, MAX_MEMORY_BYTES)) {
      fail(RUN, `limits.memoryBytes must be an integer in 1..${MAX_MEMORY_BYTES}`)
    }
    limits.memoryBytes = value.memoryBytes
  }
  return limits
}

/** Arguments of a channel that takes none. */
export function parseNoArgs(channel: string, args: readonly unknown[]): [] {
  if (args.length !== 0) fail(channel, `expected no arguments, got ${args.length}`)
  return []
}

function parseSourceField(channel: string, source: unknown): string {
  if (typeof source !== 'string') fail(channel, 'source must be a string')
  if (Buffer.byteLength(source, 'utf8') > MAX_SOURCE_BYTES) {
    fail(channel, `source is larger than ${MAX_SOURCE_BYTES} bytes (1 MiB)`)
  }
  return source
}

function parsePathLike(channel: string, field: string, value: unknown, maxLength: number): string {
  if (typeof value !== 'string' || value.length === 0) {
    fail(channel, `${field} must be a non-empty string`)
  }
  if (value.length > maxLength) fail(channel, `${field} is longer than ${maxLength} characters`)
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) fail(channel, `${field} contains control characters`)
  return value
}

export const MAX_PATH_LENGTH = 4096

/** Arguments of `file:save`: one `{ path, source }`. Main also checks the path was granted. */
export function parseSaveArgs(args: readonly unknown[]): [SaveRequest] {
  const channel = 'file:save'
  if (args.length !== 1) fail(channel, `expected 1 argument, got ${args.length}`)
  const value = args[0]
  if (!isPlainObject(value)) fail(channel, 'expected an object')
  rejectUnknownKeys(channel, 'request', value, ['path', 'source'])
  return [
    {
      path: parsePathLike(channel, 'path', value.path, MAX_PATH_LENGTH),
      source: parseSourceField(channel, value.source),
    },
  ]
}

/** Arguments of `file:save-as`: one `{ suggestedName, source }`. */
export function parseSaveAsArgs(args: readonly unknown[]): [SaveAsRequest] {
  const channel = 'file:save-as'
  if (args.length !== 1) fail(channel, `expected 1 argument, got ${args.length}`)
  const value = args[0]
  if (!isPlainObject(value)) fail(channel, 'expected an object')
  rejectUnknownKeys(channel, 'request', value, ['suggestedName', 'source'])
  const suggestedName = parsePathLike(
    channel,
    'suggestedName',
    value.suggestedName,
    MAX_FILE_NAME_LENGTH,
  )
  if (/[\\/]/.test(suggestedName)) fail(channel, 'suggestedName must be a base name')
  return [{ suggestedName, source: parseSourceField(channel, value.source) }]
}

const HISTORY_ENTRY_KEYS = [
  'id',
  'ranAt',
  'title',
  'file',
  'seed',
  'variants',
  'result',
  'source',
] as const
const HISTORY_ID = /^[A-Za-z0-9_-]{1,64}$/
export const MAX_HISTORY_VARIANTS = 64

/**
 * What is wrong with a history entry, or null when it has the shape of HistoryEntry. Shared by the
 * history:add parser and the history file loader: a hand-edited file is trusted no more than the
 * renderer. The result itself is checked only as far as the history list reads it; the renderer
 * treats a past result as it treats a fresh one.
 */
export function historyEntryProblem(value: unknown): string | null {
  if (!isPlainObject(value)) return 'a run must be an object'
  const unknown = Object.keys(value).filter(
    (key) => !(HISTORY_ENTRY_KEYS as readonly string[]).includes(key),
  )
  if (unknown.length > 0) return `unknown field(s) in the run: ${unknown.join(', ')}`
  const { id, ranAt, title, file, seed, variants, result, source } = value
  if (typeof id !== 'string' || !HISTORY_ID.test(id)) {
    return "id must be 1..64 letters, digits, '-' or '_'"
  }
  if (typeof ranAt !== 'number' || !Number.isFinite(ranAt) || ranAt < 0) {
    return 'ranAt must be a time in ms since the epoch'
  }
  if (typeof title !== 'string') return 'title must be a string'
  if (typeof file !== 'string') return 'file must be a string'
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) return 'seed must be a safe integer'
  if (
    !Array.isArray(variants) ||
    variants.length > MAX_HISTORY_VARIANTS ||
    !variants.every((name) => typeof name === 'string')
  ) {
    return `variants must be an array of at most ${MAX_HISTORY_VARIANTS} strings`
  }
  if (
    source !== undefined &&
    (typeof source !== 'string' || Buffer.byteLength(source, 'utf8') > MAX_SOURCE_BYTES)
  ) {
    return `source must be a string of at most ${MAX_SOURCE_BYTES} bytes`
  }
  if (!isPlainObject(result)) return 'result must be an object'
  if (!isPlainObject(result.scenario)) return 'result.scenario must be an object'
  if (!Array.isArray(result.variants) || !result.variants.every(isPlainObject)) {
    return 'result.variants must be an array of objects'
  }
  return null
}

/**
 * Arguments of `history:add`: one HistoryEntry. Returned as a fresh JSON copy, so what main keeps
 * in memory is exactly what it writes and what a restart reads back (structured clone can carry
 * Maps, Dates or cycles that JSON cannot).
 */
export function parseHistoryAddArgs(args: readonly unknown[]): [HistoryEntry] {
  const channel = 'history:add'
  if (args.length !== 1) fail(channel, `expected 1 argument, got ${args.length}`)
  const problem = historyEntryProblem(args[0])
  if (problem !== null) fail(channel, problem)
  let json: string
  try {
    json = JSON.stringify(args[0])
  } catch (e) {
    fail(channel, `the run is not JSON data (${e instanceof Error ? e.message : String(e)})`)
  }
  const bytes = Buffer.byteLength(json, 'utf8')
  if (bytes > MAX_HISTORY_BYTES) {
    fail(
      channel,
      `the run is ${bytes} bytes of JSON, more than the history holds ` +
        `(${MAX_HISTORY_BYTES} bytes, ${MAX_HISTORY_BYTES / (1024 * 1024)} MiB)`,
    )
  }
  return [JSON.parse(json) as HistoryEntry]
}

/** Arguments of `history:remove`: one entry id. */
export function parseHistoryRemoveArgs(args: readonly unknown[]): [string] {
  const channel = 'history:remove'
  if (args.length !== 1) fail(channel, `expected 1 argument, got ${args.length}`)
  const id = args[0]
  if (typeof id !== 'string' || !HISTORY_ID.test(id)) {
    fail(channel, "id must be 1..64 letters, digits, '-' or '_'")
  }
  return [id]
}
