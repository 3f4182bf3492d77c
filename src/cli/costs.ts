/**
 * The measured cost profile a run hands to `machine.costs: 'measured'`: --costs FILE, else the
 * one `hugeswap calibrate` wrote for this user (~/.config/hugeswap/costs.json), else none.
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseCostProfile } from '../shared/cost-profile'
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
  return parseCostProfile(text, file ?? path)
}
