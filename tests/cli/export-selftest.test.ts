/**
 * `hugeswap export-selftest`: a pmd_swap.c-shaped C file with the key calls, that compiles, and a
 * README with a usemem starting point and a virtme-ng command line for the scenario's machine.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testName } from '../../src/cli/export-selftest'
import { hugeswap } from './fixtures/launcher'

/** The C compiler, or undefined (the compile checks then say why they did not run). */
const CC = ['cc', 'gcc', 'clang'].find((cc) => spawnSync(cc, ['--version']).status === 0)

let tmp: string
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hugeswap-selftest-'))
  expect((await hugeswap('--version')).status).toBe(0)
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function compiles(file: string): void {
  if (!CC) {
    console.warn(`export-selftest: no C compiler (cc, gcc, clang) found; ${file} not compiled`)
    return
  }
  execFileSync(CC, ['-fsyntax-only', '-Wall', '-Wextra', '-Werror', file], { stdio: 'pipe' })
}

describe('export-selftest names', () => {
  it('turns a scenario file name into a C identifier', () => {
    expect(testName('fork_cow.ts')).toBe('fork_cow')
    expect(testName('one-thp.ts')).toBe('one_thp')
    expect(testName('2thp.ts')).toBe('s_2thp')
  })
})

describe.concurrent('hugeswap export-selftest', () => {
  it('writes a kselftest for the default scenario that compiles', async ({ expect }) => {
    const dir = join(tmp, 'one')
    const r = await hugeswap('export-selftest', '--out', dir)
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(readdirSync(dir).sort()).toEqual(['README.txt', 'pmd_swap_one_thp.c'])
    const c = readFileSync(join(dir, 'pmd_swap_one_thp.c'), 'utf8')
    for (const needle of [
      'kselftest_harness.h',
      'FIXTURE(pmd_swap)',
      'FIXTURE_SETUP(pmd_swap)',
      'TEST_F(pmd_swap, basic)',
      'TEST_F(pmd_swap, one_thp)',
      'MADV_HUGEPAGE',
      'MADV_PAGEOUT',
      '"thp_swpout_pmd"',
      '"thp_swpout_fallback"',
      'hs_check_swapped(',
      '"AnonHugePages"',
      '/proc/self/pagemap',
      'TEST_HARNESS_MAIN',
      "/* t0.madvise(r0, 0x200000, 'pageout') */",
    ]) {
      expect(c).toContain(needle)
    }
    // The scenario's checks are listed with their locations.
    expect(c).toMatch(/one-thp\.ts:\d+:\d+: PMD restored: toBe 2048; simulated 2048/)
    expect(c).toMatch(/^[\t\n -~]*$/)
    compiles(join(dir, 'pmd_swap_one_thp.c'))

    const readme = readFileSync(join(dir, 'README.txt'), 'utf8')
    expect(readme).toMatch(/vng --run <kernel-tree> --memory 8G/)
    expect(readme).toMatch(/truncate -s 16G swap0\.img/)
    expect(readme).toMatch(/-device nvme,serial=hsswap0,drive=swap0/)
    expect(readme).toMatch(/mkswap \/dev\/nvme0n1 && swapon/)
    expect(readme).toMatch(/\n +usemem -n 1 2m\n/)
    expect(readme).toContain('STARTING POINT')
  })

  it('sequences forked tasks in scenario order and compiles', async ({ expect }) => {
    const dir = join(tmp, 'fork')
    const r = await hugeswap('export-selftest', 'scenarios/selftests/fork_cow.ts', '--out', dir)
    expect(r.status).toBe(0)
    const c = readFileSync(join(dir, 'pmd_swap_fork_cow.c'), 'utf8')
    expect(c).toContain('pid = fork();')
    expect(c).toContain('hs_step_wait(')
    expect(c).toMatch(/if \(me == 1\) \{/)
    // The parent's write after fork uses a new pattern, so the child checks the original one.
    expect(c).toMatch(/hs_fill\(r0, 0x200000, seed \+ 1, 0x0\)/)
    compiles(join(dir, 'pmd_swap_fork_cow.c'))
  })

  it('translates a zram machine and marks what it cannot translate', async ({ expect }) => {
    const dir = join(tmp, 'zram')
    const r = await hugeswap(
      'export-selftest',
      'tests/cli/fixtures/seeded.ts',
      '--variant',
      'baseline',
      '--out',
      dir,
    )
    expect(r.status).toBe(0)
    const c = readFileSync(join(dir, 'pmd_swap_seeded.c'), 'utf8')
    expect(c).toContain('expectations come from one simulated run of the')
    expect(c).toContain('baseline kernel')
    expect(c).toContain('TODO: random order')
    compiles(join(dir, 'pmd_swap_seeded.c'))
    const readme = readFileSync(join(dir, 'README.txt'), 'utf8')
    expect(readme).toMatch(/echo 256M > \/sys\/block\/zram0\/disksize/)
    expect(readme).toMatch(/mkswap \/dev\/zram0 && swapon -p \d+ \/dev\/zram0/)
  })

  it('exits 2 for a scenario that cannot run', async ({ expect }) => {
    const r = await hugeswap('export-selftest', 'tests/cli/fixtures/runtime-error.ts')
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/runtime-error\.ts:10:\d+: /)
  })
})
