import { describe, expect, it } from 'vitest'
import { formatSummary, TABLE_MAX_COLUMNS } from '../../src/report/text/summary'
import { RESULT_FIXTURE } from './result-fixture'

describe('text summary', () => {
  const text = formatSummary(RESULT_FIXTURE)

  it('matches the golden report', async () => {
    await expect(text).toMatchFileSnapshot('../golden/summary.txt')
  })

  it('is plain ASCII, so list archives cannot mangle it', () => {
    expect(text).toMatch(/^[\x20-\x7e\n]*$/)
    expect(text).toContain('+-')
  })

  it('keeps the table within the column limit', () => {
    const table = text.split('\n\n')[1]
    for (const line of table.split('\n')) expect(line.length).toBeLessThanOrEqual(TABLE_MAX_COLUMNS)
  })

  it('puts baseline in the first column and ends with the footer', () => {
    expect(text.split('\n')[2].trim().split(/\s+/)).toEqual([
      'baseline',
      'pmd-swap',
      'pmd-swap+lazy-deposit',
      'lazy-deposit',
    ])
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      '-- scenario "One THP: swap out, fault back \\u2014 caf\\u00e9", seed 7, hugeswap 0.1.0, model test-model-1',
    )
  })

  it('is the same bytes for the same result', () => {
    expect(formatSummary(structuredClone(RESULT_FIXTURE))).toBe(text)
  })
})
