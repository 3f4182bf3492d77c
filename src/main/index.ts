/**
 * Electron main entry. `?modulePath` makes electron-vite bundle src/scenario/node-worker.ts as its
 * own file next to this one and gives us its absolute path; runInNodeWorker wants a URL.
 */
import { pathToFileURL } from 'node:url'
import workerPath from '../scenario/node-worker?modulePath'
import { createWorkerSpare, DEFAULT_RESOURCE_LIMITS, runInNodeWorker } from '../scenario/node-host'
import { costProfilePath } from '../shared/cost-profile'
import { startApp } from './app'

const workerUrl = pathToFileURL(workerPath)
void startApp({
  mainDir: import.meta.dirname,
  workerUrl,
  runInWorker: runInNodeWorker,
  // node-host's defaults are sized by the scenario engineer for the simulator's heap.
  resourceLimits: DEFAULT_RESOURCE_LIMITS,
  // The window's first run, and every run a second after the one before, finds its worker
  // warmed up (the spare is unref'd: it never keeps the app from quitting).
  spare: createWorkerSpare({ workerUrl, resourceLimits: DEFAULT_RESOURCE_LIMITS }),
  costProfilePath: costProfilePath(process.env),
}).catch((error: unknown) => {
  console.error('hugeswap: failed to start', error)
  process.exit(1)
})
