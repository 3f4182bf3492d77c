import { describe, expect, it } from 'vitest'
import { KEY_VMSTAT_EVENTS } from '../vocabulary'
import { counterLabels, countersOption, movedCounters } from './counters'
import { FOUR_VARIANT_RESULT, KERNEL_NAMES_RESULT } from './test-fixture'

describe('countersOption', () => {
  it('keeps the counters that moved, in display order', () => {
    expect(movedCounters(FOUR_VARIANT_RESULT, KEY_VMSTAT_EVENTS)).toEqual([
      'thp_swpout',
      'thp_split_pmd',
      'pswpout',
      'pswpin',
      'pgmajfault',
    ])
    expect(counterLabels(FOUR_VARIANT_RESULT)).toEqual([
      'faulted in',
      'swapped out',
      'faulted back',
      'end',
    ])
  })

  it('draws one panel per counter, one line per variant, snapshots then the end', () => {
    const option = countersOption(FOUR_VARIANT_RESULT, {
      counters: ['pgmajfault', 'thp_split_pmd'],
    })
    expect(option.animation).toBe(false)
    expect((option.grid as unknown[]).length).toBe(2)
    const series = option.series as { name: string; xAxisIndex: number; data: number[] }[]
    expect(series.map((s) => `${s.xAxisIndex}:${s.name}`)).toEqual([
      '0:baseline',
      '0:lazy-deposit',
      '0:pmd-swap',
      '0:pmd-swap+lazy-deposit',
      '1:baseline',
      '1:lazy-deposit',
      '1:pmd-swap',
      '1:pmd-swap+lazy-deposit',
    ])
    expect(series[0].data).toEqual([0, 0, 1024, 1024])
    expect(series[2].data).toEqual([0, 0, 2, 2])
    expect(series[4].data).toEqual([0, 2, 2, 2])
    expect(series[6].data).toEqual([0, 0, 0, 0])
    expect((option.title as { text: string }).text).toBe('vmstat counters by snapshot')
    // each panel is headed by its counter, as its y-axis name
    expect((option.yAxis as { name: string }[]).map((a) => a.name)).toEqual([
      'pgmajfault',
      'thp_split_pmd',
    ])
  })

  it('keeps each panel’s labels in its own box and thins out snapshot names that collide', () => {
    const option = countersOption(FOUR_VARIANT_RESULT)
    const grids = option.grid as { outerBoundsMode: string; outerBoundsContain: string }[]
    expect(grids).toHaveLength(5)
    for (const grid of grids) {
      expect(grid).toMatchObject({ outerBoundsMode: 'same', outerBoundsContain: 'all' })
    }
    for (const axis of option.xAxis as { axisLabel: object }[]) {
      expect(axis.axisLabel).toMatchObject({ hideOverlap: true, overflow: 'truncate' })
    }
  })

  it('draws every listed counter that moved: none is cut for room', () => {
    // All move here, among them the series' own counters (thp_swpout_pmd, thp_split_pmd_failed),
    // the ones a reviewer of the PMD swap and lazy deposit patches opens this chart for.
    expect(movedCounters(KERNEL_NAMES_RESULT, KEY_VMSTAT_EVENTS)).toEqual([...KEY_VMSTAT_EVENTS])
    const option = countersOption(KERNEL_NAMES_RESULT)
    expect((option.grid as unknown[]).length).toBe(KEY_VMSTAT_EVENTS.length)
    expect((option.yAxis as { name: string }[]).map((a) => a.name)).toEqual([...KEY_VMSTAT_EVENTS])
    expect((option.series as unknown[]).length).toBe(
      KEY_VMSTAT_EVENTS.length * KERNEL_NAMES_RESULT.variants.length,
    )
  })

  it('copes with no counter moving', () => {
    const option = countersOption(FOUR_VARIANT_RESULT, { counters: ['oom_kill'] })
    expect(option.series).toEqual([])
    expect((option.title as { text: string }).text).toMatch(/none moved/)
  })
})
