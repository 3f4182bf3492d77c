/**
 * Golden tests for the text formats added for mail reports and several runs: short summary, LKP
 * and mmtests over two runs, bpftrace histograms, the mail report. The golden files are committed
 * (CI never rewrites them: a change shows up as a failing diff to review).
 */
import { describe, expect, it } from 'vitest'
import {
  aggregateRuns,
  bpftraceHist,
  formatCsv,
  formatFooter,
  formatHistograms,
  formatLkp,
  formatMailReport,
  formatMmtests,
  formatShortSummary,
  formatSummary,
  PROSE_MAX_COLUMNS,
  toRuns,
  wrap,
} from '../../src/report/text'
import { RESULT_FIXTURE, RESULT_FIXTURE_RUN2 } from '../cli/result-fixture'

const RUNS = [RESULT_FIXTURE, RESULT_FIXTURE_RUN2]
const ASCII = /^[\x20-\x7e\n]*$/

const FOOTER_1 =
  '-- scenario "One THP: swap out, fault back \\u2014 caf\\u00e9", seed 7, hugeswap 0.1.0, model test-model-1'
const FOOTER_2 =
  '-- scenario "One THP: swap out, fault back \\u2014 caf\\u00e9", seeds 7,8 (2 runs), hugeswap 0.1.0, model test-model-1'

const GOLDEN: [string, string, () => string][] = [
  ['short summary', 'short-summary.txt', () => formatShortSummary(RESULT_FIXTURE)],
  ['short summary, 2 runs', 'short-summary-runs.txt', () => formatShortSummary(RUNS)],
  ['LKP, 2 runs', 'lkp-runs.txt', () => formatLkp(RUNS)],
  ['mmtests, 2 runs', 'mmtests-runs.txt', () => formatMmtests(RUNS)],
  ['histograms', 'histograms.txt', () => formatHistograms(RESULT_FIXTURE)],
  ['mail report', 'mail-report.txt', () => formatMailReport(RESULT_FIXTURE)],
  ['mail report, 2 runs', 'mail-report-runs.txt', () => formatMailReport(RUNS)],
]

describe('text formats', () => {
  for (const [what, file, format] of GOLDEN) {
    it(`${what} matches tests/golden/${file}, is ASCII and ends with the footer`, async () => {
      const text = format()
      await expect(text).toMatchFileSnapshot(`../golden/${file}`)
      expect(text).toMatch(ASCII)
      expect(text.endsWith('\n')).toBe(true)
      expect(text.trimEnd().split('\n').at(-1)).toBe(file.includes('runs') ? FOOTER_2 : FOOTER_1)
      expect(format()).toBe(text)
    })
  }

  it('puts the footer on every single-run text format', () => {
    for (const format of [formatSummary, formatLkp, formatMmtests, formatHistograms]) {
      expect(format(RESULT_FIXTURE).trimEnd().split('\n').at(-1)).toBe(FOOTER_1)
    }
  })

  it('escapes quotes and backslashes in the footer title', () => {
    const result = structuredClone(RESULT_FIXTURE)
    result.scenario.title = 'say "hi" \\ bye'
    expect(formatFooter(result)).toBe(
      '-- scenario "say \\"hi\\" \\\\ bye", seed 7, hugeswap 0.1.0, model test-model-1',
    )
    expect(
      formatFooter([result, { ...result, scenario: { ...result.scenario, seed: 8 } }]),
    ).toMatch(/, seeds 7,8 \(2 runs\), /)
  })

  it('gives the same bytes for one result and a list of one run', () => {
    expect(formatLkp([RESULT_FIXTURE])).toBe(formatLkp(RESULT_FIXTURE))
    expect(formatMmtests([RESULT_FIXTURE])).toBe(formatMmtests(RESULT_FIXTURE))
    expect(formatMailReport([RESULT_FIXTURE])).toBe(formatMailReport(RESULT_FIXTURE))
  })

  it('refuses no runs and runs of different scenarios', () => {
    expect(() => toRuns([])).toThrow(/no runs/)
    const other = structuredClone(RESULT_FIXTURE)
    other.scenario.file = 'other.ts'
    expect(() => formatLkp([RESULT_FIXTURE, other])).toThrow(/different scenarios/)
  })
})

describe('short summary', () => {
  it('fits 75 columns, single run or several', () => {
    for (const text of [formatShortSummary(RESULT_FIXTURE), formatShortSummary(RUNS)]) {
      const prose = text.trimEnd().split('\n').slice(0, -1)
      for (const line of prose) expect(line.length).toBeLessThanOrEqual(PROSE_MAX_COLUMNS)
    }
  })

  it('fits 75 columns even with a very long title', () => {
    const result = structuredClone(RESULT_FIXTURE)
    result.scenario.title = 'x'.repeat(200) + ' a very long title'
    const prose = formatShortSummary(result).trimEnd().split('\n').slice(0, -1)
    for (const line of prose) expect(line.length).toBeLessThanOrEqual(PROSE_MAX_COLUMNS)
  })

  it('names the headline differences', () => {
    const text = formatShortSummary(RESULT_FIXTURE).replace(/\s+/g, ' ')
    expect(text).toContain('8 GiB RAM and 16 GiB swap')
    expect(text).toContain('PTE-table memory peaks at 4 kB vs 8 kB (-50.0%, saves 4 kB)')
    expect(text).toContain('2 faults vs 514 (-99.6%), p99 latency 95.3us vs 61.0us (+56.1%)')
    expect(text).toContain('Swap-in major faults: 1 vs 1.')
    expect(text).toContain('PMD mapping restored')
    expect(text).toContain('PMD mapping not restored')
    expect(text).toContain('Fallbacks: none (baseline: 1 split_for_swap).')
  })

  it('wraps with a hanging indent and cuts words longer than a line', () => {
    expect(wrap('aaa bbb ccc', '- ', '  ', 9)).toBe('- aaa bbb\n  ccc')
    expect(wrap('abcdefghij', '', '', 4)).toBe('abcd\nefgh\nij')
  })
})

describe('several runs', () => {
  const aggregate = aggregateRuns(RUNS)
  const metric = (key: string) => aggregate.metrics.find((m) => m.key === key)!

  it('gives per variant x metric the mean and the sample stddev', () => {
    expect(aggregate.runs).toBe(2)
    expect(aggregate.seeds).toEqual([7, 8])
    expect(aggregate.variants[0]).toBe('baseline')
    const p99 = metric('hugeswap.faults.latency.p99_us').stats[0]!
    expect(p99.mean).toBeCloseTo(63.5015, 6)
    // Sample stddev (n - 1): |66.000 - 61.003| / sqrt(2).
    expect(p99.stddev).toBeCloseTo(4.997 / Math.SQRT2, 9)
    expect([p99.min, p99.max]).toEqual([61.003, 66])
    expect(metric('proc-vmstat.pswpout').stats[0]).toEqual({
      n: 2,
      mean: 512,
      stddev: 0,
      min: 512,
      max: 512,
    })
  })

  it('keeps counters a kernel lacks undefined and missing fallback reasons at 0', () => {
    expect(metric('proc-vmstat.thp_swpout_pmd').values[0]).toBeUndefined()
    const reason = metric('hugeswap.fallbacks.swapin_pmd_alloc_failed')
    expect(reason.values[aggregate.variants.indexOf('pmd-swap')]).toBe(0.5)
  })

  it('shows LKP stddev only when notable (>= 1%), with ASCII +-', () => {
    const text = formatLkp(RUNS)
    expect(text).toMatch(/ 63\.5 \+- {2}6% .* hugeswap\.faults\.latency\.p99_us\n/)
    expect(text).toMatch(/\n +512 {14}0\.0% .* proc-vmstat\.pswpout\n/)
    expect(formatLkp(RESULT_FIXTURE)).not.toContain('+-')
  })

  it('gives mmtests Min, Amean, Stddev and Max groups', () => {
    const stats = formatMmtests(RUNS)
      .split('\n')
      .map((l) => l.split(/\s+/)[0])
    for (const s of ['Min', 'Amean', 'Stddev', 'Max']) expect(stats).toContain(s)
    expect(formatMmtests(RESULT_FIXTURE)).not.toMatch(/^Stddev/m)
  })
})

describe('bpftrace histograms', () => {
  it('lays a map out exactly as bpftrace does', () => {
    expect(bpftraceHist('@latency_ns[pmd-swap]', { firstLog2: 9, counts: [0, 3, 1, 0, 2] })).toBe(
      [
        '@latency_ns[pmd-swap]:',
        '[1K, 2K)               3 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|',
        '[2K, 4K)               1 |@@@@@@@@@@@@@@@@@                                   |',
        '[4K, 8K)               0 |                                                    |',
        '[8K, 16K)              2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@                  |',
        '',
      ].join('\n'),
    )
  })

  it('uses K, M and G suffixes and skips variants without faults', () => {
    expect(bpftraceHist('@x', { firstLog2: 19, counts: [1, 1] })).toContain('[512K, 1M)')
    expect(bpftraceHist('@x', { firstLog2: 30, counts: [1] })).toContain('[1G, 2G)')
    expect(bpftraceHist('@x', { firstLog2: 0, counts: [0, 0] })).toBe('')
    const none = structuredClone(RESULT_FIXTURE)
    for (const v of none.variants) v.faults.histogram = { firstLog2: 0, counts: [] }
    expect(formatHistograms(none)).toMatch(/^@latency_ns: no faults\n/)
  })

  it('adds the runs up', () => {
    expect(formatHistograms(RUNS)).toMatch(/@latency_ns\[baseline\]:\n\[256, 512\) +780 \|/)
  })
})

describe('CSV', () => {
  it('has a snapshot and a final row per variant x metric', () => {
    const rows = formatCsv(RESULT_FIXTURE).trimEnd().split('\r\n')
    expect(rows[0]).toBe('variant,snapshot,time_ns,metric,value')
    expect(rows).toContain('pmd-swap,final,250000,hugeswap.faults.latency.p99_us,95.2505')
    expect(rows).toContain('pmd-swap,final,250000,hugeswap.walkers.smaps.entries,3')
    expect(rows).toContain('pmd-swap,final,250000,hugeswap.mthp.2048kB.swpin,1')
    expect(rows).toContain('baseline,final,900000,hugeswap.fallbacks.split_for_swap,1')
    expect(rows).toContain('baseline,final,900000,meminfo.PageTables,12')
    expect(
      rows.filter((r) => r.startsWith('baseline,"swapped out, ""cold""",147560,')),
    ).toHaveLength(14)
  })
})
