import { describe, expect, it } from 'vitest'
import { bucketMarks, bucketOf, faultHistogramOption } from './fault-histogram'
import { FOUR_VARIANT_RESULT } from './test-fixture'

describe('faultHistogramOption', () => {
  it('finds the log2 bucket of a latency', () => {
    expect(bucketOf(1024)).toBe(10)
    expect(bucketOf(2047)).toBe(10)
    expect(bucketOf(1500)).toBe(10)
  })

  it('marks the buckets holding p50, p99 and p99.9; shared buckets share a line', () => {
    const [baseline, , pmdSwap] = FOUR_VARIANT_RESULT.variants
    expect(bucketMarks(baseline.faults.latencyNs, 9, 8)).toEqual([
      { index: 1, text: 'p50 1.5 µs' },
      { index: 4, text: 'p99 9 µs' },
      { index: 6, text: 'p99.9 40 µs' },
    ])
    expect(bucketMarks(pmdSwap.faults.latencyNs, 9, 8)).toEqual([
      { index: 5, text: 'p50 30 µs' },
      { index: 7, text: 'p99 120 µs, p99.9 120 µs' },
    ])
    // outside the drawn buckets: no mark
    expect(bucketMarks(pmdSwap.faults.latencyNs, 9, 6)).toEqual([{ index: 5, text: 'p50 30 µs' }])
  })

  it('draws aligned bars per variant with the marks as dashed lines', () => {
    const option = faultHistogramOption(FOUR_VARIANT_RESULT)
    expect(option.animation).toBe(false)
    expect((option.xAxis as { data: string[] }).data).toEqual([
      '512 ns',
      '1.02 µs',
      '2.05 µs',
      '4.1 µs',
      '8.19 µs',
      '16.4 µs',
      '32.8 µs',
      '65.5 µs',
    ])
    const series = option.series as {
      name: string
      data: number[]
      markLine: { data: { xAxis: number; label: { formatter: string } }[] }
    }[]
    expect(series[0].data).toEqual([4, 300, 600, 100, 16, 3, 1, 0])
    expect(series[2].data).toEqual([0, 0, 0, 0, 0, 0, 2, 2])
    expect(series[2].markLine.data.map((d) => d.xAxis)).toEqual([5, 7])
  })
})
