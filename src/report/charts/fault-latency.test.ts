import { describe, expect, it } from 'vitest'
import {
  alignedCounts,
  bucketRange,
  cdfPercent,
  faultLatencyOption,
  faultTypes,
} from './fault-latency'
import { SAMPLE_RESULT } from './test-fixture'
import { formatNs } from './variants'

describe('faultLatencyOption', () => {
  const variants = SAMPLE_RESULT.variants

  it('aligns the log2 histograms of all variants on one bucket range', () => {
    expect(bucketRange(variants)).toEqual({ lo: 9, hi: 15 })
    expect(alignedCounts(variants[0], 9, 15)).toEqual([2, 500, 11, 0, 0, 0, 0])
    expect(alignedCounts(variants[1], 9, 15)).toEqual([1, 0, 0, 0, 0, 0, 1])
  })

  it('turns counts into a CDF in percent', () => {
    expect(cdfPercent([1, 0, 1])).toEqual([50, 50, 100])
    expect(cdfPercent([0, 0])).toEqual([0, 0])
  })

  it('orders fault types by total count', () => {
    expect(faultTypes(variants)).toEqual(['swapin-io', 'anon-thp', 'pmd-swapin-io'])
  })

  it('has histogram bars on a log axis and CDF lines per variant, and no faults-by-type panel', () => {
    const option = faultLatencyOption(SAMPLE_RESULT)
    expect(option.animation).toBe(false)
    const series = option.series as {
      name: string
      type: string
      yAxisIndex: number
      data: number[]
    }[]
    expect(series.map((s) => `${s.type}:${s.name}:${s.yAxisIndex}`)).toEqual([
      'bar:baseline:0',
      'bar:pmd-swap:0',
      'line:baseline:1',
      'line:pmd-swap:1',
    ])
    // Empty buckets are no bar on the log axis (it has no 0).
    expect(series[0].data.every((c) => (typeof c === 'number' ? c > 0 : c === '-'))).toBe(true)
    expect((option.yAxis as { type: string }[])[0].type).toBe('log')
    const xAxis = option.xAxis as { data?: string[] }[]
    expect(xAxis[0].data?.[0]).toBe('512 ns')
    expect(xAxis[0].data?.at(-1)).toBe('32.8 µs')
  })

  it('draws one boxed panel with room for its axis labels', () => {
    const option = faultLatencyOption(SAMPLE_RESULT)
    const grids = option.grid as { outerBoundsMode: string }[]
    expect(grids.map((g) => g.outerBoundsMode)).toEqual(['same'])
    const xAxis = option.xAxis as { axisLabel: { hideOverlap: boolean } }[]
    expect(xAxis.map((a) => a.axisLabel.hideOverlap)).toEqual([true])
  })

  it('copes with a run without faults', () => {
    const empty = structuredClone(SAMPLE_RESULT)
    for (const v of empty.variants) v.faults.histogram = { firstLog2: 0, counts: [] }
    expect(bucketRange(empty.variants)).toBeNull()
    expect(() => faultLatencyOption(empty)).not.toThrow()
  })

  it('formats nanoseconds with three significant digits', () => {
    expect(formatNs(999)).toBe('999 ns')
    expect(formatNs(1024)).toBe('1.02 µs')
    expect(formatNs(2_500_000_000)).toBe('2.5 s')
  })
})
