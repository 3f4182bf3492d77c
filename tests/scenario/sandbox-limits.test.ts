/**
 * The sandbox holds: escape attempts fail inside the guest and touch nothing on the host; runaway
 * loops, promise chains and allocations are stopped with clear, located errors.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { runScenarioWith } from '../../src/scenario/pipeline'
import type { RunOutcome, ScenarioError } from '../../src/shared/result'
import type { RunRequest } from '../../src/shared/worker-protocol'
import { createFakeSimulator } from './fake-sim'

const dir = mkdtempSync(join(tmpdir(), 'hugeswap-escape-'))
const marker = join(dir, 'escaped')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A one-variant scenario whose run(k) body is `body` (line 4 of the file). */
function scenario(body: string, header = ''): string {
  return `import { defineScenario } from 'hugeswap'
${header}
export default defineScenario({ variants: ['baseline'], async run(k) {
${body}
} })
`
}

async function fail(source: string, limits?: RunRequest['limits']): Promise<ScenarioError> {
  const o: RunOutcome = await runScenarioWith(createFakeSimulator, {
    source,
    fileName: 'evil.ts',
    limits,
  })
  if (o.ok) throw new Error('the scenario was expected to fail')
  return o.error
}

const write = `.writeFileSync(${JSON.stringify(marker)}, 'x')`

describe('sandbox escapes', () => {
  const attempts: [string, string][] = [
    ['process.exit', `globalThis.process.exit(1)`],
    ['Function("return this")', `Function('return this')().process.getBuiltinModule('fs')${write}`],
    ['dynamic import of fs', `const fs = await import('fs'); fs${write}`],
    ['dynamic import of node:fs', `const fs = await import('node:fs'); fs${write}`],
    ['relative import', `await import('./other.ts')`],
    ['require', `require('fs')${write}`],
    ['host function constructor', `k.snapshot.constructor('return process')().exit(1)`],
    [
      'prototype constructor chain',
      `Object.getPrototypeOf(k).constructor.constructor('return this')().process.mainModule.require('fs')${write}`,
    ],
    ['task method constructor', `k.spawn().mmap.constructor('return require')()('fs')${write}`],
    ['timers', `setTimeout(() => {}, 0)`],
    ['fetch', `await fetch('http://127.0.0.1:1/')`],
    ['hidden host function', `(globalThis as any).__hugeswap_call('k.spawn', '[]')`],
    ['hidden module global', `(globalThis as any).__hugeswap_module.defineScenario({})`],
  ]
  for (const [name, body] of attempts) {
    it(`blocks ${name}`, async () => {
      const e = await fail(scenario(body))
      expect(e.kind).toBe('runtime')
      expect(e.file).toBe('evil.ts')
      expect(e.line).toBe(4)
      expect(existsSync(marker)).toBe(false)
    })
  }

  it('rejects a static import of anything but hugeswap, at the import line', async () => {
    const e = await fail(scenario(`fs${write}`, `import fs from 'fs'`))
    expect(e).toMatchObject({ kind: 'runtime', file: 'evil.ts', line: 2 })
    expect(e.message).toMatch(/cannot import 'fs': a scenario can only import 'hugeswap'/)
    expect(existsSync(marker)).toBe(false)
  })
})

describe('limits', () => {
  it('stops for(;;){} with a clear timeout', async () => {
    const t0 = performance.now()
    const e = await fail(scenario(`  let i = 0\n  for (;;) { i++ }`), { timeMs: 300 })
    expect(performance.now() - t0).toBeLessThan(3000)
    // QuickJS records a frame's position only at calls: every loop body calls a mark first
    // (transpile.ts markLoops), so a loop of bare arithmetic is reported at the loop itself.
    expect(e).toMatchObject({ kind: 'timeout', file: 'evil.ts', line: 5, column: 3 })
    expect(e.message).toBe('script time limit of 0.3 s exceeded (an endless loop?)')
  })

  it('points at the loop, not at the last kernel call before it (issue 13)', async () => {
    const e = await fail(
      scenario(`  const t = k.spawn('t')\n  t.mmap('2M')\n  let n = 0\n  while (true) n++`),
      { timeMs: 300 },
    )
    expect(e).toMatchObject({ kind: 'timeout', file: 'evil.ts', line: 7, column: 3 })
  })

  it('locates a timeout in a loop that calls something', async () => {
    const e = await fail(scenario(`  let i = 0\n  for (;;) { i = Math.max(i, 1) }`), {
      timeMs: 300,
    })
    // The loop's mark stops it (QuickJS's own interrupt would report a stale position).
    expect(e).toMatchObject({ kind: 'timeout', file: 'evil.ts', line: 5, column: 3 })
  })

  it('stops a loop that swallows exceptions, and a long computation outside any loop', async () => {
    const e = await fail(scenario(`  for (;;) { try { for (;;) {} } catch { } }`), { timeMs: 300 })
    expect(e).toMatchObject({ kind: 'timeout', line: 4 })
    // No loop mark runs inside a native sort: the hard interrupt stops it a moment later.
    const t0 = performance.now()
    const sort = await fail(
      scenario(
        `  const a = Array.from({ length: 3e5 }, (_, i) => -i)\n  for (;;) a.slice().sort((x, y) => x - y)`,
      ),
      { timeMs: 300 },
    )
    expect(sort.kind).toBe('timeout')
    expect(performance.now() - t0).toBeLessThan(5000)
  })

  it('stops a loop that swallows exceptions', async () => {
    const e = await fail(scenario(`for (;;) { try { for (;;) {} } catch { } }`), { timeMs: 300 })
    expect(e.kind).toBe('timeout')
  })

  it('stops an endless promise chain', async () => {
    const e = await fail(
      scenario(`  async function f(): Promise<void> { await null; return f() }\n  await f()`),
      { timeMs: 300 },
    )
    expect(e.kind).toBe('timeout')
    expect(e.message).toMatch(/script time limit of 0\.3 s exceeded/)
  })

  it('stops an endless promise chain nobody awaits', async () => {
    const e = await fail(
      scenario(`  async function f(): Promise<void> { await null; return f() }\n  f()`),
      { timeMs: 300 },
    )
    expect(e.kind).toBe('timeout')
  })

  it('stops an endless loop at module top level', async () => {
    const e = await fail(scenario(``, `while (true) { Math.abs(1) }`), { timeMs: 300 })
    expect(e).toMatchObject({ kind: 'timeout', line: 2 })
  })

  it('reports a run(k) promise that can never settle', async () => {
    const e = await fail(scenario(`  await new Promise(() => {})`))
    expect(e.kind).toBe('runtime')
    expect(e.message).toMatch(/never settles/)
  })

  it('stops a memory bomb at the memory limit', async () => {
    const e = await fail(
      scenario(`  const a: number[][] = []\n  for (let i = 0; ; i++) a.push([i, i + 1])`),
      { memoryBytes: 16 * 1024 * 1024, timeMs: 5000 },
    )
    expect(e).toMatchObject({ kind: 'memory', file: 'evil.ts' })
    expect(e.message).toBe('memory limit of 16 MiB exceeded (script heap)')
  })

  it('stops big allocations that QuickJS does not count (typed arrays)', async () => {
    const t0 = performance.now()
    const e = await fail(
      scenario(`  const a: Uint8Array[] = []\n  for (;;) a.push(new Uint8Array(1 << 20))`),
      { memoryBytes: 16 * 1024 * 1024, timeMs: 5000 },
    )
    expect(e).toMatchObject({ kind: 'memory', file: 'evil.ts' })
    expect(performance.now() - t0).toBeLessThan(3000)
  })

  it('stops one huge allocation', async () => {
    const e = await fail(scenario(`  const b = new Uint8Array(1 << 28)`), {
      memoryBytes: 16 * 1024 * 1024,
    })
    expect(e).toMatchObject({ kind: 'memory', file: 'evil.ts' })
  })

  it('reports unbounded recursion as a located stack overflow', async () => {
    const e = await fail(scenario(`  const f = (n: number): number => f(n + 1) + 1\n  f(0)`))
    expect(e).toMatchObject({ kind: 'runtime', file: 'evil.ts', line: 4 })
    expect(e.message).toMatch(/stack overflow/)
  })

  it('does not count time spent in host calls against the script', async () => {
    // The fake simulator's sleep is instant, so make the host slow instead.
    const slow = (opts: Parameters<typeof createFakeSimulator>[0]) => {
      const sim = createFakeSimulator(opts)
      const sleep = sim.sleep
      sim.sleep = (ms) => {
        const until = performance.now() + ms
        while (performance.now() < until) {
          /* busy: a long simulated operation */
        }
        sleep(ms)
      }
      return sim
    }
    const o = await runScenarioWith(slow, {
      source: scenario(`  for (let i = 0; i < 6; i++) k.sleep(100)`),
      fileName: 'slow.ts',
      limits: { timeMs: 300 },
    })
    expect(o.ok).toBe(true)
  })
})

describe('progress while a script spins', () => {
  afterEach(() => vi.restoreAllMocks())

  it('reports the last host call before the spin, even one the throttle held back', async () => {
    // A clock that moves 1 ms per reading: 'start' and k.spawn fall within the reporter's 50 ms
    // throttle (so the call is held back), the spin's interrupt polls move it past.
    let now = 0
    vi.spyOn(performance, 'now').mockImplementation(() => now++)
    const phases: string[] = []
    const o = await runScenarioWith(
      createFakeSimulator,
      {
        source: scenario(`k.spawn('spinner')
let x = 0
for (let i = 0; i < 2e5; i++) x += i % 7
k.expect(x, 'spun').toBeGreaterThan(0)`),
        fileName: 'spin.ts',
      },
      { onProgress: (p) => phases.push(p.phase) },
    )
    if (!o.ok) throw new Error(o.error.message)
    expect(phases.slice(0, 2)).toEqual(['start', 'k.spawn(spinner)'])
  })
})
