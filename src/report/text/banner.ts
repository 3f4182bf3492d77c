/**
 * The banner a broken run carries at the top of every report: a task OOM-killed, a warning, or a
 * failed check means the numbers below describe something other than what the scenario meant to
 * measure, and a reader must see that before the first figure. Also used by the exported charts.
 *
 *   *** BROKEN RUN: read this before quoting any figure below ***
 *   - pmd-swap: Out of memory: Killed process 1 (parent) total-vm:...
 *   - 4 of 8 checks failed: baseline 2, lazy-deposit 2
 */
import type { ResultJson } from '../../shared/result'
import { ascii, toRuns, wrap, type RunsInput } from './metrics'
import { vmstatOf } from '../vocabulary'

export const BANNER_TITLE = '*** BROKEN RUN: read this before quoting any figure below ***'

/** Warnings listed per variant before "and N more". */
const WARNINGS_SHOWN = 3

/** What broke, one sentence each (ASCII, unwrapped); empty for a clean run. */
export function brokenRunFindings(input: RunsInput): string[] {
  const runs = toRuns(input)
  const out: string[] = []
  const several = runs.length > 1
  runs.forEach((r: ResultJson, i) => {
    const run = several ? `run ${i} (seed ${r.scenario.seed}), ` : ''
    for (const v of r.variants) {
      const killed = vmstatOf(v.vmstat, 'oom_kill') ?? 0
      const oom = v.warnings.filter((w) => /Killed process/.test(w))
      if (killed > 0 && oom.length === 0) {
        out.push(`${run}${v.name}: oom_kill ${killed}: a task was OOM-killed`)
      }
      const shown = [...oom, ...v.warnings.filter((w) => !oom.includes(w))]
      for (const w of shown.slice(0, WARNINGS_SHOWN)) out.push(`${run}${v.name}: ${w}`)
      if (shown.length > WARNINGS_SHOWN) {
        out.push(`${run}${v.name}: and ${shown.length - WARNINGS_SHOWN} more warnings`)
      }
    }
  })
  const checks = runs.flatMap((r) =>
    r.variants.flatMap((v) => v.checks.map((c) => [v.name, c] as const)),
  )
  const failed = checks.filter(([, c]) => !c.pass)
  if (failed.length > 0) {
    const per = new Map<string, number>()
    for (const [name] of failed) per.set(name, (per.get(name) ?? 0) + 1)
    const where = [...per].map(([name, n]) => `${name} ${n}`).join(', ')
    out.push(`${failed.length} of ${checks.length} checks failed: ${where}`)
  }
  return out.map(ascii)
}

/** The banner as lines of at most `width` columns, or [] for a clean run. */
export function bannerLines(input: RunsInput, width = 76): string[] {
  const findings = brokenRunFindings(input)
  if (findings.length === 0) return []
  return [BANNER_TITLE, ...findings.map((f) => wrap(f, '- ', '  ', width))].flatMap((l) =>
    l.split('\n'),
  )
}

/** `body` with the banner and a blank line in front of it when the run is broken. */
export function withBanner(input: RunsInput, body: string): string {
  const lines = bannerLines(input)
  return lines.length === 0 ? body : `${lines.join('\n')}\n\n${body}`
}
