import { describe, expect, it } from 'vitest'
import { formatFooter } from '../../src/report/text'
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
    // Banner, title line, then the table.
    const table = text.split('\n\n')[2]
    expect(table.split('\n')[0].trim().split(/\s+/)[0]).toBe('baseline')
    for (const line of table.split('\n')) expect(line.length).toBeLessThanOrEqual(TABLE_MAX_COLUMNS)
  })

  it('puts baseline in the first column and ends with the footer', () => {
    const lines = text.split('\n')
    const head = lines.findIndex((l) => l.startsWith('One THP'))
    expect(lines[head + 2].trim().split(/\s+/)).toEqual([
      'baseline',
      'pmd-swap',
      'pmd-swap+lazy-deposit',
      'lazy-deposit',
    ])
    expect(text.trimEnd().endsWith(formatFooter(RESULT_FIXTURE))).toBe(true)
  })

  it('is the same bytes for the same result', () => {
    expect(formatSummary(structuredClone(RESULT_FIXTURE))).toBe(text)
  })
})
