/**
 * Scenario processes in the app: an Electron utilityProcess (a Chromium child process running
 * Node, sandboxed like a renderer's siblings), adapted to node-host's ScenarioProcess. A scenario
 * that makes V8 abort or fills memory takes down that process only, never main and its window.
 * The adapter takes the utilityProcess object itself, so tests drive it with a stand-in.
 */
import type { ScenarioProcess } from '../scenario/node-host'
import type { WorkerRequest } from '../shared/worker-protocol'

/** The part of Electron's UtilityProcess used here. */
export interface UtilityProcessLike {
  readonly pid: number | undefined
  readonly stderr: NodeJS.ReadableStream | null
  postMessage(message: unknown): void
  on(event: 'message', listener: (message: unknown) => void): unknown
  on(event: 'exit', listener: (code: number) => void): unknown
  kill(): boolean
}

export function adaptUtilityProcess(child: UtilityProcessLike): ScenarioProcess {
  let tail = ''
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string | Buffer) => {
    tail = (tail + String(chunk)).slice(-4096)
  })
  let gone = false
  const exitListeners: ((code: number | null, signal: string | null) => void)[] = []
  child.on('exit', (code) => {
    gone = true
    // utilityProcess reports a crash as its exit code; there is no signal to name.
    for (const l of exitListeners) l(code, null)
  })
  return {
    get pid() {
      return child.pid
    },
    post(message: WorkerRequest) {
      child.postMessage(message)
    },
    onMessage(listener) {
      child.on('message', listener)
    },
    onExit(listener) {
      exitListeners.push(listener)
    },
    stderrTail: () => tail,
    kill() {
      if (!gone) child.kill()
    },
    // Main's event loop runs as long as the app does: nothing to hold or let go.
    ref() {},
    unref() {},
  }
}
