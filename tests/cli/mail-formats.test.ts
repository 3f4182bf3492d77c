import { describe, expect, it } from 'vitest'
import { formatLkp, percentChange } from '../../src/report/text/lkp'
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
})
