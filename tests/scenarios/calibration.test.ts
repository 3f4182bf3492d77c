/**
 * scenarios/calibration (docs/calibration.md): every calibration scenario runs and its checks
 * pass, and the measured phases have the structure the model guarantees by construction. No
 * timing figure is pinned: the numbers live in docs/calibration.md, measured with the CLI.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ResultJson, Snapshot, VariantResult } from '../../src/shared/result'
import { failedChecks, runScenarioFile, scenariosDir } from './run-scenario'

const SCENARIOS = [
  'swap-w-seq',
  'swap-w-seq-nvme',
  'swap-w-seq-split-first',
  'swapout-swapin',
  'zram-mthp',
  'lazy-deposit',
]

/** Bytes per simulated ns (= GB/s) of `counter` pages between two snapshots. */
function throughput(v: VariantResult, from: string, to: string, counter: string): number {
  const snap = (label: string): Snapshot => {
    const s = v.snapshots.find((x) => x.label === label)
    if (!s) throw new Error(`${v.name}: no snapshot '${label}'`)
    return s
  }
  const a = snap(from)
  const b = snap(to)
  expect(b.timeNs, `${v.name}: ${from} -> ${to} takes time`).toBeGreaterThan(a.timeNs)
  return ((b.vmstat[counter] - a.vmstat[counter]) * 4096) / (b.timeNs - a.timeNs)
}

function variant(result: ResultJson, name: string): VariantResult {
  const v = result.variants.find((x) => x.name === name)
  if (!v) throw new Error(`no variant ${name}`)
  return v
}

const results = new Map<string, Promise<ResultJson>>()
const run = (name: string): Promise<ResultJson> => {
  let r = results.get(name)
  if (!r) results.set(name, (r = runScenarioFile(`calibration/${name}.ts`)))
  return r
}

describe('scenarios/calibration', () => {
  it('lists every scenario of the directory', () => {
    const files = readdirSync(join(scenariosDir, 'calibration')).filter((f) => f.endsWith('.ts'))
    expect(files.map((f) => f.slice(0, -3)).sort()).toEqual([...SCENARIOS].sort())
  })

  it.each(SCENARIOS)('%s: runs, every check passes', async (name) => {
    const result = await run(name)
    expect(result.variants.length).toBeGreaterThan(0)
    const failed = failedChecks(result)
    expect(failed, `failed checks:\n${failed.join('\n')}`).toEqual([])
  })

  it('swap-w-seq: swap-out under pressure moves data in every variant', async () => {
    for (const name of ['swap-w-seq', 'swap-w-seq-nvme', 'swap-w-seq-split-first']) {
      for (const v of (await run(name)).variants) {
        const gbs = throughput(v, 'memory full', 'swapped out under pressure', 'pswpout')
        expect(gbs, `${name} ${v.name}`).toBeGreaterThan(0)
      }
    }
  })

  it('swapout-swapin: a PMD swap-in moves data faster than 512 4 KB swap-ins', async () => {
    const result = await run('swapout-swapin')
    const swapin = (n: string): number =>
      throughput(variant(result, n), 'swapped out', 'swapped in', 'pswpin')
    expect(swapin('pmd-swap')).toBeGreaterThan(swapin('baseline'))
    expect(swapin('pmd-swap+lazy-deposit')).toBeGreaterThan(swapin('lazy-deposit'))
    // Fewer faults by construction: one per THP against one per 4 KB page.
    const faults = (n: string): number => {
      const s = variant(result, n).snapshots
      return s[s.length - 1].faults!.count - s[s.length - 2].faults!.count
    }
    expect(faults('pmd-swap') * 512).toBe(faults('baseline'))
  })

  it('zram-mthp: 64 KB folios swap in faster than 4 KB pages', async () => {
    const v = (await run('zram-mthp')).variants[0]
    for (const comp of ['lz4', 'zstd']) {
      const big = throughput(v, `${comp} 64K swap-out`, `${comp} 64K swap-in`, 'pswpin')
      const small = throughput(v, `${comp} 4K swap-out`, `${comp} 4K swap-in`, 'pswpin')
      expect(big, comp).toBeGreaterThan(small)
    }
  })

  it('lazy-deposit: the saving is exactly one 4 KB table per PMD-mapped THP', async () => {
    const result = await run('lazy-deposit')
    const bytes = (n: string, label: string): number =>
      variant(result, n).snapshots.find((s) => s.label === label)!.pageTableBytes
    // 1 GiB of THP = 512 THPs: 2 MiB saved, ~200 MiB per 100 GiB.
    expect(bytes('baseline', 'PMD-mapped') - bytes('lazy-deposit', 'PMD-mapped')).toBe(512 * 4096)
    expect(bytes('pmd-swap', 'swapped out') - bytes('pmd-swap+lazy-deposit', 'swapped out')).toBe(
      512 * 4096,
    )
  })
})
