/**
 * Runs a scenario file from scenarios/ in-process on the real engine (src/scenario/runner.ts) and
 * lists its failed checks in a readable form, for the scenario feature tests.
 */
import { readFileSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { runScenario } from '../../src/scenario/runner'
import { formatScenarioError, type ResultJson } from '../../src/shared/result'

export const scenariosDir = resolve(import.meta.dirname, '../../scenarios')

export type Params = Record<string, string | number | boolean>

/** Runs `scenarios/<path>` with `params`; a scenario that cannot run throws its error. */
export async function runScenarioFile(path: string, params: Params = {}): Promise<ResultJson> {
  const source = readFileSync(resolve(scenariosDir, path), 'utf8')
  const outcome = await runScenario({ source, fileName: basename(path), params })
  if (!outcome.ok) {
    throw new Error(`${formatScenarioError(outcome.error)} [${outcome.error.kind} error]`)
  }
  return outcome.result
}

/** One line per failed check: `variant: label: actual A, expected matcher E (file:line:col)`. */
export function failedChecks(result: ResultJson): string[] {
  return result.variants.flatMap((v) => [
    ...(v.checks.length === 0 ? [`${v.name}: no checks ran`] : []),
    ...v.checks
      .filter((c) => !c.pass)
      .map(
        (c) =>
          `${v.name}: ${c.label}: actual ${JSON.stringify(c.actual)}, expected ${c.matcher} ` +
          `${JSON.stringify(c.expected)} (${c.location ?? '?'})`,
      ),
  ])
}

/** `/proc/vmstat` text: one `name value` line per counter, in the result's order. */
export function vmstatText(vmstat: Record<string, number>): string {
  return Object.entries(vmstat)
    .map(([name, value]) => `${name} ${value}\n`)
    .join('')
}
