/**
 * The hostile suite: scenarios written to crash, hang or exhaust the CLI, each run through the
 * real launcher (bin/hugeswap). Every one must end with exit status 2 and a clear message,
 * within a time bound and (where /usr/bin/time can say) a memory bound, leaving nothing behind.
 * One test per finding of the containment review; the fixtures say what each one attacks.
 */
import { execFile, execFileSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const LAUNCHER = join(ROOT, 'bin', 'hugeswap')
const fixture = (name: string): string => join(ROOT, 'tests', 'hostile', 'fixtures', name)
/** GNU time reports the peak RSS of the launcher and its children (%M, in KB). */
const GNU_TIME = '/usr/bin/time'
const HAS_TIME = existsSync(GNU_TIME)

interface Run {
  status: number
  stdout: string
  stderr: string
  seconds: number
  /** Peak RSS of the CLI or its scenario process, whichever was larger (when measurable). */
  maxRssBytes?: number
}

function hugeswap(args: string[], cwd: string, timeoutMs = 120_000): Promise<Run> {
  const t0 = performance.now()
  const timeFile = join(cwd, `.time-${Math.random().toString(36).slice(2)}`)
  const [cmd, argv] = HAS_TIME
    ? [GNU_TIME, ['-o', timeFile, '-f', '%M', process.execPath, LAUNCHER, ...args]]
    : [process.execPath, [LAUNCHER, ...args]]
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      argv,
      { cwd, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : null) : 0
        if (status === null) {
          reject(new Error(`hugeswap ${args.join(' ')} did not end in ${timeoutMs} ms`))
          return
        }
        let maxRssBytes: number | undefined
        if (HAS_TIME) {
          try {
            const text = readFileSync(timeFile, 'utf8')
            maxRssBytes = Number(text.trim().split('\n').at(-1)) * 1024
          } catch {
            maxRssBytes = undefined
          }
          rmSync(timeFile, { force: true })
        }
        // GNU time adds its own line when the command failed.
        const cleaned = stderr.replace(/^Command exited with non-zero status \d+\n/m, '')
        resolve({
          status,
          stdout,
          stderr: cleaned,
          seconds: (performance.now() - t0) / 1000,
          maxRssBytes,
        })
      },
    )
  })
}

let cwd: string
beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'hugeswap-hostile-'))
  // Builds the bundle if needed, so no test below is also timing esbuild.
  expect((await hugeswap(['--version'], cwd)).status).toBe(0)
})
afterAll(() => rmSync(cwd, { recursive: true, force: true }))

/** Exit 2, one clear line naming the file and what happened, in bounded time and memory. */
function expectContained(r: Run, message: RegExp, maxSeconds: number, maxRssGiB = 4.5): void {
  expect(r.status, r.stderr).toBe(2)
  expect(r.stderr).toMatch(message)
  // No stack trace, no V8 banner: a message a user can act on.
  expect(r.stderr).not.toMatch(/^\s+at |Fatal error in|Native stack trace/m)
  expect(r.seconds).toBeLessThan(maxSeconds)
  if (r.maxRssBytes !== undefined) expect(r.maxRssBytes).toBeLessThan(maxRssGiB * 1024 ** 3)
  // Nothing written beside the user's files.
  expect(readdirSync(cwd).filter((f) => !f.startsWith('.time-'))).toEqual([])
}

describe.concurrent('hostile scenarios against the CLI', () => {
  it('1. a per-page query over 1 TiB is refused at its call (it made V8 abort the CLI)', async () => {
    const r = await hugeswap(['run', fixture('mincore-1t.ts')], cwd)
    expectContained(
      r,
      /mincore-1t\.ts:8:7: mincore: 268435456 pages is more than one query answers \(1048576: 4G of address space\)/,
      30,
      1,
    )
  })

  it('1. a source past 1 MiB is refused before it is compiled (a 50 MB file aborted the CLI)', async () => {
    const big = join(cwd, '..', `hugeswap-hostile-big-${process.pid}.ts`)
    writeFileSync(
      big,
      `import { defineScenario } from 'hugeswap'\nexport default defineScenario({ run() {} })\n` +
        `// ${'x'.repeat(50 * 1024 * 1024)}\n`,
    )
    try {
      const r = await hugeswap(['run', big], cwd)
      expectContained(r, /a scenario may be at most 1048576 \(1 MiB\)/, 30, 1)
    } finally {
      rmSync(big, { force: true })
    }
  })

  it('2. processes without end stop at pid_max with EAGAIN at the fork (8.7 GB and 96 s before)', async () => {
    const r = await hugeswap(['run', fixture('fork-forever.ts')], cwd)
    expectContained(r, /fork-forever\.ts:9:16: fork: EAGAIN: 32768 processes are alive/, 60, 2)
  })

  it('2. a scenario past the model byte budget stops at its call with a memory error', async () => {
    const r = await hugeswap(['run', fixture('model-budget.ts'), '--rss-limit', '1G'], cwd)
    expectContained(
      r,
      /model-budget\.ts:\d+:\d+: the simulated machine's state would need more than 768 MiB/,
      60,
      1.5,
    )
  })

  it('3, 4. a native builtin that never polls, at module level, under --runs (hung for ever)', async () => {
    const r = await hugeswap(
      ['run', fixture('native-hang.ts'), '--runs', '2', '--wall-limit', '3'],
      cwd,
    )
    expectContained(r, /wall-clock limit of 3 s/, 30, 1)
  })

  it('3, 4. the same under export-selftest (hung for ever)', async () => {
    const r = await hugeswap(
      ['export-selftest', fixture('native-hang.ts'), '--out', join(cwd, 'x'), '--wall-limit', '3'],
      cwd,
    )
    expectContained(r, /wall-clock limit of 3 s/, 30, 1)
  })

  it('5. a loop of simulator calls stops at the wall-clock limit (ran 108 s under --time-limit 100)', async () => {
    const r = await hugeswap(
      ['run', fixture('sim-loop.ts'), '--time-limit', '100', '--wall-limit', '4'],
      cwd,
    )
    expectContained(r, /sim-loop\.ts: the run took longer than its wall-clock limit of 4 s/, 30, 1)
  })

  it('4. a getter that spins on the thrown error is stopped by the script clock, at its line', async () => {
    const r = await hugeswap(['run', fixture('throw-getter.ts'), '--time-limit', '500'], cwd)
    expectContained(r, /throw-getter\.ts:\d+:\d+: script time limit of 0\.5 s exceeded/, 30, 1)
  })

  it('4. the same through a Proxy trap', async () => {
    const r = await hugeswap(['run', fixture('throw-proxy.ts'), '--time-limit', '500'], cwd)
    expectContained(r, /throw-proxy\.ts:\d+:\d+: script time limit of 0\.5 s exceeded/, 30, 1)
  })

  it('4. a getter running a builtin that never polls is stopped by the wall-clock limit', async () => {
    const r = await hugeswap(['run', fixture('throw-native.ts'), '--wall-limit', '3'], cwd)
    expectContained(
      r,
      /throw-native\.ts: the run took longer than its wall-clock limit of 3 s/,
      30,
      1,
    )
  })

  it('6. 60 k snapshots stop at the snapshot limit (a RangeError crashed the CLI with exit 1)', async () => {
    const r = await hugeswap(['run', fixture('snapshots-60k.ts')], cwd)
    expectContained(
      r,
      /snapshots-60k\.ts:6:\d+: snapshot: at most 10000 snapshots and phases per run/,
      60,
      1.5,
    )
  })

  it('6. a check on a value nested 20 000 deep is refused at the check', async () => {
    const r = await hugeswap(['run', fixture('expect-deep.ts')], cwd)
    expectContained(
      r,
      /expect-deep\.ts:9:\d+: k\.expect: the value nests deeper than 64 levels/,
      30,
      1,
    )
  })
})

describe("checks are the host's", () => {
  it('9. replacing Object.keys cannot make a failing check pass', async () => {
    const r = await hugeswap(['run', fixture('checks-forged.ts')], cwd)
    expect(r.status, r.stderr).toBe(1)
    expect(r.stdout).toMatch(/checks: 0 passed, 1 failed/)
    expect(r.stdout).toMatch(
      /FAIL {2}baseline {2}forged: actual {"swapped":512}, expected {"swapped":0}/,
    )
  })
  it('9. a setter on Array.prototype cannot change what a check compares', async () => {
    const r = await hugeswap(['run', fixture('checks-forged-setter.ts')], cwd)
    expect(r.status, r.stderr).toBe(1)
    expect(r.stdout).toMatch(/checks: 0 passed, 1 failed/)
  })
})

describe('writes that refuse anything but a regular file or a new path', () => {
  const quick = ['run', join(ROOT, 'scenarios/one-thp.ts'), '--variants', 'pmd-swap']
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hugeswap-hostile-write-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('7. --json onto a symbolic link is refused and the link and its target are untouched', async () => {
    const target = join(dir, 'target.txt')
    writeFileSync(target, 'precious')
    const link = join(dir, 'link.json')
    symlinkSync(target, link)
    const r = await hugeswap([...quick, '--json', link], cwd)
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(
      /link\.json: a symbolic link, not a regular file; refusing to replace it/,
    )
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readFileSync(target, 'utf8')).toBe('precious')
  })

  it('7. --json onto a FIFO is refused without blocking', async () => {
    const fifo = join(dir, 'fifo.json')
    execFileSync('mkfifo', [fifo])
    const r = await hugeswap([...quick, '--json', fifo], cwd)
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/fifo\.json: a FIFO, not a regular file/)
    expect(lstatSync(fifo).isFIFO()).toBe(true)
  })

  it('7. --json /dev/null and --out under /proc are refused (kernel file systems)', async () => {
    const before = lstatSync('/dev/null')
    const r = await hugeswap([...quick, '--json', '/dev/null'], cwd)
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/\/dev\/null: refusing to write under \/dev/)
    const after = lstatSync('/dev/null')
    expect(after.isCharacterDevice()).toBe(true)
    expect(after.ino).toBe(before.ino)
    const p = await hugeswap([...quick, '--out', '/proc/self/hugeswap-out'], cwd)
    expect(p.status).toBe(2)
    expect(p.stderr).toMatch(/refusing to write under \/proc/)
  })

  it('7. sweep and export-selftest check where they write before they run', async () => {
    const t0 = performance.now()
    const sweep = await hugeswap(
      ['sweep', join(ROOT, 'scenarios/one-thp.ts'), '--param', 'seed=1,2', '--out', '/proc/self/x'],
      cwd,
    )
    expect(sweep.status).toBe(2)
    expect(sweep.stderr).toMatch(/refusing to write under \/proc/)
    const exported = await hugeswap(
      ['export-selftest', join(ROOT, 'scenarios/one-thp.ts'), '--out', '/dev/null'],
      cwd,
    )
    expect(exported.status).toBe(2)
    expect(exported.stderr).toMatch(/\/dev\/null: refusing to write under \/dev/)
    // Refused at once, not after the runs.
    expect(performance.now() - t0).toBeLessThan(15_000)
  })

  it('7. a replaced file keeps its mode (0600 stayed 0644 before)', async () => {
    const path = join(dir, 'private.json')
    writeFileSync(path, '{}', { mode: 0o600 })
    chmodSync(path, 0o600)
    const r = await hugeswap([...quick, '--json', path], cwd)
    expect(r.status, r.stderr).toBe(0)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(path, 'utf8')).schema).toBe(1)
  })

  it('7. --out replaces its directory as a whole and refuses one holding other files', async () => {
    const out = join(dir, 'out')
    const first = await hugeswap([...quick, '--out', out], cwd)
    expect(first.status, first.stderr).toBe(0)
    writeFileSync(join(out, 'results.json'), 'stale')
    const second = await hugeswap([...quick, '--out', out], cwd)
    expect(second.status, second.stderr).toBe(0)
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).schema).toBe(1)
    // Nothing left beside it: no temporary or old directory.
    expect(readdirSync(dir).filter((n) => n.startsWith('.out.'))).toEqual([])
    writeFileSync(join(out, 'notes.txt'), 'mine')
    const third = await hugeswap([...quick, '--out', out], cwd)
    expect(third.status).toBe(2)
    expect(third.stderr).toMatch(/out: holds files hugeswap did not write \(notes\.txt\)/)
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine')
  })
})

/** Control characters but newline and tab (and carriage return in files, CSV's line end). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/
// eslint-disable-next-line no-control-regex
const CONTROL_IN_FILE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/

describe('text from a scenario on a terminal and in files', () => {
  it('8. an escape sequence in an error message reaches stderr escaped', async () => {
    const r = await hugeswap(['run', fixture('escapes-throw.ts')], cwd)
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('Error: \\x1b]52;c;ZXZpbA==\\x07 gotcha')
    expect(r.stderr).not.toMatch(CONTROL)
  })

  it('8. labels with control characters: stdout, --json - and --out stay free of them', async () => {
    const out = join(cwd, '..', `hugeswap-hostile-escapes-${process.pid}`)
    try {
      const r = await hugeswap(['run', fixture('escapes.ts'), '--out', out], cwd)
      expect(r.status, r.stderr).toBe(0)
      expect(r.stdout + r.stderr).not.toMatch(CONTROL)
      // The control character in a snapshot label broke --out (invalid XML for resvg).
      for (const name of readdirSync(out).filter((n) => !n.endsWith('.png'))) {
        const text = readFileSync(join(out, name), 'utf8')
        expect(text, name).not.toMatch(CONTROL_IN_FILE)
      }
      const csv = readFileSync(join(out, 'results.csv'), 'utf8')
      expect(csv).toContain('\\x1b]0;title\\x07\\x9b2J')
      const json = await hugeswap(['run', fixture('escapes.ts'), '--json', '-'], cwd)
      expect(json.stdout).not.toMatch(CONTROL)
      const result = JSON.parse(json.stdout) as { variants: { snapshots: { label: string }[] }[] }
      // The result keeps the scenario's own label; only its display is escaped.
      expect(result.variants[0].snapshots[0].label).toBe('\x1b]0;title\x07\x9b2J')
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  })
})

describe('smaller findings', () => {
  it('9. compare names what is missing in a result instead of printing a stack trace', async () => {
    const result = JSON.parse(
      (
        await hugeswap(
          ['run', join(ROOT, 'scenarios/one-thp.ts'), '--variants', 'pmd-swap', '--json', '-'],
          cwd,
        )
      ).stdout,
    ) as Record<string, unknown>
    const good = join(cwd, '..', `hugeswap-hostile-a-${process.pid}.json`)
    const bad = join(cwd, '..', `hugeswap-hostile-b-${process.pid}.json`)
    try {
      writeFileSync(good, JSON.stringify(result))
      delete result.tool
      writeFileSync(bad, JSON.stringify(result))
      const r = await hugeswap(['compare', bad, good], cwd)
      expect(r.status).toBe(2)
      expect(r.stderr).toMatch(/not a hugeswap result: tool\.version and tool\.model missing/)
      expect(r.stderr).not.toMatch(/^\s+at /m)
    } finally {
      rmSync(good, { force: true })
      rmSync(bad, { force: true })
    }
  })

  it('9. an answer too large for the script is refused at the call', async () => {
    const r = await hugeswap(['run', fixture('pagemap-4g.ts')], cwd)
    expectContained(
      r,
      /pagemap-4g\.ts:9:7: t\.pagemap: the answer is \d+ MiB as JSON, more than a script takes at once \(32 MiB\)/,
      30,
      1,
    )
  })

  it('9. an error without a message says so', async () => {
    const r = await hugeswap(['run', fixture('error-empty.ts')], cwd)
    expectContained(r, /error-empty\.ts:5:15: Error: \(no message\)/, 30, 1)
  })
})
