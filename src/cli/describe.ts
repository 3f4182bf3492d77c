/**
 * Reads a scenario's resolved definition (seed, machine, variants) without simulating anything:
 * the scenario pipeline itself evaluates the module and validates the definition (params and
 * --seed applied), then asks for a simulator; the factory given here records what it was asked
 * for and stops the run there. Runs on the calling thread (one QuickJS evaluation, no run(k)).
 */
import { runScenarioWith } from '../scenario/runner'
import type { ScenarioError, VariantName } from '../shared/result'
import type { RunRequest } from '../shared/worker-protocol'
import type { MachineSpec, SimulatorOptions } from '../sim/api'

export type Described =
  | { ok: true; seed: number; machine: MachineSpec; variant: VariantName }
  | { ok: false; error: ScenarioError }

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
