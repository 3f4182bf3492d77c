/**
 * Reads a scenario's resolved definition (seed, machine, variants) without simulating anything:
 * the scenario pipeline itself evaluates the module and validates the definition (params and
 * --seed applied), then asks for a simulator; the factory given here records what it was asked
 * for and stops the run there. One QuickJS evaluation, no run(k): a `describe` job of a scenario
 * process (worker-handler.ts), so a module that never ends is stopped like a run.
 */
import { runScenarioWith } from './runner'
import type { VariantName } from '../shared/result'
import type { JobOutcome, RunRequest } from '../shared/worker-protocol'
import type { MachineSpec, SimulatorOptions } from '../sim/api'

export interface Definition {
  seed: number
  machine: MachineSpec
  variant: VariantName
}

/** The definition, or why the module could not be evaluated (a `describe` job's outcome). */
export type Described = JobOutcome<Definition>

class Stop extends Error {}

export async function describeScenario(request: RunRequest): Promise<Described> {
  let seen: SimulatorOptions | undefined
  const outcome = await runScenarioWith(
    (opts) => {
      seen = opts
      throw new Stop('definition read')
    },
    // Time spent here is one evaluation of the module: the default limits are plenty.
    { ...request },
  )
  if (seen) return { ok: true, seed: seen.seed, machine: seen.machine, variant: seen.variant }
  if (!outcome.ok) return { ok: false, error: outcome.error }
  return { ok: false, error: { kind: 'internal', message: 'the scenario ran no variant' } }
}
