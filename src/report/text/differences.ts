/**
 * What differs between two runs besides their numbers: tool version, model, scenario (file, title,
 * source digest, params), seed and the machine, field by field. A comparison that shows a change
 * in pswpin must also show that B ran on zram where A ran on NVMe. Pure; ASCII.
 */
import type { ResultJson } from '../../shared/result'
import { ascii } from './metrics'

export interface Difference {
  /** `model`, `seed`, `machine.swap[0].type`, `params.procs`, ... */
  what: string
  a: string
  b: string
}

const shown = (v: unknown): string =>
  v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v)

/** Leaves of a JSON value as `path -> value` (`swap[0].type`). */
function flatten(value: unknown, path: string, out: Map<string, unknown>): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => flatten(v, `${path}[${i}]`, out))
    if (value.length === 0) out.set(path, '[]')
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, path ? `${path}.${k}` : k, out)
  } else {
    out.set(path, value)
  }
}

/** Every field that differs, in a fixed order (tool, scenario, seed, params, machine). */
export function runDifferences(a: ResultJson, b: ResultJson): Difference[] {
  const out: Difference[] = []
  const diff = (what: string, x: unknown, y: unknown) => {
    if (JSON.stringify(x) !== JSON.stringify(y)) out.push({ what, a: shown(x), b: shown(y) })
  }
  diff('hugeswap', a.tool.version, b.tool.version)
  diff('model', a.tool.model, b.tool.model)
  diff('scenario file', a.scenario.file, b.scenario.file)
  diff('scenario title', a.scenario.title, b.scenario.title)
  diff('scenario source (sha256)', a.scenario.sha256?.slice(0, 16), b.scenario.sha256?.slice(0, 16))
  diff('seed', a.scenario.seed, b.scenario.seed)
  diff('costs', a.scenario.costs, b.scenario.costs)
  const pa = new Map<string, unknown>()
  const pb = new Map<string, unknown>()
  flatten(a.scenario.params ?? {}, 'params', pa)
  flatten(b.scenario.params ?? {}, 'params', pb)
  for (const key of new Set([...pa.keys(), ...pb.keys()])) diff(key, pa.get(key), pb.get(key))
  const ma = new Map<string, unknown>()
  const mb = new Map<string, unknown>()
  flatten(a.machine ?? {}, 'machine', ma)
  flatten(b.machine ?? {}, 'machine', mb)
  if (a.machine && b.machine) {
    for (const key of new Set([...ma.keys(), ...mb.keys()])) diff(key, ma.get(key), mb.get(key))
  } else if (a.machine || b.machine) {
    out.push({
      what: 'machine',
      a: a.machine ? 'recorded' : '(not recorded: an older result)',
      b: b.machine ? 'recorded' : '(not recorded: an older result)',
    })
  }
  return out
}

/** The differences as text lines: `  seed: 1 -> 7`, or one line saying there are none. */
export function formatDifferences(a: ResultJson, b: ResultJson): string[] {
  const diffs = runDifferences(a, b)
  if (diffs.length === 0)
    return [
      'A and B differ in nothing but their numbers (same tool, model, scenario source, seed, params and machine)',
    ]
  return [
    'what differs besides the numbers:',
    ...diffs.map((d) => ascii(`  ${d.what}: ${d.a} -> ${d.b}`)),
  ]
}
