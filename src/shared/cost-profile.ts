/**
 * The cost profile `hugeswap calibrate` writes, read wherever `machine.costs: 'measured'` needs
 * it: the CLI (--costs FILE or the default path), the desktop app's main process (the default
 * path) and the page (a file the user opens). Pure: the callers read the file.
 */
import type { MeasuredCosts } from './worker-protocol'

export type ParsedCostProfile = { ok: true; costs: MeasuredCosts } | { ok: false; message: string }

/** Where `hugeswap calibrate` writes the profile: $XDG_CONFIG_HOME/hugeswap/costs.json. */
export function costProfilePath(env: Record<string, string | undefined>): string {
  const base = env.XDG_CONFIG_HOME || `${env.HOME || '/root'}/.config`
  return `${base.replace(/\/+$/, '')}/hugeswap/costs.json`
}

/**
 * A profile file's text to the figures a run takes. `shown` names the file in messages and in
 * the figures' `source` (with the kernel and date it was measured on).
 */
export function parseCostProfile(text: string, shown: string): ParsedCostProfile {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    return { ok: false, message: `${shown}: not JSON: ${(err as Error).message}` }
  }
  const d = data as {
    kind?: unknown
    costs?: Record<string, unknown>
    measured?: { kernel?: unknown; date?: unknown }
  }
  if (d?.kind !== 'hugeswap-costs' || typeof d.costs !== 'object' || d.costs === null) {
    return {
      ok: false,
      message: `${shown}: not a cost profile written by hugeswap calibrate (no "kind": "hugeswap-costs" with "costs")`,
    }
  }
  const kernel = typeof d.measured?.kernel === 'string' ? d.measured.kernel : '?'
  const date = typeof d.measured?.date === 'string' ? d.measured.date.slice(0, 10) : '?'
  const costs: MeasuredCosts = { source: `${shown} (kernel ${kernel}, ${date})` }
  for (const key of ['cpu', 'devices', 'compressors'] as const) {
    const v = d.costs[key]
    if (v === undefined) continue
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      return { ok: false, message: `${shown}: costs.${key}: expected an object` }
    }
    // The figures themselves are validated as if the scenario had written them.
    ;(costs as unknown as Record<string, unknown>)[key] = v
  }
  return { ok: true, costs }
}

/**
 * What is wrong with `value` as a RunRequest's measuredCosts (it crossed a process boundary),
 * or undefined: a `source` string and objects of finite numbers, one level deeper for devices and
 * compressors. Which names and ranges are allowed is the pipeline's check, as for a scenario.
 */
export function measuredCostsProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'measuredCosts must be an object'
  for (const key of Object.keys(value)) {
    if (!['source', 'cpu', 'devices', 'compressors'].includes(key)) {
      return `measuredCosts.${key}: unknown field`
    }
  }
  if (typeof value.source !== 'string' || value.source.length > 1024) {
    return 'measuredCosts.source must be a string of at most 1024 characters'
  }
  const numbers = (v: unknown, where: string): string | undefined => {
    if (!isRecord(v)) return `${where} must be an object`
    for (const [k, n] of Object.entries(v)) {
      if (typeof n !== 'number' || !Number.isFinite(n)) return `${where}.${k} must be a number`
    }
    return undefined
  }
  if (value.cpu !== undefined) {
    const p = numbers(value.cpu, 'measuredCosts.cpu')
    if (p) return p
  }
  for (const key of ['devices', 'compressors'] as const) {
    const v = value[key]
    if (v === undefined) continue
    if (!isRecord(v)) return `measuredCosts.${key} must be an object`
    for (const [name, figures] of Object.entries(v)) {
      const p = numbers(figures, `measuredCosts.${key}.${name}`)
      if (p) return p
    }
  }
  return undefined
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
