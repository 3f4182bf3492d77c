import { describe, expect, it } from 'vitest'
import { pageTableSamples, pageTablesOption } from './page-tables'
import { SAMPLE_RESULT } from './test-fixture'

describe('pageTablesOption', () => {
  it('draws one step line per variant in KiB over simulated ms', () => {
    const option = pageTablesOption(SAMPLE_RESULT)
    expect(option.animation).toBe(false)
    const series = option.series as { name: string; step: string; data: { value: number[] }[] }[]
    expect(series.map((s) => s.name)).toEqual(['baseline', 'pmd-swap'])
    expect(series[0].step).toBe('end')
    // timeline 0, 1, 2 ms (the snapshot at 2 ms merges into the sample), held to the 3 ms end
    expect(series[0].data.map((p) => p.value)).toEqual([
      [0, 0],
      [1, 4],
      [2, 4],
      [3, 4],
    ])
    expect((option.xAxis as { name: string }).name).toBe('simulated time (ms)')
  })

  it('labels the snapshot sample and marks it on the axis', () => {
    const samples = pageTableSamples(SAMPLE_RESULT.variants[0])
    expect(samples.find((s) => s.timeNs === 2_000_000)?.label).toBe('swapped out')
    const first = (option(0) as { markLine?: { data: unknown[] } }).markLine
    expect(first?.data).toEqual([
      {
        name: `swapped out (${SAMPLE_RESULT.variants[0].name})`,
        xAxis: 2,
        label: { show: true, formatter: 'swapped out' },
      },
    ])
  })

  it("marks every variant's snapshots at its own times, and draws each variant its own line", () => {
    const late = structuredClone(SAMPLE_RESULT)
    late.variants[1].snapshots[0].timeNs = 3_000_000
    const series = pageTablesOption(late).series as {
      markLine?: { data: { xAxis: number }[] }
      lineStyle: { type: unknown; width: number }
      symbol: string
    }[]
    expect(series.map((s) => s.markLine?.data.map((d) => d.xAxis))).toEqual([[2], [3]])
    // Lines on top of each other stay distinguishable: dash pattern, width and symbol differ.
    const looks = series.map((s) => JSON.stringify([s.lineStyle, s.symbol]))
    expect(new Set(looks).size).toBe(series.length)
  })

  it('is deterministic', () => {
    expect(JSON.stringify(pageTablesOption(SAMPLE_RESULT))).toBe(
      JSON.stringify(pageTablesOption(structuredClone(SAMPLE_RESULT))),
    )
  })
})

function option(index: number): unknown {
  return (pageTablesOption(SAMPLE_RESULT).series as unknown[])[index]
}

describe('snapshot lines', () => {
  it('leaves a label off when it would sit on top of the previous one', () => {
    const crowded = structuredClone(SAMPLE_RESULT)
    const [first] = crowded.variants[0].snapshots
    crowded.variants[0].snapshots.push({ ...first, label: 'right after', timeNs: 2_100_000 })
    crowded.variants[0].snapshots.push({ ...first, label: 'later', timeNs: 2_900_000 })
    const series = pageTablesOption(crowded).series as { markLine?: { data: unknown[] } }[]
    const shown = (series[0].markLine?.data as { name: string; label: { show: boolean } }[]).map(
      (d) => `${d.name}:${d.label.show}`,
    )
    expect(shown).toEqual([
      'swapped out (baseline):true',
      'right after (baseline):false',
      'later (baseline):true',
    ])
  })
})
