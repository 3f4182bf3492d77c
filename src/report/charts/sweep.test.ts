import { describe, expect, it } from 'vitest'
import type { ResultJson } from '../../shared/result'
import { metricUnit, resolveMetric, sweepAxis, sweepOption } from './sweep'
import { FOUR_VARIANT_RESULT, SAMPLE_RESULT } from './test-fixture'

const [baseline] = FOUR_VARIANT_RESULT.variants

function withPswpout(r: ResultJson, n: number): ResultJson {
  const out = structuredClone(r)
  for (const v of out.variants) v.vmstat.pswpout = n
  return out
}

describe('resolveMetric', () => {
  it('resolves LKP-style and path metric names', () => {
    expect(resolveMetric(baseline, 'proc-vmstat.pswpout')).toBe(1024)
    expect(resolveMetric(baseline, 'vmstat.pswpout')).toBe(1024)
    expect(resolveMetric(baseline, 'meminfo.PageTables')).toBe(16)
    expect(resolveMetric(baseline, 'faults.latencyNs.p99')).toBe(9000)
    expect(resolveMetric(baseline, 'faults.totalNs')).toBe(2_000_000)
    expect(resolveMetric(baseline, 'faults.count')).toBe(1026)
    expect(resolveMetric(baseline, 'pageTables.peakBytes')).toBe(8192)
    expect(resolveMetric(baseline, 'walkers.smaps.entriesVisited')).toBe(3075)
  })

  it('is undefined for what is not a number there', () => {
    expect(resolveMetric(baseline, 'proc-vmstat.nonexistent')).toBeUndefined()
    expect(resolveMetric(baseline, 'faults.latencyNs')).toBeUndefined()
    expect(resolveMetric(baseline, 'faults')).toBeUndefined()
    expect(resolveMetric(baseline, 'name.length')).toBeUndefined()
    expect(resolveMetric(baseline, 'faults.byType.constructor')).toBeUndefined()
  })
})

describe('sweepOption', () => {
  const points = [
    { params: { size: '4' }, result: withPswpout(FOUR_VARIANT_RESULT, 40) },
    { params: { size: '1' }, result: withPswpout(FOUR_VARIANT_RESULT, 10) },
    { params: { size: '2' }, result: withPswpout(SAMPLE_RESULT, 20) },
  ]

  it('plots a numeric parameter on a value axis, sorted, one line per variant', () => {
    expect(sweepAxis(points, 'size')).toEqual({ values: ['4', '1', '2'], numeric: true })
    const option = sweepOption(points, 'proc-vmstat.pswpout', 'size')
    expect(option.animation).toBe(false)
    expect((option.xAxis as { type: string }).type).toBe('value')
    const series = option.series as { name: string; data: [number, number | string][] }[]
    expect(series.map((s) => s.name)).toEqual([
      'baseline',
      'lazy-deposit',
      'pmd-swap',
      'pmd-swap+lazy-deposit',
    ])
    expect(series[0].data).toEqual([
      [1, 10],
      [2, 20],
      [4, 40],
    ])
    // SAMPLE_RESULT has no lazy-deposit variant: a gap
    expect(series[1].data).toEqual([
      [1, 10],
      [2, '-'],
      [4, 40],
    ])
  })

  it('draws a non-numeric parameter as grouped bars in sweep order, the metric in its unit', () => {
    const named = [
      { params: { device: 'zram' }, result: FOUR_VARIANT_RESULT },
      { params: { device: 'nvme' }, result: FOUR_VARIANT_RESULT },
    ]
    const option = sweepOption(named, 'faults.latencyNs.p99', 'device')
    expect((option.xAxis as { data: string[] }).data).toEqual(['zram', 'nvme'])
    const series = option.series as { type: string; data: unknown[] }[]
    expect(series.map((x) => x.type)).toEqual(series.map(() => 'bar'))
    // 9000 ns: latencies are shown in us.
    expect(series[0].data).toEqual([9, 9])
    expect((option.title as { text: string }).text).toBe('faults.latencyNs.p99 vs device')
    expect((option.yAxis as { name: string }).name).toBe('faults.latencyNs.p99 (us)')
  })

  it('gives each metric its unit', () => {
    expect(metricUnit('meminfo.PageTables')).toEqual({ unit: 'kB', factor: 1 })
    expect(metricUnit('faults.totalNs')).toEqual({ unit: 'ms', factor: 1e-6 })
    expect(metricUnit('faults.byType.swapin-io.latencyNs.p99')).toEqual({
      unit: 'us',
      factor: 1e-3,
    })
    expect(metricUnit('pageTables.peakBytes')).toEqual({ unit: 'kB', factor: 1 / 1024 })
    expect(metricUnit('proc-vmstat.pswpin').unit).toBe('events')
  })
})
