import { describe, expect, it } from 'vitest'
import type { LatencySummaryNs } from '../../shared/result'
import { cdfLabels, cdfPoints, faultCdfOption } from './fault-cdf'
import { FOUR_VARIANT_RESULT, SAMPLE_RESULT } from './test-fixture'

const ZERO: LatencySummaryNs = { mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 }

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
      markPoint: { data: { coord: [number, number]; label: { formatter?: string } }[] }
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
    // the variant's square next to the point, the text pointing into the plot
    expect(series[0].markPoint.data.map((d) => d.label.formatter)).toEqual([
      '{v0|■} p50 1.5 µs',
      'p99 9 µs {v0|■}',
      'p99.9 40 µs {v0|■}',
    ])
    // p99 and p99.9 at one latency share a label; p99.9 gets none
    expect(series[2].markPoint.data.map((d) => d.label.formatter)).toEqual([
      'p50 30 µs {v2|■}',
      'p99, p99.9 120 µs {v2|■}',
      undefined,
    ])
    expect(series[2].markPoint.data.map((d) => d.coord)).toEqual([
      [30_000, 50],
      [120_000, 99],
      [120_000, 99.9],
    ])
    // every power of two is a tick; labels that would collide give way
    expect(option.xAxis).toMatchObject({
      axisLabel: {
        hideOverlap: true,
        customValues: [512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072],
      },
    })
  })

  it('labels a shared percentile once, naming every variant, in rows that do not collide', () => {
    const p50 = (ns: number): LatencySummaryNs => ({ ...ZERO, p50: ns })
    const along = (ns: number): number => Math.log2(ns / 512) / 8
    const labels = cdfLabels([p50(1500), p50(1500), p50(1600), p50(100_000)], along)
    // variant 1 shares variant 0's label; variant 2's would run into it: the next row
    expect(labels.get('0:p50')).toEqual({
      text: 'p50 1.5 µs',
      variants: [0, 1],
      left: false,
      row: 0,
    })
    expect(labels.has('1:p50')).toBe(false)
    expect(labels.get('2:p50')).toMatchObject({ text: 'p50 1.6 µs', left: false, row: 1 })
    // far right: pointing left, and clear of the others on the first row
    expect(labels.get('3:p50')).toMatchObject({ text: 'p50 100 µs', left: true, row: 0 })
    // p99 and p99.9 stack in their own group at the top, apart from p50
    const top = cdfLabels([{ ...ZERO, p50: 1500, p99: 9000, p999: 9500 }], along)
    expect([...top.values()].map((l) => [l.text, l.row])).toEqual([
      ['p50 1.5 µs', 0],
      ['p99 9 µs', 0],
      ['p99.9 9.5 µs', 1],
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
