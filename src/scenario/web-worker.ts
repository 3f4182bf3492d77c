/**
 * The scenario engine as a browser module Web Worker: the same protocol as node-worker.ts, over
 * self.onmessage / postMessage. The page creates it with
 *
 *     new Worker(new URL('../../../scenario/web-worker.ts', import.meta.url), { type: 'module' })
 *
 * and cancels a run with worker.terminate().
 *
 * Bundling (checked with `vite build`, vite 8):
 * - the worker must be an ES module worker: `worker: { format: 'es' }` in the Vite config (the
 *   QuickJS variant loads its emscripten glue with a dynamic import, which 'iife' cannot split);
 * - the QuickJS wasm is found by the variant's browser build as
 *   `new URL('emscripten-module.wasm', import.meta.url)`, which Vite turns into an emitted asset;
 *   keep it an asset file (`assetsInlineLimit` must not inline .wasm) so it is fetched and
 *   compiled with streaming instead of being base64 in the bundle;
 * - no Node built-ins are reachable from here (sandbox.ts and runner.ts are DOM/Node free); the
 *   Content-Security-Policy must allow `'wasm-unsafe-eval'` for script-src (wasm compilation)
 *   and the worker itself (`worker-src 'self'`, or blob: if Vite inlines workers).
 */
import type { JobOutcome, WorkerMessage } from '../shared/worker-protocol'
import { createMessageQueue } from './worker-handler'

/** The slice of DedicatedWorkerGlobalScope used here (this file also compiles without DOM libs). */
interface WorkerScope {
  onmessage: ((event: { data: unknown }) => void) | null
  postMessage(message: WorkerMessage<JobOutcome<object>>): void
}

const scope = globalThis as unknown as WorkerScope

const handle = createMessageQueue((message) => scope.postMessage(message))
scope.onmessage = (event) => handle(event.data)
