/**
 * Untrusted scenarios through the real CLI: escape attempts and runaway scripts end with exit
 * status 2, a FILE:LINE:COL message, and no file written.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const LAUNCHER = join(ROOT, 'bin', 'hugeswap')

let tmp: string
let marker: string
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'hugeswap-sandbox-'))
  marker = join(tmp, 'pwned')
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function run(
  file: string,
  ...args: string[]
): Promise<{ status: number; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [LAUNCHER, 'run', file, ...args],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
      (err, stdout, stderr) => resolve({ status: err ? Number(err.code) : 0, stdout, stderr }),
    )
  })
}

/** A scenario whose run(k) body is `body`; the marker path is in scope as `marker`. */
function scenario(name: string, body: string): string {
  const file = join(tmp, `${name}.ts`)
  writeFileSync(
    file,
    `import { defineScenario } from 'hugeswap'
const marker = ${JSON.stringify(marker)}
export default defineScenario({
  title: '${name}',
  variants: ['baseline'],
  async run(k) {
    ${body}
  },
})
`,
  )
  return file
}

const escapes: Record<string, string> = {
  'global-process': `(globalThis as any).process.mainModule.require('fs').writeFileSync(marker, 'x')`,
  'function-this': `const g = Function('return this')(); g.process.binding('fs'); g.require('fs').writeFileSync(marker, 'x')`,
  'dynamic-import': `const fs: any = await import('fs'); fs.writeFileSync(marker, 'x')`,
  'host-prototype': `const F = (k.snapshot as any).constructor; F('return process')().mainModule.require('fs').writeFileSync(marker, 'x')`,
  'proto-chain': `const G = Object.getPrototypeOf(k).constructor.constructor('return this')(); G.process.exit(0)`,
  require: `(0, eval)('require')('fs').writeFileSync(marker, 'x')`,
  fetch: `await (globalThis as any).fetch('http://127.0.0.1:1/')`,
}

describe.concurrent('sandbox through the CLI', () => {
  for (const [name, body] of Object.entries(escapes)) {
    it(`refuses escape '${name}' with exit 2 and writes nothing`, async ({ expect }) => {
      const r = await run(scenario(name, body))
      expect(r.status).toBe(2)
      expect(r.stderr).toMatch(new RegExp(`${name}\\.ts:\\d+:\\d+: `))
      expect(r.stdout).toBe('')
      expect(existsSync(marker)).toBe(false)
    })
  }

  it('stops for(;;){} with a clear time-limit error', async ({ expect }) => {
    const r = await run(scenario('spin', 'for (;;) {}'), '--time-limit', '300')
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/spin\.ts:\d+:\d+: .*time limit/)
  })

  it('stops an endless promise chain', async ({ expect }) => {
    const r = await run(
      scenario(
        'chain',
        'const f = async (): Promise<void> => { await null; return f() }; await f()',
      ),
      '--time-limit',
      '300',
    )
    expect(r.status).toBe(2)
    // A promise job interrupted between frames has no line: the file is named alone.
    expect(r.stderr).toMatch(/chain\.ts(:\d+:\d+)?: .*time limit/)
  })
})

it('rejects a bad --time-limit', async () => {
  const r = await run(join(ROOT, 'scenarios', 'one-thp.ts'), '--time-limit', 'soon')
  expect(r.status).toBe(2)
  expect(r.stderr).toMatch(/--time-limit/)
})
