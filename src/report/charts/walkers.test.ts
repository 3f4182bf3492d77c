import { describe, expect, it } from 'vitest'
import { walkerNames, walkersOption } from './walkers'
import { FOUR_VARIANT_RESULT, SAMPLE_RESULT } from './test-fixture'

describe('walkersOption', () => {
  it('draws entries visited per walker per variant on a log axis', () => {
    expect(walkerNames(FOUR_VARIANT_RESULT)).toEqual(['madvise_pageout', 'smaps'])
    const option = walkersOption(FOUR_VARIANT_RESULT)
    expect(option.animation).toBe(false)
    expect(option.xAxis).toMatchObject({ axisLabel: { interval: 0, hideOverlap: true } })
    expect(option.grid).toMatchObject({ outerBoundsMode: 'same', outerBoundsContain: 'all' })
    expect((option.yAxis as { type: string }).type).toBe('log')
    const series = option.series as { name: string; data: (number | string)[] }[]
    expect(series.map((s) => [s.name, s.data])).toEqual([
      ['baseline', [1024, 3075]],
      ['lazy-deposit', [1024, 3075]],
      ['pmd-swap', [2, 6]],
      ['pmd-swap+lazy-deposit', [2, 6]],
    ])
  })

  it('leaves a walker that visited nothing without a bar (a log axis has no zero)', () => {
    const r = structuredClone(FOUR_VARIANT_RESULT)
    r.variants[2].walkers.smaps.entriesVisited = 0
    delete (r.variants[3].walkers as Record<string, unknown>).smaps
    const series = walkersOption(r).series as { data: (number | string)[] }[]
    expect(series[2].data).toEqual([2, '-'])
    expect(series[3].data).toEqual([2, '-'])
    expect(() => walkersOption(SAMPLE_RESULT)).not.toThrow()
  })
})
