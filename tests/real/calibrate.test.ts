/**
 * `hugeswap calibrate` on this machine's kernel, as root: it measures every operation, fits
 * the figures it names, writes the profile, and leaves the machine as it found it. Skipped,
 * with what is missing, where it cannot run (not root, no compiler, ...).
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { MEASUREMENTS, type CostProfileFile } from '../../src/cli/calibrate/profile'
import { missingForReal } from '../../src/cli/real/index'

const ROOT = resolve(import.meta.dirname, '../..')
const missing = await missingForReal()
const KNOBS = [
  '/proc/swaps',
  '/sys/kernel/mm/transparent_hugepage/enabled',
  '/sys/module/zswap/parameters/enabled',
  '/proc/sys/vm/page-cluster',
  '/sys/block/zram0/disksize',
]
const state = async (): Promise<string[]> =>
  Promise.all(KNOBS.map((k) => readFile(k, 'utf8').catch(() => '(absent)')))

describe.skipIf(missing.length > 0)('hugeswap calibrate on the host kernel', () => {
  if (missing.length > 0) console.log(`calibrate: skipped, missing: ${missing.join('; ')}`)

  it(
    'measures, fits, writes the profile and restores the machine',
    { timeout: 300_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'hs-calibrate-'))
      try {
        const before = await state()
        // The default place, in a config folder that does not exist yet (a fresh machine's).
        const out = join(dir, 'config', 'hugeswap', 'costs.json')
        const { stdout } = await promisify(execFile)(
          process.execPath,
          [resolve(ROOT, 'bin/hugeswap'), 'calibrate'],
          {
            cwd: ROOT,
            timeout: 240_000,
            env: { ...process.env, XDG_CONFIG_HOME: join(dir, 'config') },
          },
        )
        expect(await state()).toEqual(before)
        const p = JSON.parse(await readFile(out, 'utf8')) as CostProfileFile
        expect(p.kind).toBe('hugeswap-costs')
        expect(p.measurements.map((m) => m.name)).toEqual(MEASUREMENTS.map((m) => m.name))
        for (const m of p.measurements) {
          expect(m.kernel.n, m.name).toBeGreaterThan(0)
          expect(m.kernel.p50, m.name).toBeGreaterThan(0)
          if (m.fits) expect(m.modelMeasured / m.kernel.mean, m.name).toBeCloseTo(1, 1)
        }
        // What the kernel did is what was meant: THPs were THPs, swap-ins went to the device.
        const info = Object.fromEntries(p.measurements.map((m) => [m.name, m.kernel.info]))
        expect(info['fault-thp'].thps).toBe(32)
        expect(info['pageout-thp-zram'].thp_swpout).toBe(16)
        expect(info['swapin-zram-pc0'].pgmajfault).toBe(4096)
        expect(info['swapin-nvme-pc0'].pgmajfault).toBeGreaterThan(4000)
        expect(stdout).toMatch(/wrote .*costs\.json/)
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    },
  )
})
