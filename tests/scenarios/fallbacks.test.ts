/**
 * scenarios/fallbacks: one scenario per fallback of docs/kernel-facts.md#fallbacks that the model
 * makes reachable. Each scenario asserts on what a user can observe (counters, smaps, pagemap);
 * this test additionally proves each fallback is counted under its reason: the result's `fallbacks`
 * of every variant must equal the table below exactly (no other reason may appear).
 *
 * Not here: F10 (zswap entries behind a swap PMD) is not reachable by a scenario, see
 * F10 in the table comment; F13 runs in the lazy-deposit variants only (see its header).
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { VARIANT_FEATURES, VARIANT_NAMES, type VariantFeatures } from '../../src/shared/result'
import { failedChecks, runScenarioFile, scenariosDir } from './run-scenario'

type Counts = Record<string, number>

interface Case {
  /** fallbacks of the variants with pmdSwap. */
  series: Counts
  /** fallbacks of the variants without it; default none. */
  base?: Counts
  /** Variants the scenario runs, when not all: those with every feature given. */
  variants?: Partial<VariantFeatures>
}

// F10 (zswap holds per-page entries behind a swap PMD) cannot be produced: a swap PMD is installed
// only while zswap_never_enabled(), and the same shrink_folio_list() pass writes the folio right
// after try_to_unmap(), so its 512 slots are never zswap-stored; later writes of those slots would
// need a dirty swap-cache folio behind the swap PMD, which no scenario call leaves there.
const CASES: Record<string, Case> = {
  'F1-zswap-enabled': { series: { 'F1-zswap-enabled': 2 } },
  'F2-no-free-cluster': {
    series: { 'F2-no-free-cluster': 1 },
    base: { 'F2-no-free-cluster': 1 },
  },
  'F2-swap-file': { series: { 'F2-swap-file': 1 }, base: { 'F2-swap-file': 1 } },
  'F3-partially-mapped': {
    series: { 'F3-partially-mapped': 1 },
    base: { 'F3-partially-mapped': 1 },
  },
  'F4-pte-mapped': { series: { 'F4-pte-mapped': 1 } },
  'F5-set-pmd-swap-entry-failed': { series: { 'F5-set-pmd-swap-entry-failed': 2 } },
  'F6-swapin-alloc-failed': { series: { 'F6-swapin-alloc-failed': 1 } },
  'F7-swapcache-not-pmd': { series: { 'F7-swapcache-not-pmd': 1 } },
  'F8-swapin-race': { series: { 'F8-swapin-race': 1 } },
  'F9-swap-read-error': { series: { 'F9-swap-read-error': 1 } },
  'F11-partial-range': { series: { 'F11-partial-range': 4 } },
  'F12-pmd-cow-split': { series: { 'F12-pmd-cow-split': 1 }, base: { 'F12-pmd-cow-split': 1 } },
  'F13-fork-enomem': {
    series: { 'F13-fork-enomem': 1, 'lazy-deposit-pte-alloc-failed': 0 },
    base: { 'F13-fork-enomem': 1 },
    variants: { lazyDeposit: true },
  },
  'F14-rmap-split': { series: { 'F7-swapcache-not-pmd': 1 } },
  'F15-swapoff-split': { series: { 'F6-swapin-alloc-failed': 1, 'F15-swapoff-split': 1 } },
  'F16-stable-writes-writeback': {
    series: { 'F12-pmd-cow-split': 1, 'F16-stable-writes-writeback': 1 },
  },
}

/** Drops zero entries so a table can name a reason that must not appear. */
function nonZero(c: Counts): Counts {
  return Object.fromEntries(Object.entries(c).filter(([, n]) => n !== 0))
}

describe('scenarios/fallbacks', () => {
  it('lists every scenario of the directory', () => {
    const files = readdirSync(join(scenariosDir, 'fallbacks')).filter((f) => f.endsWith('.ts'))
    expect(files.map((f) => f.slice(0, -3)).sort()).toEqual(Object.keys(CASES).sort())
  })

  it.each(Object.entries(CASES))('%s', async (name, c) => {
    const result = await runScenarioFile(`fallbacks/${name}.ts`)
    const wanted = Object.entries(c.variants ?? {}) as [keyof VariantFeatures, boolean][]
    expect(result.variants.map((v) => v.name)).toEqual(
      VARIANT_NAMES.filter((n) => wanted.every(([f, on]) => VARIANT_FEATURES[n][f] === on)),
    )
    const failed = failedChecks(result)
    expect(failed, `failed checks:\n${failed.join('\n')}`).toEqual([])
    for (const v of result.variants) {
      const want = nonZero(v.features.pmdSwap ? c.series : (c.base ?? {}))
      expect({ [v.name]: v.fallbacks }).toEqual({ [v.name]: want })
    }
  })
})
