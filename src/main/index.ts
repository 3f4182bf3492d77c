/**
 * Electron main entry. `?modulePath` makes electron-vite bundle src/scenario/scenario-process.ts
 * as its own file next to this one and gives us its absolute path: each run forks it as an
 * Electron utilityProcess (utility-process.ts), under node-host's limits.
 */
import { utilityProcess } from 'electron'
import entryPath from '../scenario/scenario-process?modulePath'
import {
  createProcessSpare,
  DEFAULT_HEAP_MB,
  runInProcess,
  type ScenarioProcess,
} from '../scenario/node-host'
import { costProfilePath } from '../shared/cost-profile'
import { startApp } from './app'
import { adaptUtilityProcess } from './utility-process'

function startScenarioProcess(): ScenarioProcess {
  return adaptUtilityProcess(
    utilityProcess.fork(entryPath, [], {
      serviceName: 'Hugeswap scenario',
      stdio: ['ignore', 'ignore', 'pipe'],
      execArgv: [`--max-old-space-size=${DEFAULT_HEAP_MB}`],
    }),
  )
}

void startApp({
  mainDir: import.meta.dirname,
  runInProcess: (request, options) =>
    runInProcess(request, { ...options, start: startScenarioProcess }),
  // The window's first run, and every run a second after the one before, finds its process
  // warmed up.
  spare: createProcessSpare({ start: startScenarioProcess }),
  costProfilePath: costProfilePath(process.env),
}).catch((error: unknown) => {
  console.error('hugeswap: failed to start', error)
  process.exit(1)
})
