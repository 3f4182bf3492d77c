/**
 * Smoke test of the BUILT main bundle (out/main/index.js from `electron-vite build`): runs it in a
 * plain Node child process with `electron` mapped to a stub (fixtures/electron-stub), and checks
 * that it serves the renderer over app://, hardens the window, registers every IPC handler, guards the sender and the payload, and
 * that `scenario:run` reaches the bundled scenario process entry (emitted via `?modulePath`, forked
 * as a utilityProcess, which the stub starts as a Node child process) and back.
 *
 * Builds first when the bundle is missing or older than its sources (~5-10 s).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { INVOKE_CHANNELS } from '../../src/shared/ipc'

const root = join(import.meta.dirname, '../..')
const mainBundle = join(root, 'out/main/index.js')
const preloadBundle = join(root, 'out/preload/index.cjs')
const register = join(import.meta.dirname, 'fixtures/electron-stub/register.mjs')
const scenario = join(root, 'scenarios/one-thp.ts')
const sources = ['src/main', 'src/preload', 'src/scenario', 'src/shared', 'src/sim']

function newestMtimeMs(path: string): number {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(
    stat.mtimeMs,
    ...readdirSync(path).map((entry) => newestMtimeMs(join(path, entry))),
  )
}

function bundleIsStale(): boolean {
  if (!existsSync(mainBundle) || !existsSync(preloadBundle)) return true
  const builtAt = statSync(mainBundle).mtimeMs
  const newest = Math.max(
    newestMtimeMs(join(root, 'electron.vite.config.ts')),
    ...sources.map((dir) => newestMtimeMs(join(root, dir))),
  )
  return newest > builtAt
}

interface SmokeReport {
  crashed?: string
  events: string[]
  channels: string[]
  webPreferences: Record<string, unknown>
  url: string
  csp?: string
  windowOpen?: { action: string }
  foreignRun: { ok: boolean; message?: string }
  badPayload: { ok: boolean; message?: string }
  cancel: { ok: boolean }
  historyAdd: { ok: boolean; value?: string[]; message?: string }
  historyLoad: { ok: boolean; value?: { id: string }[]; message?: string }
  historyFile: boolean
  leaveOnUnload: boolean
  run?: { ok: boolean; value?: { ok: boolean; error?: { kind: string; message: string } } }
  progressEvents?: number
  appPage?: { status: number; type: string; csp: string; html: boolean }
  appEscape?: number
}

let report: SmokeReport

beforeAll(() => {
  if (bundleIsStale()) {
    try {
      execFileSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'pipe' })
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer }
      throw new Error(`electron-vite build failed:\n${stdout ?? ''}\n${stderr ?? ''}`, {
        cause: error,
      })
    }
  }
  const child = spawnSync(process.execPath, ['--import', register, mainBundle], {
    cwd: root,
    env: { ...process.env, ELECTRON_RENDERER_URL: '', HUGESWAP_SMOKE_SCENARIO: scenario },
    encoding: 'utf8',
    timeout: 60_000,
  })
  const line = child.stdout.split('\n').find((l) => l.startsWith('SMOKE '))
  if (!line) {
    throw new Error(
      `built main bundle printed no report (status ${child.status}):\n${child.stdout}\n${child.stderr}`,
    )
  }
  report = JSON.parse(line.slice('SMOKE '.length)) as SmokeReport
}, 120_000)

describe('built main bundle (out/main/index.js) under a stub electron', () => {
  it('starts without crashing', () => {
    expect(report.crashed).toBeUndefined()
    expect(report.events).toContain('app.enableSandbox')
  })

  it('registers a handler for every invoke channel of the map', () => {
    expect(report.channels).toEqual([...INVOKE_CHANNELS].sort())
  })

  it('opens the hardened window on the built renderer with the CJS preload', () => {
    expect(report.webPreferences).toStrictEqual({
      preload: join(root, 'out/preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    })
    expect(report.url).toBe('app://hugeswap/index.html')
    expect(report.events).toContain('protocol.registerSchemesAsPrivileged:app')
    // Served from out/renderer over app://, with the policy on the response itself.
    expect(report.appPage).toEqual({
      status: 200,
      type: 'text/html; charset=utf-8',
      csp: expect.stringMatching(/default-src 'self'.*object-src 'none'/),
      html: true,
    })
    expect(report.appEscape).toBe(404)
    expect(report.csp).toMatch(/default-src 'self'/)
    expect(report.csp).toMatch(/object-src 'none'/)
    expect(report.windowOpen).toEqual({ action: 'deny' })
  })

  it('rejects a foreign sender and a bad payload, accepts cancel from the window', () => {
    expect(report.foreignRun).toEqual({
      ok: false,
      message: expect.stringMatching(/untrusted sender/),
    })
    expect(report.badPayload).toEqual({
      ok: false,
      message: expect.stringMatching(/source must be a string/),
    })
    expect(report.cancel.ok).toBe(true)
  })

  it('keeps the run history in a file in userData', () => {
    expect(report.historyAdd).toEqual({ ok: true, value: ['smoke-1'] })
    expect(report.historyLoad.ok, report.historyLoad.message).toBe(true)
    expect(report.historyLoad.value?.map((e) => e.id)).toEqual(['smoke-1'])
    expect(report.historyFile).toBe(true)
  })

  it('asks before closing a page that vetoes its unload, and leaves when told to', () => {
    expect(report.events).toContain('dialog.showMessageBoxSync:Leave/Stay')
    expect(report.leaveOnUnload).toBe(true)
  })

  it('runs the default scenario in a utilityProcess of the bundled entry and returns its outcome', () => {
    expect(report.run?.ok).toBe(true)
    expect(report.events.some((e) => /^utilityProcess.fork:scenario-process\S*\.js$/.test(e))).toBe(
      true,
    )
    const outcome = report.run!.value!
    // An 'internal' error means the process could not be started or crashed: the wiring is
    // broken. Any other outcome (even a scenario error) proves main -> process -> main works.
    if (!outcome.ok) expect(outcome.error?.kind, outcome.error?.message).not.toBe('internal')
    expect(outcome.ok, JSON.stringify(outcome).slice(0, 500)).toBe(true)
    expect(report.progressEvents).toBeGreaterThan(0)
  })
})
