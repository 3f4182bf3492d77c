import { describe, expect, it } from 'vitest'
import {
  bucketLabels,
  bucketLabelText,
  bucketMarks,
  bucketOf,
  faultHistogramOption,
} from './fault-histogram'
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

  it('labels each marked bucket once, naming the variants of each latency', () => {
    const latencies = FOUR_VARIANT_RESULT.variants.map((v) => v.faults.latencyNs)
    const labels = bucketLabels(latencies, 9, 8)
    // baseline (1.5 µs) and lazy-deposit (1.4 µs) both mark bucket 1: one label, two lines
    expect(labels.get(1)).toEqual({
      owner: 0,
      lines: [
        { text: 'p50 1.5 µs', variants: [0] },
        { text: 'p50 1.4 µs', variants: [1] },
      ],
    })
    // p99 and p99.9 at one latency are one line; the two pmd-swap variants share a bucket
    expect(labels.get(7)).toEqual({
      owner: 2,
      lines: [
        { text: 'p99, p99.9 120 µs', variants: [2] },
        { text: 'p99, p99.9 118 µs', variants: [3] },
      ],
    })
    // a shared line names every variant, the squares last (the label is right-aligned)
    const same = bucketLabels([latencies[2], latencies[2]], 9, 8).get(7)
    expect(same?.lines).toEqual([{ text: 'p99, p99.9 120 µs', variants: [0, 1] }])
    expect(bucketLabelText(same?.lines ?? [])).toBe('p99, p99.9 120 µs {v0|■}{v1|■}')
  })

  it('shows a bucket’s label on the first variant marking it and hides the others', () => {
    const series = faultHistogramOption(FOUR_VARIANT_RESULT).series as {
      markLine: { data: { xAxis: number; label: { show?: boolean; formatter: string } }[] }
    }[]
    const shown = series.flatMap((s, v) =>
      s.markLine.data.filter((d) => d.label.show !== false).map((d) => `${v}@${d.xAxis}`),
    )
    expect(shown).toEqual(['0@1', '0@4', '0@6', '2@5', '2@7'])
    expect(series[0].markLine.data[0].label.formatter).toBe('p50 1.5 µs {v0|■}\np50 1.4 µs {v1|■}')
  })
})
