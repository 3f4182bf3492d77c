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
import { BANNER_TITLE, bannerLines } from '../../src/report/text/banner'
import type { ResultJson } from '../../src/shared/result'
import { RESULT_FIXTURE, RESULT_FIXTURE_RUN2 } from '../cli/result-fixture'

const RUNS = [RESULT_FIXTURE, RESULT_FIXTURE_RUN2]
const ASCII = /^[\x20-\x7e\n]*$/

const FOOTER_1 = formatFooter(RESULT_FIXTURE)
const FOOTER_2 = formatFooter(RUNS)

/** The fixture without its warning and failed check: a run that did what it meant to. */
function cleanFixture(): ResultJson {
  const r = structuredClone(RESULT_FIXTURE)
  for (const v of r.variants) {
    v.warnings = []
    for (const c of v.checks) c.pass = true
  }
  return r
}

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
      expect(text.trimEnd().endsWith(file.includes('runs') ? FOOTER_2 : FOOTER_1)).toBe(true)
      // The fixture has a failed check and a warning: the banner comes first.
      expect(text.split('\n')[0]).toBe(BANNER_TITLE)
      expect(format()).toBe(text)
    })
  }

  it('puts the footer on every single-run text format, and the banner of a broken run on top', () => {
    for (const format of [
      formatSummary,
      formatLkp,
      formatMmtests,
      formatHistograms,
      formatShortSummary,
    ]) {
      const text = format(RESULT_FIXTURE)
      expect(text.trimEnd().endsWith(FOOTER_1)).toBe(true)
      expect(text.split('\n').slice(0, 3)).toEqual([
        BANNER_TITLE,
        '- baseline: t.read on an exited task ignored',
        '- 1 of 6 checks failed: baseline 1',
      ])
      expect(format(cleanFixture())).not.toContain('BROKEN RUN')
    }
  })

  it('gives a footer to rerun it: command, model, seed, source digest, machine; no "-- " line', () => {
    expect(FOOTER_1.split('\n')).toEqual([
      'Reproduce: hugeswap run one-thp.ts --seed 7 (hugeswap 0.1.0, model',
      '  test-model-1)',
      'Scenario: "One THP: swap out, fault back \\u2014 caf\\u00e9", source',
      '  sha256:5f0c9b0e8c3a4d2e',
      'Machine (simulated): 8 GiB RAM; swap: nvme 16 GiB (prio -2); zswap off; THP',
      '  enabled=always defrag=madvise use_zero_page=1; mTHP: 2048kB=inherit;',
      '  vm.page_cluster=3 swappiness=60 min_free_kbytes=67584; kernel base',
      '  mm-2026; costs desktop-nvme',
    ])
    expect(FOOTER_2).toContain('--seed 7 --runs 2')
  })

  it('escapes quotes and backslashes in the footer title', () => {
    const result = structuredClone(RESULT_FIXTURE)
    result.scenario.title = 'say "hi" \\ bye'
    expect(formatFooter(result)).toContain('Scenario: "say \\"hi\\" \\\\ bye"')
  })

  it('writes the OOM killer, warnings and failed checks into the banner, wrapped', () => {
    const r = cleanFixture()
    const pmd = r.variants.find((v) => v.name === 'pmd-swap')!
    pmd.vmstat.oom_kill = 1
    pmd.warnings = [
      'Out of memory: Killed process 1 (parent) total-vm:2097152kB, anon-rss:1048576kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4104kB oom_score_adj:0',
    ]
    const lines = bannerLines(r)
    expect(lines[0]).toBe(BANNER_TITLE)
    expect(lines.join(' ').replace(/\s+/g, ' ')).toContain(
      '- pmd-swap: Out of memory: Killed process 1 (parent) total-vm:2097152kB, anon-rss:1048576kB,',
    )
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(76)
    // oom_kill without the kernel's line still says so.
    pmd.warnings = []
    expect(bannerLines(r).join('\n')).toContain('pmd-swap: oom_kill 1: a task was OOM-killed')
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
    expect(text).toContain('2 faults vs 514 (-99.6%), 0.22ms in faults vs 0.39ms (-44.9%)')
    expect(text).not.toMatch(/p99/)
    expect(text).toContain('Swap-in major faults: 1 vs 1.')
    expect(text).toContain('PMD mapping restored')
    expect(text).toContain('PMD mapping not restored')
    expect(text).toContain('Fallbacks: none (baseline: 1 F12-pmd-cow-split).')
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
    const p99 = metric('hugeswap.faults.swapin-io.p99_us').stats[0]!
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
    const reason = metric('hugeswap.fallbacks.F6-swapin-alloc-failed')
    expect(reason.values[aggregate.variants.indexOf('pmd-swap')]).toBe(0.5)
  })

  it('shows LKP stddev only when notable (>= 1%), with ASCII +-', () => {
    const text = formatLkp(RUNS)
    expect(text).toMatch(/ 63\.5 \+- {2}6% .* hugeswap\.faults\.swapin-io\.p99_us\n/)
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
    const none = cleanFixture()
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
    expect(rows).toContain(
      'pmd-swap,final,250000,hugeswap.faults.pmd-swapin-io.latency.p99_us,95.25',
    )
    expect(rows.some((r) => r.includes('hugeswap.faults.latency.'))).toBe(false)
    expect(rows).toContain(
      'baseline,"phase swapped out, ""cold"" -> end",900000,hugeswap.phase.faults.swapin-io.latency.p99_us,61.003',
    )
    expect(rows).toContain('pmd-swap,final,250000,hugeswap.walkers.smaps.entries,3')
    expect(rows).toContain('pmd-swap,final,250000,hugeswap.mthp.2048kB.swpin,1')
    expect(rows).toContain('baseline,final,900000,hugeswap.fallbacks.F12-pmd-cow-split,1')
    expect(rows).toContain('baseline,final,900000,meminfo.PageTables,12')
    expect(
      rows.filter((r) => r.startsWith('baseline,"swapped out, ""cold""",147560,')),
    ).toHaveLength(14)
  })
})

describe('mail report', () => {
  it('fits a plain-text reply: every line <= 76 columns, no "-- " signature line', () => {
    for (const input of [RESULT_FIXTURE, RUNS] as const) {
      const lines = formatMailReport(input).split('\n')
      for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(76)
      expect(lines.filter((l) => l.startsWith('-- '))).toEqual([])
    }
  })

  it('gives time in faults per phase and per-type p50/p99, never a cross-type percentile', () => {
    const text = formatMailReport(RESULT_FIXTURE)
    expect(text).toContain('Time in faults per phase (simulated); p50/p99 per fault type:')
    expect(text).toMatch(/\n {4}swapin-cache +512 +0\.21 ms +0\.41us +0\.45us\n/)
    expect(text).toMatch(/\n {2}pmd-swap +1 +0\.10 ms +-65\.0%\n/)
    expect(text).not.toContain('hugeswap.faults.latency.')
  })
})
