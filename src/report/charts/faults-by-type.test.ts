import { describe, expect, it } from 'vitest'
import { components, faultsByTypeOption, meanBreakdownNs } from './faults-by-type'
import { FOUR_VARIANT_RESULT, SAMPLE_RESULT } from './test-fixture'

describe('faultsByTypeOption', () => {
  it('weights the per-type breakdowns by count', () => {
    const pmdSwap = FOUR_VARIANT_RESULT.variants[2]
    expect(meanBreakdownNs(pmdSwap)).toEqual({
      entry: 200,
      alloc: 9000,
      clear: 15000,
      io: 50000,
      install: 800,
    })
    // no per-type breakdown: the all-faults one (or nothing)
    expect(meanBreakdownNs(SAMPLE_RESULT.variants[0])).toEqual({})
  })

  it('orders components as a fault pays them, unknown ones last by name', () => {
    expect(components([{ zz: 1, io: 2, entry: 3, aa: 1, tlb: 0 }])).toEqual([
      'entry',
      'io',
      'aa',
      'zz',
    ])
  })

  it('puts counts by type side by side on a log axis, and time in faults by component below', () => {
    const option = faultsByTypeOption(FOUR_VARIANT_RESULT)
    expect(option.animation).toBe(false)
    const series = option.series as {
      name: string
      stack: string
      xAxisIndex: number
      data: number[]
    }[]
    expect(series.map((s) => `${s.stack ?? 'count'}:${s.name}`)).toEqual([
      'count:swapin-io',
      'count:anon-thp',
      'count:pmd-swapin-io',
      'breakdown:entry',
      'breakdown:alloc',
      'breakdown:clear',
      'breakdown:io',
      'breakdown:install',
    ])
    // A log axis has no 0: a type a variant never took is no bar.
    expect(series[0].data).toEqual([1024, 1024, '-', '-'])
    expect(series[2].data).toEqual(['-', '-', 2, 2])
    expect((option.yAxis as { type: string }[])[0].type).toBe('log')
    // ms: the mean per fault by component times the fault count.
    const io = FOUR_VARIANT_RESULT.variants.map((v) =>
      Number((((meanBreakdownNs(v).io ?? 0) * v.faults.count) / 1e6).toPrecision(3)),
    )
    expect(series.find((s) => s.name === 'io')?.data).toEqual(io)
  })

  it('lays the two panels out in their own boxes, each with a one-row legend', () => {
    const option = faultsByTypeOption(FOUR_VARIANT_RESULT)
    const grids = option.grid as { outerBoundsMode: string; top: unknown; bottom: unknown }[]
    expect(grids.map((g) => g.outerBoundsMode)).toEqual(['same', 'same'])
    const legends = option.legend as { type: string; data: string[] }[]
    expect(legends.map((l) => [l.type, l.data.length])).toEqual([
      ['scroll', 3],
      ['scroll', 5],
    ])
    // the breakdown panel is headed by its y-axis name, not a title over the plot
    expect((option.yAxis as { name: string }[])[1].name).toBe('Time in faults by component (ms)')
    expect((option.title as { text: string }).text).toBe('Faults by type')
    // variant names on the category axes, the long one on two lines
    const xAxis = option.xAxis as { axisLabel: { formatter: (name: string) => string } }[]
    expect(xAxis[1].axisLabel.formatter('pmd-swap+lazy-deposit')).toBe('pmd-swap+\nlazy-deposit')
  })

  it('leaves the breakdown out when asked or when there is none', () => {
    const counts = faultsByTypeOption(FOUR_VARIANT_RESULT, { breakdown: false })
    expect((counts.series as unknown[]).length).toBe(3)
    expect((counts.grid as unknown[]).length).toBe(1)
    expect((faultsByTypeOption(SAMPLE_RESULT).grid as unknown[]).length).toBe(1)
  })
})
