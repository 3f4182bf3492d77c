/**
 * The reports' names against the simulator's vocabulary (src/report/vocabulary.ts): every list of
 * counters a chart, a text format or the workbench shows is typed, so a misspelt name fails to
 * compile (the `@ts-expect-error` lines below are checked by `tsc -p tsconfig.node.json`: should a
 * typo ever compile, the unused directive is the error); the gauge and meminfo lists are what a
 * run produces; every fallback reason and khugepaged scan result the simulator can report has a
 * label, and the reports show it next to the exact name.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSimulator } from '../../src/sim'
import { runScenarioWith } from '../../src/scenario/runner'
import type { ResultJson } from '../../src/shared/result'
import { fallbackAxisLabel, fallbacksOption } from '../../src/report/charts/fallbacks'
import { KERNEL_NAMES_RESULT } from '../../src/report/charts/test-fixture'
import { formatShortSummary, formatSummary } from '../../src/report/text'
import { MEMINFO_METRICS } from '../../src/report/text/metrics'
import {
  FALLBACK_LABELS,
  KEY_VMSTAT_EVENTS,
  MEMINFO_FIELDS,
  SCAN_RESULT_LABELS,
  SERIES_EVENT_NAMES,
  VM_EVENTS,
  VM_GAUGES,
  VMSTAT_NAMES,
  fallbackLabel,
  labelled,
  scanResultLabel,
  type CounterName,
  type FallbackReason,
  type MeminfoField,
  type MetricKey,
  type ScanResult,
  type VmstatName,
} from '../../src/report/vocabulary'

const ROOT = join(import.meta.dirname, '../..')

async function run(file: string): Promise<ResultJson> {
  const outcome = await runScenarioWith(createSimulator, {
    source: readFileSync(join(ROOT, file), 'utf8'),
    fileName: file.split('/').pop()!,
  })
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.error))
  return outcome.result
}

describe('display lists are typed', () => {
  it('a misspelt name does not compile', () => {
    // @ts-expect-error: thp_swpout_pmdd is no /proc/vmstat name
    const vmstat = ['thp_swpout', 'thp_swpout_pmdd'] as const satisfies readonly VmstatName[]
    // @ts-expect-error: pswpins is no /proc/vmstat name
    const counter: VmstatName = 'pswpins'
    // @ts-expect-error: meminfo spells it AnonHugePages
    const meminfo = ['AnonHugepages'] as const satisfies readonly MeminfoField[]
    // @ts-expect-error: the workbench's counter table takes vmstat and meminfo names only
    const table = ['thp_split_pmd', 'PageTable'] as const satisfies readonly CounterName[]
    // @ts-expect-error: a kernel counter under its file's prefix must be one
    const key: MetricKey = 'proc-vmstat.thp_swapout'
    // @ts-expect-error: F14 is a scenario, not a reason the simulator reports
    const reason: FallbackReason = 'F14-rmap-split'
    // @ts-expect-error: scan results are the kernel's enum names
    const scan: ScanResult = 'SCAN_SUCCESS'
    // The right spellings compile.
    const fine = [
      'thp_swpout_pmd',
      'nr_swapcached',
      'AnonHugePages',
    ] as const satisfies readonly CounterName[]
    const fineKey: MetricKey = 'meminfo.PageTables'
    expect([vmstat, counter, meminfo, table, key, reason, scan, fine, fineKey]).toHaveLength(9)
  })

  it('the lists the reports show hold kernel names only', () => {
    const vmstat = new Set<string>(VMSTAT_NAMES)
    const meminfo = new Set<string>(MEMINFO_FIELDS)
    for (const name of KEY_VMSTAT_EVENTS) expect(vmstat).toContain(name)
    for (const name of MEMINFO_METRICS) expect(meminfo).toContain(name)
  })

  it('every report shows every counter a series adds, once', () => {
    // The chart and the text formats take KEY_VMSTAT_EVENTS as it is; the workbench's counter
    // table puts it first (ResultsChangeTable.test.ts).
    for (const name of SERIES_EVENT_NAMES) {
      expect(
        KEY_VMSTAT_EVENTS.filter((n) => n === name),
        name,
      ).toHaveLength(1)
    }
  })
})

describe('the vocabulary is what a run produces', () => {
  it('every vmstat and meminfo name of every variant, no other', async () => {
    const result = await run('scenarios/one-thp.ts')
    const all = result.variants.find((v) => v.name === 'pmd-swap+lazy-deposit')!
    expect(Object.keys(all.vmstat).sort()).toEqual([...VM_GAUGES, ...VM_EVENTS].sort())
    expect(Object.keys(all.meminfo).sort()).toEqual([...MEMINFO_FIELDS].sort())
    const vmstat = new Set<string>(VMSTAT_NAMES)
    for (const v of result.variants) {
      for (const s of [v, ...v.snapshots]) {
        for (const name of Object.keys(s.vmstat)) expect(vmstat, v.name).toContain(name)
        for (const name of Object.keys(s.meminfo)) expect(MEMINFO_FIELDS, v.name).toContain(name)
      }
    }
  })
})

describe('labels', () => {
  /** Every string literal of src/sim (not its tests) that looks like a reason or a scan result. */
  function simLiterals(pattern: RegExp): string[] {
    const dir = join(ROOT, 'src/sim')
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
    )
    const found = files.flatMap((f) =>
      [...readFileSync(join(dir, f), 'utf8').matchAll(pattern)].map((m) => m[1]),
    )
    return [...new Set(found)].sort()
  }

  it('every fallback reason the simulator can report has one', () => {
    const used = simLiterals(/'(F\d+-[a-z-]+|lazy-deposit-pte-alloc-failed)'/g)
    expect(used.length).toBeGreaterThan(10)
    for (const reason of used) expect(fallbackLabel(reason), reason).toMatch(/\S/)
    for (const [reason, label] of Object.entries(FALLBACK_LABELS)) {
      expect(label.trim(), reason).not.toBe('')
      // The key is printed beside the label; a label that repeats it says nothing more.
      expect(label, reason).not.toContain(reason)
    }
  })

  it('every khugepaged scan result the simulator can report has one', () => {
    const used = simLiterals(/'(SCAN_[A-Z_]+)'/g)
    expect(used).toContain('SCAN_SUCCEED')
    for (const result of used) expect(scanResultLabel(result), result).toMatch(/\S/)
    for (const [result, label] of Object.entries(SCAN_RESULT_LABELS)) {
      expect(label.trim(), result).not.toBe('')
    }
  })

  it('a name without a label stays as it is', () => {
    expect(fallbackLabel('split_for_swap')).toBeUndefined()
    expect(fallbackLabel('toString')).toBeUndefined()
    expect(scanResultLabel('SCAN_NOPE')).toBeUndefined()
    expect(labelled('split_for_swap', undefined)).toBe('split_for_swap')
    expect(labelled('F2-swap-file', fallbackLabel('F2-swap-file'))).toBe(
      'swap file on a filesystem (not SWP_BLKDEV): order-0 slots only (F2-swap-file)',
    )
  })
})

describe('the reports show the labels beside the exact names', () => {
  it('summary: the table keeps the keys, a legend below it spells them out', () => {
    const text = formatSummary(KERNEL_NAMES_RESULT)
    const lines = text.split('\n')
    // Table rows: the exact key and the numbers.
    expect(lines.some((l) => /^ {2}F2-no-free-cluster +0 +0 +1 +1$/.test(l))).toBe(true)
    const legend = lines.slice(lines.indexOf('fallback reasons:'))
    expect(legend.slice(0, 7)).toEqual([
      'fallback reasons:',
      '  F16-stable-writes-writeback: PMD swapped in under writeback to a',
      '    stable-writes device: mapped read-only',
      '  F2-no-free-cluster: no wholly free 512-slot swap cluster: folio split',
      '    before swap-out',
      '  F6-swapin-alloc-failed: PMD-order folio allocation failed on swap-in:',
      '    swap PMD split',
    ])
    expect(text).toContain(
      '  lazy-deposit-pte-alloc-failed: PTE table allocation for a PMD split\n' +
        '    failed (lazy deposit)\n',
    )
    // khugepaged's section and its scan results, spelt out the same way.
    expect(lines).toContain('khugepaged')
    expect(lines.some((l) => /^ {2}SCAN_EXCEED_SWAP_PTE +1 +1 +0 +0$/.test(l))).toBe(true)
    expect(text).toContain(
      'khugepaged scan results:\n' +
        '  SCAN_EXCEED_SWAP_PTE: more swap PTEs than max_ptes_swap\n' +
        '  SCAN_PMD_NULL: no PTE table here (empty, or a swap PMD: nothing to\n' +
        '    collapse)\n' +
        '  SCAN_SUCCEED: collapsed into a THP\n',
    )
    for (const line of legend.slice(0, legend.indexOf(''))) expect(line.length).toBeLessThan(76)
  })

  it('short summary (and so the mail): the sentences keep the keys, a list says what they mean', () => {
    const text = formatShortSummary(KERNEL_NAMES_RESULT)
    expect(text.replace(/\n\s*/g, ' ')).toContain(
      'Fallbacks: 1 F16-stable-writes-writeback, 1 F2-no-free-cluster (baseline: none).',
    )
    expect(text).toContain(
      'Fallback reasons:\n' +
        '- F16-stable-writes-writeback: PMD swapped in under writeback to a\n' +
        '  stable-writes device: mapped read-only.\n',
    )
    for (const line of text.split('\n')) expect(line.length).toBeLessThan(76)
  })

  it('summary of a run without labelled names has no legend', () => {
    const plain = structuredClone(KERNEL_NAMES_RESULT)
    for (const v of plain.variants) {
      v.fallbacks = { split_for_swap: 1 }
      delete v.khugepaged
    }
    const text = formatSummary(plain)
    expect(text).not.toContain('fallback reasons:')
    expect(text).not.toContain('khugepaged')
  })

  it('fallbacks chart: the key, and the label under it', () => {
    const option = fallbacksOption(KERNEL_NAMES_RESULT)
    const xAxis = option.xAxis as { axisLabel: { formatter: (r: string) => string } }
    const label = xAxis.axisLabel.formatter('F6-swapin-alloc-failed')
    expect(label).toBe(fallbackAxisLabel('F6-swapin-alloc-failed'))
    expect(label.replace(/\{label\||\}/g, '').replace(/\s+/g, ' ')).toBe(
      'F6-swapin-alloc- failed PMD-order folio allocation failed on swap-in: swap PMD split',
    )
  })

  it('a real fallback run: the summary names the reason and says what it means', async () => {
    const result = await run('scenarios/fallbacks/F2-swap-file.ts')
    expect(result.variants.some((v) => (v.fallbacks['F2-swap-file'] ?? 0) > 0)).toBe(true)
    const text = formatSummary(result)
    expect(text).toMatch(/^ {2}F2-swap-file +\d/m)
    expect(text).toContain(
      'fallback reasons:\n  F2-swap-file: swap file on a filesystem (not SWP_BLKDEV): order-0 slots\n' +
        '    only\n',
    )
    expect(formatShortSummary(result)).toContain('- F2-swap-file: swap file on a filesystem')
  })
})
