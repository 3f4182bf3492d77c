/**
 * The CLI's scenario process entry (forked by node-host.ts forkScenarioProcess, bundled to
 * out/cli/scenario-process.js): every job of Electron's entry, plus `record` for
 * `hugeswap export-selftest` and `trace` for `hugeswap real`. See src/scenario/process-child.ts.
 */
import { serveScenarioProcess } from '../scenario/process-child'
import { recordScenario } from './export-selftest/record'
import { traceModel } from './real/trace'

serveScenarioProcess({
  record: (request) => recordScenario(request),
  trace: (request, options) => traceModel(request, options ?? {}),
})
