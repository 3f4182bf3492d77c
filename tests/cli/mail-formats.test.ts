import { describe, expect, it } from 'vitest'
import { CSV_HEADER, formatCsv } from '../../src/report/text/csv'
import { absoluteChange, formatLkp, percentChange } from '../../src/report/text/lkp'
import { formatMmtests } from '../../src/report/text/mmtests'
import { RESULT_FIXTURE } from './result-fixture'

describe('mail comparison formats', () => {
  it('prints the LKP table', async () => {
    const text = formatLkp(RESULT_FIXTURE)
    await expect(text).toMatchFileSnapshot('../golden/lkp.txt')
    expect(text).toMatch(/^[\x20-\x7e\n]*$/)
  })

  it('prints the mmtests table', async () => {
    const text = formatMmtests(RESULT_FIXTURE)
    await expect(text).toMatchFileSnapshot('../golden/mmtests.txt')
    expect(text).toMatch(/^[\x20-\x7e\n]*$/)
  })

  it('writes LKP %change the way 0-day does', () => {
    expect(percentChange(6319269, 5252011)).toBe('-16.9%')
    expect(percentChange(309.64, 329.22)).toBe('+6.3%')
    expect(percentChange(5, 5)).toBe('0.0%')
    expect(percentChange(0, 5)).toBe('n/a')
    expect(percentChange(undefined, 5)).toBe('')
  })

  it('writes an absolute change for metrics that already are percentages', () => {
    expect(absoluteChange(0, 100)).toBe('+100.0')
    expect(absoluteChange(50, 49.7)).toBe('-0.3')
    expect(absoluteChange(5, 5)).toBe('0.0')
    expect(formatLkp(RESULT_FIXTURE)).toMatch(
      / +0\.0 +\+100\.0 +100\.0 .* hugeswap\.thp\.anon_huge_pct\n/,
    )
  })

  it('writes every number as one long CSV row', async () => {
    const csv = formatCsv(RESULT_FIXTURE)
    await expect(csv).toMatchFileSnapshot('../golden/results.csv')
    const rows = csv.trimEnd().split('\r\n')
    expect(rows[0]).toBe(CSV_HEADER.join(','))
    expect(rows).toContain('baseline,final,900000,proc-vmstat.pswpout,512')
    expect(rows).toContain('pmd-swap,final,250000,hugeswap.pagetables.peak_kB,4')
    expect(rows).toContain('baseline,"swapped out, ""cold""",147560,hugeswap.pagetables.bytes,8192')
    expect(csv).toMatch(/^[\x20-\x7e\r\n]*$/)
  })
})
