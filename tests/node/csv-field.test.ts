/** csvField: RFC 4180 quoting, no spreadsheet formulas, no control characters. */
import { describe, expect, it } from 'vitest'
import { csvField } from '../../src/report/text/csv'

describe('csvField', () => {
  it('neutralises a text cell a spreadsheet would run as a formula; numbers stay numbers', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`)
    expect(csvField('+1')).toBe("'+1")
    expect(csvField('-cmd')).toBe("'-cmd")
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvField(-5)).toBe('-5')
    expect(csvField('phase =x')).toBe('phase =x')
  })

  it('shows control characters as text and quotes what must be quoted', () => {
    expect(csvField('a\x1b]0;t\x07b')).toBe('a\\x1b]0;t\\x07b')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('a\nb')).toBe('a\\x0ab')
  })
})
