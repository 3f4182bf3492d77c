/**
 * Electron main's scenario process entry (an Electron utilityProcess: src/main/index.ts); the
 * CLI has its own (src/cli/scenario-process.ts). See process-child.ts.
 */
import { serveScenarioProcess } from './process-child'

serveScenarioProcess()
