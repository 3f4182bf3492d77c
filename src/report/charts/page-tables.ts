/**
 * PTE-table memory over simulated time, one line per variant. Pure function of the result JSON
 * (no DOM, no Vue) so the workbench and the CLI's SVG export draw the same chart.
 */
import type { EChartsOption } from 'echarts'
import type { PageTableSample, ResultJson, VariantResult } from '../../shared/result'
import {
  chartTitle,
  legendLayout,
  plotGrid,
  TEXT_STYLE,
  timeUnitFor,
  variantColor,
  variantLineStyle,
} from './variants'

export const PAGE_TABLES_TITLE = 'PTE-table memory'

/** Timeline samples plus snapshot points, ordered by time; duplicates (same time and bytes) dropped. */
export function pageTableSamples(variant: VariantResult): PageTableSample[] {
  const fromSnapshots: PageTableSample[] = variant.snapshots.map((s) => ({
    timeNs: s.timeNs,
    bytes: s.pageTableBytes,
    label: s.label,
  }))
  const all = [...variant.pageTableTimeline, ...fromSnapshots]
  // Stable sort keeps timeline order for equal times; snapshots come after the op that made them.
  all.sort((a, b) => a.timeNs - b.timeNs)
  const out: PageTableSample[] = []
  for (const s of all) {
    const prev = out[out.length - 1]
    if (prev && prev.timeNs === s.timeNs && prev.bytes === s.bytes) {
      if (s.label && !prev.label) out[out.length - 1] = { ...prev, label: s.label }
      continue
    }
    out.push(s)
  }
  return out
}

export function pageTablesOption(result: ResultJson): EChartsOption {
  const perVariant = result.variants.map((v) => ({ v, samples: pageTableSamples(v) }))
  const maxNs = Math.max(
    0,
    ...perVariant.flatMap(({ v, samples }) => [v.endTimeNs, ...samples.map((s) => s.timeNs)]),
  )
  const { div, unit } = timeUnitFor(maxNs)
  const x = (ns: number): number => Number((ns / div).toPrecision(6))

  const series = perVariant.map(({ v, samples }) => {
    const points = samples.map((s) => ({
      value: [x(s.timeNs), s.bytes / 1024] as [number, number],
      ...(s.label ? { name: s.label } : {}),
    }))
    // Hold the last value until the end of the run so every line spans the whole axis.
    const last = samples[samples.length - 1]
    if (last && v.endTimeNs > last.timeNs) {
      points.push({ value: [x(v.endTimeNs), last.bytes / 1024] })
    }
    return {
      name: v.name,
      type: 'line' as const,
      step: 'end' as const,
      color: variantColor(v.name),
      symbolSize: 6,
      ...variantLineStyle(v.name),
      data: points,
    }
  })

  // Each variant's snapshots at its own times (variants run at different speeds: the same
  // snapshot is later on the split path), as thin dashed lines in the variant's colour. A label
  // closer than 8 % of the axis to one already shown would overlap, so that line stays unlabelled
  // (the tooltip names it); a snapshot at the same time in several variants is labelled once.
  const minLabelGap = x(maxNs) * 0.08
  const labelled: number[] = []
  perVariant.forEach(({ v }, i) => {
    const lines = v.snapshots.map((s) => {
      const at = x(s.timeNs)
      const show = labelled.every((l) => Math.abs(at - l) >= minLabelGap)
      if (show) labelled.push(at)
      return { name: `${s.label} (${v.name})`, xAxis: at, label: { show, formatter: s.label } }
    })
    if (lines.length === 0) return
    Object.assign(series[i], {
      markLine: {
        symbol: 'none',
        silent: true,
        lineStyle: { type: 'dashed', color: variantColor(v.name), width: 1, opacity: 0.6 },
        // Right of the line (a snapshot taken early would put its label over the y-axis labels),
        // cut short of the plot's height in the workbench's smallest card (the tooltip has it all).
        label: {
          position: 'insideEndBottom',
          fontSize: 10,
          color: '#666666',
          width: 100,
          overflow: 'truncate',
        },
        data: lines,
      },
    })
  })

  const { legend, plotTop } = legendLayout(result.variants.length)
  return {
    animation: false,
    title: chartTitle(PAGE_TABLES_TITLE),
    textStyle: TEXT_STYLE,
    legend,
    tooltip: { trigger: 'axis' },
    grid: plotGrid(plotTop),
    xAxis: {
      type: 'value',
      name: `simulated time (${unit})`,
      nameLocation: 'middle',
      nameGap: 26,
      min: 0,
    },
    yAxis: { type: 'value', name: 'PTE tables (kB)', min: 0 },
    series,
  }
}
