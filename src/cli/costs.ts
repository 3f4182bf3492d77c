/**
 * The measured cost profile a run hands to `machine.costs: 'measured'`: --costs FILE, else the
 * one `hugeswap calibrate` wrote for this user (~/.config/hugeswap/costs.json), else none.
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { MeasuredCosts } from '../shared/worker-protocol'
import { defaultProfilePath } from './calibrate/profile'
import { describeIoError } from './run'

export type LoadedCosts = { ok: true; costs?: MeasuredCosts } | { ok: false; message: string }

export async function loadMeasuredCosts(
  file: string | undefined,
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LoadedCosts> {
  const path = file === undefined ? defaultProfilePath(env) : resolve(cwd, file)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if (file === undefined) return { ok: true }
    return { ok: false, message: `hugeswap: cannot read ${file}: ${describeIoError(err)}` }
  }
  const shown = file ?? path
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    return { ok: false, message: `${shown}: not JSON: ${(err as Error).message}` }
  }
  const d = data as {
    kind?: unknown
    costs?: Record<string, unknown>
    measured?: { kernel?: string; date?: string }
  }
  if (d?.kind !== 'hugeswap-costs' || typeof d.costs !== 'object' || d.costs === null) {
    return {
      ok: false,
      message: `${shown}: not a cost profile written by hugeswap calibrate (no "kind": "hugeswap-costs" with "costs")`,
    }
  }
  const costs: MeasuredCosts = {
    source: `${shown} (kernel ${d.measured?.kernel ?? '?'}, ${d.measured?.date?.slice(0, 10) ?? '?'})`,
  }
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
