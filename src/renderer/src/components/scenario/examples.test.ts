import { describe, expect, it } from 'vitest'
import { EXAMPLES, searchExamples } from './examples'

describe('examples', () => {
  it('bundles every scenario, selftests included', () => {
    const ids = EXAMPLES.map((e) => e.id)
    expect(ids).toContain('one-thp.ts')
    expect(ids).toContain('selftests/basic.ts')
    expect(ids).toContain('fallbacks/F2-swap-file.ts')
    for (const e of EXAMPLES) expect(e.source).toContain('defineScenario')
  })

  it('finds examples by every word of the query', () => {
    expect(searchExamples('selftests mremap').map((e) => e.id)).toEqual(['selftests/mremap.ts'])
    expect(searchExamples('')).toHaveLength(EXAMPLES.length)
    expect(searchExamples('no-such-example-xyz')).toEqual([])
  })
})
