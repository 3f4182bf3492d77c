/**
 * What `hugeswap real --json` writes: the model beside a kernel, step by step. The CLI produces
 * it (src/cli/real); the app opens it (a chart of agreement per step and the differing rows).
 * Pure types and a validating parser: no Node or DOM APIs.
 */
import type { VariantName } from './result'

export interface Row {
  /** `vmstat.thp_swpout`, `t0.VmPTE`, `t1.r0.AnonHugePages`, `t0.faults`, `errno`. */
  observable: string
  /** 'delta' rows compare changes over the step; 'value' rows the values after it. */
  kind: 'delta' | 'value'
  model: number
  kernel: number
  judged: boolean
  agree: boolean
  /** Why a row is not judged. */
  note?: string
}

export interface StepReport {
  index: number
  describe: string
  modelNs: number
  kernelNs: number
  rows: Row[]
  /** What explains the step on either side (not judged). */
  notes: string[]
}

export interface Comparison {
  steps: StepReport[]
  observables: number
  judged: number
  agreeing: number
  /** Judged under pressure (`--tolerance`): the fraction counts may differ by. */
  tolerance?: number
}

/** The `real` report of one scenario (the --json output holds one per FILE). */
export interface RealReport {
  scenario: { file: string; title: string; seed: number }
  /** `where`: 'this host', or the VM and its kernel image. */
  kernel: { release: string; where: string }
  model: { id: string; variant: VariantName; why: string }
  machine: { settings: string[]; notGiven: string[] }
  /** Steps replayed of the scenario's steps; where and why the replay stopped short. */
  replayed: number
  total: number
  stopped?: { step: number; describe: string; reason: string }
  strayVmas: string[]
  comparison: Comparison
}

export interface RealReportFile {
  schema: 1
  kind: 'hugeswap-real'
  reports: RealReport[]
}

/** A `hugeswap real --json` file, or why the text is not one. */
export function parseRealReportFile(
  text: string,
): { ok: true; file: RealReportFile } | { ok: false; message: string } {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    return { ok: false, message: `not JSON: ${(e as Error).message}` }
  }
  const d = data as Partial<RealReportFile> | null
  if (!d || d.kind !== 'hugeswap-real' || !Array.isArray(d.reports)) {
    return {
      ok: false,
      message:
        'not a hugeswap real report (expected the output of `hugeswap real --json`, with "kind": "hugeswap-real")',
    }
  }
  if (d.schema !== 1)
    return { ok: false, message: `unknown schema ${String(d.schema)} (this app reads 1)` }
  for (const [i, r] of d.reports.entries()) {
    const c = (r as Partial<RealReport>)?.comparison
    if (!r?.scenario?.file || !r.kernel?.release || !c || !Array.isArray(c.steps)) {
      return { ok: false, message: `reports[${i}]: missing scenario, kernel or comparison` }
    }
    for (const s of c.steps) {
      if (!Array.isArray(s?.rows))
        return { ok: false, message: `reports[${i}]: a step without rows` }
    }
  }
  return { ok: true, file: d as RealReportFile }
}
