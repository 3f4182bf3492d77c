/**
 * runInProcess with real child processes: the esbuild bundle of scenario-process.ts (as Electron
 * main ships it; the CLI's entry adds `record` to the same code) for real runs, and tiny
 * stand-in processes for the failure modes of the host itself.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CANCELLED_MESSAGE,
  createProcessSpare,
  describeExit,
  forkScenarioProcess,
  runInProcess,
  type ScenarioProcessOptions,
} from '../../src/scenario/node-host'
import type { RunProgress } from '../../src/shared/result'

const root = resolve(import.meta.dirname, '../..')
// Inside node_modules so the bundle's bare imports (quickjs, sucrase) resolve as in out/cli.
const dir = join(root, 'node_modules/.cache/hugeswap-node-host-test', String(process.pid))
const entry = join(dir, 'scenario-process.mjs')
const oneThp = readFileSync(join(root, 'scenarios/one-thp.ts'), 'utf8')

function standIn(name: string, code: string): string {
  const file = join(dir, name)
  writeFileSync(file, code)
  return file
}

const start = (file = entry, heapMb?: number): Pick<ScenarioProcessOptions, 'start'> => ({
  start: () => forkScenarioProcess(file, heapMb === undefined ? {} : { heapMb }),
})

/** A stand-in that answers every job with progress every 20 ms and never finishes. */
const CHATTY = `process.on('message', (m) => {
  setInterval(() => process.send({ type: 'progress', id: m.id, progress: { percent: 1 } }), 20)
})
`

beforeAll(async () => {
  mkdirSync(dir, { recursive: true })
  await build({
    entryPoints: [join(root, 'src/scenario/scenario-process.ts')],
    outfile: entry,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  })
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('runInProcess', () => {
  it('runs a scenario in a process of its own and reports progress', async () => {
    const progress: RunProgress[] = []
    const run = runInProcess(
      { source: oneThp, fileName: 'one-thp.ts', variants: ['baseline', 'pmd-swap'] },
      { ...start(), onProgress: (p) => progress.push(p) },
    )
    const o = await run.result
    if (!o.ok) throw new Error(JSON.stringify(o.error))
    expect(o.result.variants.map((v) => v.name)).toEqual(['baseline', 'pmd-swap'])
    expect(o.result.variants.flatMap((v) => v.checks).every((c) => c.pass)).toBe(true)
    expect(progress.at(-1)?.percent).toBe(100)
  })

  it('reports scenario errors as they are', async () => {
    const source = `import { defineScenario } from 'hugeswap'\nexport default defineScenario({ run(k) { for (;;) { Math.abs(1) } } })\n`
    const o = await runInProcess({ source, fileName: 'loop.ts', limits: { timeMs: 200 } }, start())
      .result
    expect(o).toMatchObject({ ok: false, error: { kind: 'timeout', file: 'loop.ts', line: 2 } })
  })

  it('cancel() kills at once and resolves with a cancelled error', async () => {
    const source = `import { defineScenario } from 'hugeswap'\nexport default defineScenario({ run(k) { for (;;) {} } })\n`
    const run = runInProcess({ source, fileName: 'loop.ts' }, start())
    setTimeout(() => run.cancel(), 100)
    const t0 = performance.now()
    const o = await run.result
    expect(performance.now() - t0).toBeLessThan(2000)
    expect(o).toEqual({ ok: false, error: { kind: 'internal', message: CANCELLED_MESSAGE } })
  })

  it('stops a process that goes silent', async () => {
    const file = standIn('silent.mjs', `setInterval(() => {}, 1000)\n`)
    const o = await runInProcess(
      { source: '', fileName: 'x.ts' },
      { ...start(file), silenceMs: 200 },
    ).result
    expect(o).toMatchObject({ ok: false, error: { kind: 'timeout' } })
    if (!o.ok) expect(o.error.message).toMatch(/no sign of life for 0.2 s/)
  })

  it('stops a run past its wall-clock limit, however much it talks', async () => {
    const file = standIn('chatty.mjs', CHATTY)
    const t0 = performance.now()
    const o = await runInProcess({ source: '', fileName: 'x.ts' }, { ...start(file), wallMs: 300 })
      .result
    expect(performance.now() - t0).toBeLessThan(3000)
    expect(o).toMatchObject({ ok: false, error: { kind: 'timeout' } })
    if (!o.ok) expect(o.error.message).toMatch(/wall-clock limit of 0.3 s .*--wall-limit/)
  })

  it.runIf(process.platform === 'linux')(
    'stops a process past its RSS limit (memory outside the V8 heap)',
    async () => {
      const file = standIn(
        'rss-hog.mjs',
        `const keep = []
process.on('message', (m) => {
  setInterval(() => {
    keep.push(new Uint8Array(16 << 20).fill(1))
    process.send({ type: 'progress', id: m.id, progress: { percent: keep.length } })
  }, 10)
})
`,
      )
      const o = await runInProcess(
        { source: '', fileName: 'x.ts' },
        { ...start(file), rssBytes: 200 * 1024 ** 2, rssPollMs: 20 },
      ).result
      expect(o).toMatchObject({ ok: false, error: { kind: 'memory' } })
      if (!o.ok) expect(o.error.message).toMatch(/over its limit of 200 MiB.*--rss-limit/)
    },
  )

  it('turns a process that dies of its V8 heap limit into a memory error', async () => {
    const file = standIn(
      'hog.mjs',
      `const a = []\nfor (;;) a.push(new Array(1e5).fill({ x: a.length }))\n`,
    )
    const o = await runInProcess({ source: '', fileName: 'x.ts' }, start(file, 32)).result
    expect(o).toMatchObject({ ok: false, error: { kind: 'memory' } })
    if (!o.ok) expect(o.error.message).toMatch(/ran out of memory .*heap/i)
  })

  it('turns a process crash into an internal error naming what it said', async () => {
    const file = standIn('crash.mjs', `throw new Error('kaboom')\n`)
    const o = await runInProcess({ source: '', fileName: 'x.ts' }, start(file)).result
    expect(o).toMatchObject({ ok: false, error: { kind: 'internal' } })
    if (!o.ok) expect(o.error.message).toMatch(/died \(exit code 1\): Error: kaboom/)
  })

  it('reports an entry that cannot be found', async () => {
    const o = await runInProcess({ source: '', fileName: 'x.ts' }, start(join(dir, 'missing.mjs')))
      .result
    expect(o).toMatchObject({ ok: false, error: { kind: 'internal' } })
  })
})

describe('describeExit', () => {
  it("names V8's fatal error line, escaped", () => {
    const tail =
      '\n#\n# Fatal error in , line 0\n# Fatal JavaScript invalid size error 169220804\n#\n#FailureMessage Object: 0x7ffd\n----- Native stack trace -----\n'
    expect(describeExit(null, 'SIGTRAP', tail).error.message).toBe(
      'the scenario process died (killed by SIGTRAP): Fatal JavaScript invalid size error 169220804',
    )
    expect(describeExit(1, null, 'Error: a\x1b]52;c;x\x07b').error.message).toBe(
      'the scenario process died (exit code 1): Error: a\\x1b]52;c;x\\x07b',
    )
    expect(describeExit(134, null, '').error).toEqual({
      kind: 'internal',
      message: 'the scenario process died (exit code 134)',
    })
  })
})

describe('createProcessSpare', () => {
  it('hands out a warmed-up process once; a run in it works; refill starts the next', async () => {
    const spare = createProcessSpare({ ...start(), delayMs: 0 })
    try {
      const child = spare.take()
      expect(child).toBeDefined()
      expect(spare.take()).toBeUndefined() // taken: nothing until refill()
      const o = await runInProcess(
        { source: oneThp, fileName: 'one-thp.ts', variants: ['pmd-swap'] },
        { ...start(), process: child },
      ).result
      if (!o.ok) throw new Error(JSON.stringify(o.error))
      expect(o.result.variants.flatMap((v) => v.checks).every((c) => c.pass)).toBe(true)
      spare.refill()
      await new Promise((r) => setTimeout(r, 100)) // the refill's timer (0 ms) has fired
      const next = spare.take()
      expect(next).toBeDefined()
      expect(next).not.toBe(child)
      next?.kill()
    } finally {
      spare.dispose()
    }
  })

  it('drops a spare that exits before it is taken', async () => {
    const file = standIn('exits.mjs', `process.exit(3)\n`)
    // Waits for the stand-in's exit itself (a fixed sleep lost the race on a loaded machine);
    // a take() after it gets nothing, not a dead process that no message would ever answer.
    let exited!: () => void
    const gone = new Promise<void>((r) => (exited = r))
    const spare = createProcessSpare({
      start: () => {
        const child = start(file).start()
        child.onExit(() => exited())
        return child
      },
    })
    try {
      await gone
      await new Promise((r) => setImmediate(r)) // every exit listener, the spare's too, has run
      expect(spare.take()).toBeUndefined()
    } finally {
      spare.dispose()
    }
  })
})
