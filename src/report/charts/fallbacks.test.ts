import { describe, expect, it } from 'vitest'
import { fallbackReasons, fallbacksOption } from './fallbacks'
import { FOUR_VARIANT_RESULT, SAMPLE_RESULT } from './test-fixture'

describe('fallbacksOption', () => {
  it('orders reasons by total, ties by name', () => {
    expect(fallbackReasons(FOUR_VARIANT_RESULT)).toEqual([
      'swap_cluster_alloc',
      'thp_swpin_order',
      'thp_split_pmd_failed',
    ])
  })

  it('draws one bar series per variant', () => {
    const option = fallbacksOption(FOUR_VARIANT_RESULT)
    expect(option.animation).toBe(false)
    const xAxis = option.xAxis as {
      axisLabel: { hideOverlap: boolean; formatter: (reason: string, index: number) => string }
    }
    expect(xAxis.axisLabel.hideOverlap).toBe(true)
    expect(xAxis.axisLabel.formatter('F5-set-pmd-swap-entry-failed', 3)).toBe(
      'F5-set-pmd-swap-\nentry-failed',
    )
    const series = option.series as { name: string; data: number[] }[]
    expect(series.map((s) => [s.name, s.data])).toEqual([
      ['baseline', [0, 0, 0]],
      ['lazy-deposit', [0, 0, 1]],
      ['pmd-swap', [1, 2, 0]],
      ['pmd-swap+lazy-deposit', [1, 0, 0]],
    ])
  })

  it('says so when nothing fell back', () => {
    const option = fallbacksOption(SAMPLE_RESULT)
    expect((option.xAxis as { name: string; data: string[] }).data).toEqual([])
    expect((option.xAxis as { name: string }).name).toBe('no fallbacks in this run')
  })
})
