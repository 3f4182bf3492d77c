import { describe, expect, it } from 'vitest'
import { memorySavedOption, pageTableBytesAt, savedAgainst } from './memory-saved'
import { FOUR_VARIANT_RESULT, SAMPLE_RESULT } from './test-fixture'

const [baseline, lazy, pmdSwap, both] = FOUR_VARIANT_RESULT.variants
const labels = ['faulted in', 'swapped out', 'faulted back', 'end']

describe('memorySavedOption', () => {
  it('reads PTE-table bytes at every snapshot and at the end', () => {
    expect(pageTableBytesAt(baseline, labels, 'pageTableBytes')).toEqual([0, 8192, 8192, 8192])
    expect(pageTableBytesAt(baseline, labels, 'PageTables')).toEqual([8192, 16384, 16384, 16384])
    expect(pageTableBytesAt(baseline, ['nowhere'], 'pageTableBytes')).toEqual([null])
  })

  it('saves against baseline in bytes and percent', () => {
    expect(savedAgainst(baseline, both, labels, 'pageTableBytes')).toEqual([
      { label: 'faulted in', savedBytes: 0, savedPercent: null },
      { label: 'swapped out', savedBytes: 8192, savedPercent: 100 },
      { label: 'faulted back', savedBytes: 8192, savedPercent: 100 },
      { label: 'end', savedBytes: 8192, savedPercent: 100 },
    ])
    expect(savedAgainst(baseline, pmdSwap, labels, 'pageTableBytes')[0].savedBytes).toBe(-8192)
    expect(savedAgainst(baseline, lazy, labels, 'PageTables')[1].savedPercent).toBe(0)
  })

  it('draws one bar series per non-baseline variant, labelled with exact kB and percent', () => {
    const option = memorySavedOption(FOUR_VARIANT_RESULT)
    expect(option.animation).toBe(false)
    const series = option.series as {
      name: string
      data: { value: number | string; label: { formatter: string } }[]
    }[]
    expect(series.map((s) => s.name)).toEqual(['lazy-deposit', 'pmd-swap', 'pmd-swap+lazy-deposit'])
    expect(series[2].data.map((d) => d.value)).toEqual([0, 8, 8, 8])
    expect(series[2].data[1].label.formatter).toBe('8 kB\n100%')
    expect(series[1].data[0].label.formatter).toBe('-8 kB')
    expect((option.xAxis as { data: string[] }).data).toEqual(labels)
  })

  it('labels exact kB, never rounded to three digits (10240, not 10200)', () => {
    const big = structuredClone(FOUR_VARIANT_RESULT)
    for (const v of big.variants) {
      for (const s of v.snapshots) s.pageTableBytes *= 1280
    }
    const series = memorySavedOption(big).series as { data: { label: { formatter: string } }[] }[]
    expect(series[2].data[1].label.formatter).toBe('10240 kB\n100%')
  })

  it('keeps the bar labels legible: room above and below, below a bar that goes down, thinned out', () => {
    const option = memorySavedOption(FOUR_VARIANT_RESULT)
    const series = option.series as {
      labelLayout: object
      data: { label: { position?: string } }[]
    }[]
    for (const s of series) expect(s.labelLayout).toEqual({ hideOverlap: true })
    expect(series[1].data[0].label.position).toBe('bottom')
    expect(series[2].data[1].label.position).toBeUndefined()
    // pmd-swap uses more at the first snapshot: room for labels both ways
    expect((option.yAxis as { boundaryGap: unknown }).boundaryGap).toEqual(['30%', '30%'])
    const saves = structuredClone(FOUR_VARIANT_RESULT)
    saves.variants = [baseline, both]
    expect((memorySavedOption(saves).yAxis as { boundaryGap: unknown }).boundaryGap).toEqual([
      0,
      '30%',
    ])
    expect(option.grid).toMatchObject({ outerBoundsMode: 'same', outerBoundsContain: 'all' })
  })

  it('has nothing to compare without a baseline', () => {
    const noBaseline = structuredClone(SAMPLE_RESULT)
    noBaseline.variants = noBaseline.variants.filter((v) => v.name !== 'baseline')
    expect(memorySavedOption(noBaseline).series).toEqual([])
  })
})
