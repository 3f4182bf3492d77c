/**
 * Page-table entries each walker visited, per variant, on a log y axis (a split THP costs 512
 * entries where a PMD costs one). Pure function of the result JSON.
 */
import type { EChartsOption } from 'echarts'
import type { ResultJson } from '../../shared/result'
import {
  byCodeUnit,
  chartTitle,
  legendLayout,
  plotGrid,
  TEXT_STYLE,
  variantColor,
  yAxisName,
} from './variants'

export const WALKERS_TITLE = 'Page-table entries visited by walker'

/** Walker names across variants, by name. */
export function walkerNames(result: ResultJson): string[] {
  const names = new Set<string>()
  for (const v of result.variants) for (const name of Object.keys(v.walkers)) names.add(name)
  return [...names].sort(byCodeUnit)
}

export function walkersOption(result: ResultJson): EChartsOption {
  const walkers = walkerNames(result)
  const series = result.variants.map((v) => ({
    name: v.name,
    type: 'bar' as const,
    color: variantColor(v.name),
    barGap: '10%',
    // A log axis has no zero: a walker that visited nothing gets no bar.
    data: walkers.map((w) => {
      const entries = v.walkers[w]?.entriesVisited ?? 0
      return entries > 0 ? entries : '-'
    }),
  }))
  const { legend, plotTop } = legendLayout(result.variants.length)
  return {
    animation: false,
    title: chartTitle(WALKERS_TITLE),
    textStyle: TEXT_STYLE,
    legend: { ...legend, data: result.variants.map((v) => v.name) },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: plotGrid(plotTop),
    xAxis: {
      type: 'category',
      data: walkers,
      name: 'walker',
      nameLocation: 'middle',
      nameGap: 28,
      axisLabel: { interval: 0, hideOverlap: true },
    },
    yAxis: { type: 'log', logBase: 10, min: 1, ...yAxisName('entries visited (log scale)') },
    series,
  }
}
