import { describe, expect, it } from 'vitest'
import { fallbackAxisLabel, fallbackReasons, fallbacksOption } from './fallbacks'
import { FOUR_VARIANT_RESULT, KERNEL_NAMES_RESULT, SAMPLE_RESULT } from './test-fixture'

describe('fallbacksOption', () => {
  it('orders reasons by total, ties by name', () => {
    expect(fallbackReasons(FOUR_VARIANT_RESULT)).toEqual([
      'F2-no-free-cluster',
      'F6-swapin-alloc-failed',
      'lazy-deposit-pte-alloc-failed',
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
      'F5-set-pmd-swap-\nentry-failed\n' +
        '{label|set_pmd_swap_entry()\nfailed: present PMD\nrestored, split\ninstead}',
    )
    // A name without a label stays as it is.
    expect(xAxis.axisLabel.formatter('F99-not-a-reason', 0)).toBe('F99-not-a-reason')
    const series = option.series as { name: string; data: number[] }[]
    expect(series.map((s) => [s.name, s.data])).toEqual([
      ['baseline', [0, 0, 0]],
      ['lazy-deposit', [0, 0, 1]],
      ['pmd-swap', [1, 2, 0]],
      ['pmd-swap+lazy-deposit', [1, 0, 0]],
    ])
  })

  it('names each reason by its key with its label under it, and both in the tooltip', () => {
    const option = fallbacksOption(KERNEL_NAMES_RESULT)
    const xAxis = option.xAxis as {
      data: string[]
      axisLabel: { rich: Record<string, unknown> }
    }
    // The categories stay the keys: the data and the bars are matched by them.
    expect(xAxis.data).toEqual([
      'F2-no-free-cluster',
      'F6-swapin-alloc-failed',
      'F16-stable-writes-writeback',
      'lazy-deposit-pte-alloc-failed',
    ])
    expect(xAxis.axisLabel.rich.label).toBeDefined()
    expect(fallbackAxisLabel('F2-swap-file')).toBe(
      'F2-swap-file\n{label|swap file on a\nfilesystem (not\nSWP_BLKDEV): order-0\nslots only}',
    )
    const tooltip = option.tooltip as {
      formatter: (params: object[]) => string
    }
    const text = tooltip.formatter([
      { name: 'F2-swap-file', seriesName: 'baseline', value: 1, marker: '' },
      { name: 'F2-swap-file', seriesName: 'pmd-swap', value: 0, marker: '' },
    ])
    expect(text).toBe(
      '<b>swap file on a filesystem (not SWP_BLKDEV): order-0 slots only (F2-swap-file)</b>' +
        '<br/>baseline: 1<br/>pmd-swap: 0',
    )
    expect(tooltip.formatter([{ name: 'a<b', seriesName: 'baseline', value: 1 }])).toBe(
      '<b>a&lt;b</b><br/>baseline: 1',
    )
  })

  it('says so when nothing fell back', () => {
    const option = fallbacksOption(SAMPLE_RESULT)
    expect((option.xAxis as { name: string; data: string[] }).data).toEqual([])
    expect((option.xAxis as { name: string }).name).toBe('no fallbacks in this run')
  })
})
