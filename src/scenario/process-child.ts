/**
 * The child side of a scenario process: a Node child process (the CLI forks one through
 * node-host.ts forkScenarioProcess) or an Electron utilityProcess (main). No Electron import: the
 * same code runs under plain Node. One job per message, one message at a time; the host kills
 * the process to cancel, and gives every job a fresh one. The entries are scenario-process.ts
 * (Electron main's) and src/cli/scenario-process.ts (the CLI's, which adds `record`).
 */
import { createMessageQueue, type ExtraJobs } from './worker-handler'

/** Electron's utilityProcess gives its child `process.parentPort`; node's fork() gives `send`. */
interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void
  postMessage(message: unknown): void
}

/** Serves the host that started this process; `extra` adds jobs (the CLI's `record`). */
export function serveScenarioProcess(extra: ExtraJobs = {}): void {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort
  if (parentPort) {
    const handle = createMessageQueue((m) => parentPort.postMessage(m), extra)
    parentPort.on('message', (e) => handle(e.data))
    return
  }
  const send = process.send?.bind(process)
  if (!send) {
    throw new Error('scenario-process must be started by a host (see node-host.ts), not directly')
  }
  // Losing the host (it was killed) ends this process too.
  process.on('disconnect', () => process.exit(0))
  const handle = createMessageQueue((m) => void send(m), extra)
  process.on('message', handle)
}
