/**
 * runInNodeWorker with a real worker thread: the esbuild bundle of node-worker.ts (as the CLI
 * ships it) for real runs, and tiny stand-in workers for the failure modes of the host itself.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CANCELLED_MESSAGE, createWorkerSpare, runInNodeWorker } from '../../src/scenario/node-host'
import type { RunProgress } from '../../src/shared/result'

const root = resolve(import.meta.dirname, '../..')
// Inside node_modules so the bundle's bare imports (quickjs, sucrase) resolve as in out/cli.
const dir = join(root, 'node_modules/.cache/hugeswap-node-host-test', String(process.pid))
const workerFile = join(dir, 'node-worker.mjs')
const oneThp = readFileSync(join(root, 'scenarios/one-thp.ts'), 'utf8')

function standIn(name: string, code: string): URL {
  const file = join(dir, name)
  writeFileSync(file, code)
  return pathToFileURL(file)
}

beforeAll(async () => {
  mkdirSync(dir, { recursive: true })
  await build({
    entryPoints: [join(root, 'src/scenario/node-worker.ts')],
    outfile: workerFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  })
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('runInNodeWorker', () => {
  it('runs a scenario in a worker thread and reports progress', async () => {
    const progress: RunProgress[] = []
    const run = runInNodeWorker(
      { source: oneThp, fileName: 'one-thp.ts', variants: ['baseline', 'pmd-swap'] },
      { workerUrl: pathToFileURL(workerFile), onProgress: (p) => progress.push(p) },
    )
    const o = await run.result
    if (!o.ok) throw new Error(JSON.stringify(o.error))
    expect(o.result.variants.map((v) => v.name)).toEqual(['baseline', 'pmd-swap'])
    expect(o.result.variants.flatMap((v) => v.checks).every((c) => c.pass)).toBe(true)
    expect(progress.at(-1)?.percent).toBe(100)
  })

  it('accepts a path as well as a URL, and reports scenario errors as they are', async () => {
    const source = `import { defineScenario } from 'hugeswap'\nexport default defineScenario({ run(k) { for (;;) { Math.abs(1) } } })\n`
    const o = await runInNodeWorker(
      { source, fileName: 'loop.ts', limits: { timeMs: 200 } },
      { workerUrl: workerFile },
    ).result
    expect(o).toMatchObject({ ok: false, error: { kind: 'timeout', file: 'loop.ts', line: 2 } })
  })

  it('cancel() terminates at once and resolves with a cancelled error', async () => {
    const source = `import { defineScenario } from 'hugeswap'\nexport default defineScenario({ run(k) { for (;;) {} } })\n`
    const run = runInNodeWorker({ source, fileName: 'loop.ts' }, { workerUrl: workerFile })
    setTimeout(() => run.cancel(), 100)
    const t0 = performance.now()
    const o = await run.result
    expect(performance.now() - t0).toBeLessThan(2000)
    expect(o).toEqual({ ok: false, error: { kind: 'internal', message: CANCELLED_MESSAGE } })
  })

  it('stops a worker that goes silent', async () => {
    const url = standIn('silent.mjs', `setInterval(() => {}, 1000)\n`)
    const o = await runInNodeWorker(
      { source: '', fileName: 'x.ts' },
      { workerUrl: url, silenceMs: 200 },
    ).result
    expect(o).toMatchObject({ ok: false, error: { kind: 'timeout' } })
    if (!o.ok) expect(o.error.message).toMatch(/no sign of life for 0.2 s/)
  })

  it('turns a worker out of memory into a memory error', async () => {
    const url = standIn(
      'hog.mjs',
      `const a = []\nfor (;;) a.push(new Array(1e5).fill({ x: a.length }))\n`,
    )
    const o = await runInNodeWorker(
      { source: '', fileName: 'x.ts' },
      {
        workerUrl: url,
        resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 },
      },
    ).result
    expect(o).toMatchObject({ ok: false, error: { kind: 'memory' } })
  })

  it('turns a worker crash into an internal error', async () => {
    const url = standIn('crash.mjs', `throw new Error('kaboom')\n`)
    const o = await runInNodeWorker({ source: '', fileName: 'x.ts' }, { workerUrl: url }).result
    expect(o).toMatchObject({ ok: false, error: { kind: 'internal' } })
    if (!o.ok) expect(o.error.message).toMatch(/crashed: kaboom/)
  })

  it('reports a worker that cannot be found', async () => {
    const o = await runInNodeWorker(
      { source: '', fileName: 'x.ts' },
      { workerUrl: join(dir, 'missing.mjs') },
    ).result
    expect(o).toMatchObject({ ok: false, error: { kind: 'internal' } })
  })
})

describe('createWorkerSpare', () => {
  it('hands out a warmed-up worker once; a run in it works; refill starts the next', async () => {
    const spare = createWorkerSpare({ workerUrl: pathToFileURL(workerFile), delayMs: 0 })
    try {
      const worker = spare.take()
      expect(worker).toBeDefined()
      expect(spare.take()).toBeUndefined() // taken: nothing until refill()
      const o = await runInNodeWorker(
        { source: oneThp, fileName: 'one-thp.ts', variants: ['pmd-swap'] },
        { workerUrl: pathToFileURL(workerFile), worker },
      ).result
      if (!o.ok) throw new Error(JSON.stringify(o.error))
      expect(o.result.variants.flatMap((v) => v.checks).every((c) => c.pass)).toBe(true)
      spare.refill()
      await new Promise((r) => setTimeout(r, 100)) // the refill's timer (0 ms) has fired
      const next = spare.take()
      expect(next).toBeDefined()
      expect(next).not.toBe(worker)
    } finally {
      spare.dispose()
    }
  })

  it('drops a spare that exits before it is taken', async () => {
    const url = standIn('exits.mjs', `process.exit(3)\n`)
    const spare = createWorkerSpare({ workerUrl: url })
    try {
      // Long enough for the stand-in to start and exit; a take() after that gets nothing, not
      // a dead worker that no message would ever answer.
      await new Promise((r) => setTimeout(r, 500))
      expect(spare.take()).toBeUndefined()
    } finally {
      spare.dispose()
    }
  })
})
