/**
 * scenarios/deltas (one per row of docs/kernel-facts.md#expected-deltas, the expected vmstat
 * deltas) and scenarios/page-tables (one per row of docs/kernel-facts.md#page-table-memory): every check passes in
 * all four variants, and each variant's final /proc/vmstat matches its golden file
 * (tests/golden/vmstat/<scenario>.<variant>.txt; never rewritten in CI).
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { VARIANT_NAMES } from '../../src/shared/result'
import { failedChecks, runScenarioFile, scenariosDir, vmstatText } from './run-scenario'

const SCENARIOS: Record<string, string[]> = {
  deltas: [
    'reclaim-free-cluster',
    'reclaim-no-cluster',
    'reclaim-swap-file',
    'touch-after-swapcache',
    'touch-in-swapcache',
    'khugepaged-later',
  ],
  'page-tables': [
    'pmd-mapped',
    'swapped-out',
    'swapped-in',
    'split-fallback',
    'khugepaged-collapse',
  ],
}

const ALL = Object.entries(SCENARIOS).flatMap(([dir, names]) =>
  names.map((name) => ({ dir, name })),
)

describe.each(Object.keys(SCENARIOS))('scenarios/%s', (dir) => {
  it('lists every scenario of the directory', () => {
    const files = readdirSync(join(scenariosDir, dir)).filter((f) => f.endsWith('.ts'))
    expect(files.map((f) => f.slice(0, -3)).sort()).toEqual([...SCENARIOS[dir]].sort())
  })
})

describe.each(ALL)('$dir/$name', ({ dir, name }) => {
  it('passes every check; vmstat matches the golden files', async () => {
    const result = await runScenarioFile(`${dir}/${name}.ts`)
    expect(result.variants.map((v) => v.name)).toEqual(VARIANT_NAMES)
    const failed = failedChecks(result)
    expect(failed, `failed checks:\n${failed.join('\n')}`).toEqual([])
    for (const v of result.variants) {
      await expect(vmstatText(v.vmstat)).toMatchFileSnapshot(
        `../golden/vmstat/${name}.${v.name}.txt`,
      )
    }
  })
})

it('golden file names are unique across scenarios/deltas and scenarios/page-tables', () => {
  const names = ALL.map((s) => s.name)
  expect(new Set(names).size).toBe(names.length)
})
