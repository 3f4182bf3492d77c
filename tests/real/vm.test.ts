/**
 * The pressure scenarios (scenarios/conformance/pressure) on Debian's kernel booted in QEMU, as
 * CI runs them: `hugeswap real --kernel debian --tolerance 25%`. Every scenario must run end to end (booted,
 * set up, every step replayed, observed) and may differ only where
 * src/cli/real/conformance-notes.ts says why. The host is not touched. Skipped, with what is
 * missing and how to get it, where QEMU, busybox or a kernel in /boot are not installed.
 */
import { execFile } from 'node:child_process'
import { readFile, readdir } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { OPEN } from '../../src/cli/real/conformance-notes'
import type { RealReport } from '../../src/cli/real/index'
import { missingForVm, resolveGuestKernel } from '../../src/cli/real/vm'

const ROOT = resolve(import.meta.dirname, '../..')
const SUITE = resolve(ROOT, 'scenarios/conformance/pressure')
const JSON_OUT = resolve(ROOT, 'out/test-results/conformance-vm.json')

const onPath = (cmd: string): Promise<boolean> =>
  promisify(execFile)('sh', ['-c', `command -v ${cmd}`]).then(
    () => true,
    () => false,
  )
const missing = await missingForVm(onPath)
const kernel = await resolveGuestKernel('debian').catch((e: Error) => e)
if (kernel instanceof Error) missing.push(kernel.message)

describe.skipIf(missing.length > 0)('the pressure scenarios on a kernel in QEMU', () => {
  if (missing.length > 0) console.log(`conformance (VM): skipped, missing: ${missing.join('; ')}`)

  it(
    'boots, replays every step, and differs only where the notes say why',
    { timeout: 40 * 60_000 },
    async () => {
      const files = (await readdir(SUITE)).filter((f) => f.endsWith('.ts')).sort()
      const swapsBefore = await readFile('/proc/swaps', 'utf8')
      const started = Date.now()
      const run = await promisify(execFile)(
        process.execPath,
        [
          resolve(ROOT, 'bin/hugeswap'),
          'real',
          ...files.map((f) => resolve(SUITE, f)),
          '--kernel',
          'debian',
          // As npm run conformance:vm: judged as under pressure (src/cli/real/compare.ts).
          '--tolerance',
          '25%',
          '--json',
          JSON_OUT,
        ],
        { cwd: ROOT, maxBuffer: 256 << 20, timeout: 35 * 60_000 },
      ).catch((e: { code?: number; stdout?: string; stderr?: string }) => {
        if (e.code === 1) return { stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
        throw new Error(
          `hugeswap real --kernel debian failed (${String(e.code)}): ${e.stderr ?? ''}`,
        )
      })
      expect(await readFile('/proc/swaps', 'utf8')).toBe(swapsBefore)
      const { reports } = JSON.parse(await readFile(JSON_OUT, 'utf8')) as { reports: RealReport[] }
      expect(reports.map((r) => basename(r.scenario.file))).toEqual(files)
      for (const r of reports) {
        expect(r.kernel.where, r.scenario.file).toMatch(/^QEMU/)
        // Only a scenario whose open note says the kernel's task dies may stop early.
        if (OPEN[basename(r.scenario.file)]?.includes('OOM-killed')) continue
        expect(r.stopped, r.scenario.file).toBeUndefined()
        expect(r.replayed, r.scenario.file).toBe(r.total)
      }
      const judged = reports.reduce((n, r) => n + r.comparison.judged, 0)
      const agreeing = reports.reduce((n, r) => n + r.comparison.agreeing, 0)
      const differing = reports.filter((r) => r.comparison.agreeing < r.comparison.judged)
      console.log(
        `conformance (VM): ${reports.length} scenarios on ${reports[0]?.kernel.release} in ` +
          `${Math.round((Date.now() - started) / 1000)} s: ${reports.length - differing.length} agree; ` +
          `${agreeing} of ${judged} judged observables agree`,
      )
      const unexplained = differing.map((r) => basename(r.scenario.file)).filter((f) => !OPEN[f])
      expect(unexplained, run.stderr).toEqual([])
    },
  )
})
