/**
 * The entry point hosts call: runs a scenario on the real simulator (src/sim). The pipeline itself
 * (pipeline.ts) takes any Simulator, so tests can drive it with a small fake.
 */
import type { RunOutcome } from '../shared/result'
import type { RunRequest } from '../shared/worker-protocol'
import { createSimulator } from '../sim/index'
import { runScenarioWith, type RunHooks } from './pipeline'

export type { RunHooks, SimulatorFactory } from './pipeline'
export { runScenarioWith } from './pipeline'

export function runScenario(req: RunRequest, hooks?: RunHooks): Promise<RunOutcome> {
  return runScenarioWith(createSimulator, req, hooks)
}
