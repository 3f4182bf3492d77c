import { describe, expect, it } from 'vitest'
import { cdfPoints, faultCdfOption } from './fault-cdf'
import { FOUR_VARIANT_RESULT, SAMPLE_RESULT } from './test-fixture'

describe('faultCdfOption', () => {
  it('puts each bucket’s cumulative share at the bucket upper bound', () => {
    const v = SAMPLE_RESULT.variants[1] // counts [1, 0, 0, 0, 0, 0, 1] from 2^9
    expect(cdfPoints(v, 9, 15)).toEqual([
      [512, 0],
      [1024, 50],
      [2048, 50],
      [4096, 50],
      [8192, 50],
      [16384, 50],
      [32768, 50],
      [65536, 100],
    ])
    const none = structuredClone(v)
    none.faults.histogram = { firstLog2: 0, counts: [] }
    expect(cdfPoints(none, 9, 15)).toEqual([])
  })

  it('draws a line per variant on a log2 x axis with p50, p99 and p99.9 pinned', () => {
    const option = faultCdfOption(FOUR_VARIANT_RESULT)
    expect(option.animation).toBe(false)
    const xAxis = option.xAxis as { type: string; logBase: number; min: number; max: number }
    expect(xAxis).toMatchObject({ type: 'log', logBase: 2, min: 512, max: 2 ** 17 })
    const series = option.series as {
      name: string
      data: [number, number][]
      markPoint: { data: { coord: [number, number]; label: { formatter: string } }[] }
    }[]
    expect(series.map((s) => s.name)).toEqual([
      'baseline',
      'lazy-deposit',
      'pmd-swap',
      'pmd-swap+lazy-deposit',
    ])
    expect(series[0].data.at(-1)).toEqual([2 ** 17, 100])
    expect(series[0].markPoint.data.map((d) => d.coord)).toEqual([
      [1500, 50],
      [9000, 99],
      [40000, 99.9],
    ])
    expect(series[0].markPoint.data.map((d) => d.label.formatter)).toEqual([
      'p50 1.5 µs',
      'p99 9 µs',
      'p99.9 40 µs',
    ])
  })

  it('marks only the percentiles a variant has', () => {
    // SAMPLE_RESULT has p50 but zero p99/p99.9 (no faults that slow)
    const series = faultCdfOption(SAMPLE_RESULT).series as {
      markPoint?: { data: { coord: number[] }[] }
    }[]
    expect(series[0].markPoint?.data.map((d) => d.coord)).toEqual([[1024, 50]])
  })
})
