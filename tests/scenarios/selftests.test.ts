/**
 * scenarios/selftests mirror the 17 tests of the latest tools/testing/selftests/mm/pmd_swap.c
 * (docs/kernel-facts.md#test-cases). Each runs in all four variants, with zswap off and on (the
 * selftest relaxes its PMD assertions with zswap; the scenarios assert the split behaviour
 * instead), and every check must pass.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { VARIANT_NAMES } from '../../src/shared/result'
import { failedChecks, runScenarioFile, scenariosDir, type Params } from './run-scenario'

const SELFTESTS = [
  'basic',
  'swapin_sync',
  'fork',
  'fork_cow',
  'write',
  'rwp_swapin',
  'munmap',
  'mprotect',
  'split_mprotect',
  'split_munmap',
  'uffdio_move',
  'mremap',
  'pagemap',
  'mincore',
  'madvise_free',
  'madvise_willneed',
  'swapoff',
]

const ZSWAP: [string, Params][] = [
  ['zswap off', {}],
  ['zswap on', { 'machine.zswap': true }],
]

describe('scenarios/selftests', () => {
  it('has one scenario per test of the latest pmd_swap.c', () => {
    const files = readdirSync(join(scenariosDir, 'selftests')).filter((f) => f.endsWith('.ts'))
    expect(files.map((f) => f.slice(0, -3)).sort()).toEqual([...SELFTESTS].sort())
  })

  describe.each(ZSWAP)('%s', (_, params) => {
    it.each(SELFTESTS)('%s', async (name) => {
      const result = await runScenarioFile(`selftests/${name}.ts`, params)
      expect(result.variants.map((v) => v.name)).toEqual(VARIANT_NAMES)
      const failed = failedChecks(result)
      expect(failed, `failed checks:\n${failed.join('\n')}`).toEqual([])
    })
  })
})
