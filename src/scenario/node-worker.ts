/**
 * The scenario engine as a node:worker_threads entry (Electron main and the CLI spawn it through
 * node-host.ts). No Electron import: the same file runs under plain Node for the CLI and tests.
 * One run per message, one message at a time; the host terminates the worker to cancel.
 */
import { parentPort } from 'node:worker_threads'
import type { WorkerMessage } from '../shared/worker-protocol'
import { createMessageQueue } from './worker-handler'

const port = parentPort
if (!port) throw new Error('node-worker must be started as a worker thread (see node-host.ts)')

port.on(
  'message',
  createMessageQueue((message: WorkerMessage) => port.postMessage(message)),
)
