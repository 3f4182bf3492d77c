/**
 * End to end: the real launcher (bin/hugeswap, which builds the bundle when it is stale), the real
 * worker and the real engine. Exit statuses and stream contents are docs/cli.md#exit-status.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHART_IDS } from '../../src/report/export'
import { VARIANT_NAMES, type ResultJson } from '../../src/shared/result'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const LAUNCHER = join(ROOT, 'bin', 'hugeswap')
const fixture = (name: string): string => join('tests', 'cli', 'fixtures', name)

interface Run {
  status: number | null
  stdout: string
  stderr: string
}

/** Launchers running at once: enough to overlap runs, few enough not to starve a small CI box. */
const MAX_RUNNING = Math.max(2, availableParallelism())
let running = 0
const waiting: (() => void)[] = []

/** Runs the launcher; async so that the tests below overlap (each run is mostly CPU-bound). */
async function hugeswap(...args: string[]): Promise<Run> {
  if (running >= MAX_RUNNING) await new Promise<void>((wake) => waiting.push(wake))
  running++
  try {
    return await new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [LAUNCHER, ...args],
        { cwd: ROOT, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 },
        (error, stdout, stderr) => {
          const status = error ? (typeof error.code === 'number' ? error.code : null) : 0
          if (status === null) reject(error)
          else resolve({ status, stdout, stderr })
        },
      )
    })
  } finally {
    running--
    waiting.shift()?.()
  }
}

let tmp: string
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hugeswap-cli-'))
  // Builds the bundle if needed, so the first real test is not also timing esbuild.
  expect((await hugeswap('--version')).status).toBe(0)
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe.concurrent('hugeswap run', () => {
  it('runs the default scenario and prints the text report', async ({ expect }) => {
    const r = await hugeswap('run')
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^One THP: swap out, fault back -- one-thp\.ts, seed 1, hugeswap /)
    expect(r.stdout).toContain('thp_swpout')
    expect(r.stdout).toMatch(/checks: \d+ passed, 0 failed/)
    expect(r.stdout).toMatch(/^[\x20-\x7e\n]*$/)
  })

  it('writes schema-1 JSON and nothing else with --json -, the same bytes every time', async ({
    expect,
  }) => {
    const first = await hugeswap('run', '--json', '-')
    expect(first.status).toBe(0)
    expect(first.stderr).toBe('')
    const result = JSON.parse(first.stdout) as ResultJson
    expect(result.schema).toBe(1)
    expect(result.scenario).toEqual({
      title: 'One THP: swap out, fault back',
      file: 'one-thp.ts',
      seed: 1,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    })
    expect(result.variants.map((v) => v.name)).toEqual(VARIANT_NAMES)
    expect(first.stdout).toBe(JSON.stringify(result, null, 2) + '\n')
    expect((await hugeswap('run', '--json', '-')).stdout).toBe(first.stdout)
    // --audit checks the whole state after every operation and changes no number.
    const audited = await hugeswap('run', '--json', '-', '--audit')
    expect(audited.status).toBe(0)
    expect(audited.stdout).toBe(first.stdout)
  })

  it('passes --seed and --variants through', async ({ expect }) => {
    const r = await hugeswap('run', '--seed', '5', '--variants', 'pmd-swap,baseline', '--json', '-')
    expect(r.status).toBe(0)
    const result = JSON.parse(r.stdout) as ResultJson
    expect(result.scenario.seed).toBe(5)
    expect(result.variants.map((v) => v.name).sort()).toEqual(['baseline', 'pmd-swap'])
  })

  it('writes --json PATH atomically, still prints the report; --format json prints the same', async ({
    expect,
  }) => {
    const path = join(tmp, 'result.json')
    const [r, json] = await Promise.all([
      hugeswap('run', fixture('passing.ts'), '--json', path),
      hugeswap('run', fixture('passing.ts'), '--format', 'json'),
    ])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^CLI fixture: passing -- passing\.ts, seed 1/)
    expect(json.status).toBe(0)
    expect(JSON.parse(json.stdout).scenario.title).toBe('CLI fixture: passing')
    expect(readFileSync(path, 'utf8')).toBe(json.stdout)
  })

  it('prints the LKP and mmtests comparison tables with --format', async ({ expect }) => {
    const [lkp, mmtests] = await Promise.all([
      hugeswap('run', fixture('passing.ts'), '--format', 'lkp'),
      hugeswap('run', fixture('passing.ts'), '--format', 'mmtests'),
    ])
    expect(lkp.status).toBe(0)
    expect(lkp.stdout).toMatch(/^testcase: passing\.ts \(CLI fixture: passing\)\n/)
    expect(lkp.stdout).toMatch(/ +proc-vmstat\.pswpout\n/)
    expect(mmtests.status).toBe(0)
    expect(mmtests.stdout).toMatch(/\nOps pswpout +\d+ +\d+\n/)
  })

  it('writes results, CSV, the mail report and every chart with --out DIR', async ({ expect }) => {
    const dir = join(tmp, 'out')
    const r = await hugeswap('run', fixture('passing.ts'), '--out', dir)
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(readdirSync(dir).sort()).toEqual(
      [
        ...CHART_IDS.flatMap((id) => [`${id}.png`, `${id}.svg`]),
        'report.txt',
        'results.csv',
        'results.json',
      ].sort(),
    )
    const report = readFileSync(join(dir, 'report.txt'), 'utf8')
    expect(report).toMatch(/%stddev +%change +%stddev/)
    expect(report).toMatch(/^@latency_ns\[baseline\]:$/m)
    expect(report).toMatch(/^[\x20-\x7e\n]*$/)
    expect(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).schema).toBe(1)
    expect(readFileSync(join(dir, 'results.csv'), 'utf8')).toMatch(
      /^variant,snapshot,time_ns,metric,value\r?\n/,
    )
    expect(readFileSync(join(dir, 'page-tables.svg'), 'utf8')).toMatch(/^<svg /)
    expect(readFileSync(join(dir, 'fault-latency.png')).subarray(1, 4).toString()).toBe('PNG')
  })

  it('exits 1 when a check fails, and says which', async ({ expect }) => {
    const [text, json] = await Promise.all([
      hugeswap('run', fixture('failing-check.ts')),
      hugeswap('run', fixture('failing-check.ts'), '--json', '-'),
    ])
    expect(text.status).toBe(1)
    expect(text.stdout).toMatch(
      /FAIL +baseline +deliberately wrong: actual 2048, expected 1 +at failing-check\.ts:12:\d+/,
    )
    expect(json.status).toBe(1)
    expect(JSON.parse(json.stdout).variants[0].checks[0].pass).toBe(false)
    expect(json.stderr).toMatch(/^failing-check\.ts:12:\d+: check failed "deliberately wrong"/)
  })

  it('exits 2 on a syntax error, with FILE:LINE:COL', async ({ expect }) => {
    const path = join(tmp, 'syntax-error.ts')
    writeFileSync(
      path,
      "import { defineScenario } from 'hugeswap'\nexport default defineScenario({\n  run(k) { const x = ; },\n})\n",
    )
    const r = await hugeswap('run', path)
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/\w+\.ts:\d+:\d+: /)
    expect(r.stderr).toMatch(/syntax-error\.ts:3:\d+: /)
  })

  it('exits 2 on a runtime error, at the throwing line', async ({ expect }) => {
    const r = await hugeswap('run', fixture('runtime-error.ts'))
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(
      /^tests\/cli\/fixtures\/runtime-error\.ts:10:\d+: .*deliberate runtime error/,
    )
  })

  it('exits 2 on bad options, unknown variants and missing files', async ({ expect }) => {
    const [unknown, variant, seed, missing] = await Promise.all([
      hugeswap('run', '--frobnicate'),
      hugeswap('run', '--variants', 'baseline,thp-swap'),
      hugeswap('run', '--seed', 'abc'),
      hugeswap('run', 'no-such-scenario.ts'),
    ])
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toMatch(/unknown option '--frobnicate'/)

    expect(variant.status).toBe(2)
    expect(variant.stderr).toMatch(/unknown variant 'thp-swap'/)

    expect(seed.status).toBe(2)

    expect(missing.status).toBe(2)
    expect(missing.stderr).toBe('no-such-scenario.ts: cannot read: no such file or directory\n')
    for (const r of [unknown, variant, seed, missing]) expect(r.stdout).toBe('')
  })

  it('answers --help and --version on stdout', async ({ expect }) => {
    const [help, version] = await Promise.all([hugeswap('--help'), hugeswap('--version')])
    expect(help.status).toBe(0)
    expect(help.stdout).toMatch(/^Usage: hugeswap run \[FILE\]/)
    expect(version.stdout).toMatch(/^hugeswap \d+\.\d+\.\d+\nmodel \S+\n$/)
  })
})
