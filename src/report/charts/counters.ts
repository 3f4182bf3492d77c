/**
 * The key /proc/vmstat counters (KEY_VMSTAT_EVENTS, the ones every report shows) at every snapshot
 * and at the end, per variant: one small chart per counter (they differ by orders of magnitude),
 * one line per variant. Every listed counter that moved gets its panel: none is dropped to fit a
 * grid. Pure function of the result JSON; counter names are kernel names, verbatim, typed against
 * the simulator's (../vocabulary).
 */
import type { EChartsOption } from 'echarts'
import type { ResultJson } from '../../shared/result'
import { KEY_VMSTAT_EVENTS, type VmstatName } from '../vocabulary'
import { boxedGrid, chartTitle, EDGE, legendLayout, TEXT_STYLE, variantColor } from './variants'

export const COUNTERS_TITLE = 'vmstat counters by snapshot'

export const END_LABEL = 'end'

/** Snapshot labels of the first variant, then `end`. */
export function counterLabels(result: ResultJson): string[] {
  return [...(result.variants[0]?.snapshots.map((s) => s.label) ?? []), END_LABEL]
}

/** The counters of `wanted` that moved in any snapshot or at the end of any variant, all of them. */
export function movedCounters<N extends VmstatName>(result: ResultJson, wanted: readonly N[]): N[] {
  return wanted.filter((name) =>
    result.variants.some(
      (v) => (v.vmstat[name] ?? 0) !== 0 || v.snapshots.some((s) => (s.vmstat[name] ?? 0) !== 0),
    ),
  )
}

export function countersOption(
  result: ResultJson,
  { counters = KEY_VMSTAT_EVENTS }: { counters?: readonly VmstatName[] } = {},
): EChartsOption {
  const names = movedCounters(result, counters)
  const labels = counterLabels(result)
  const cols = Math.min(3, Math.max(1, names.length))
  const rows = Math.max(1, Math.ceil(names.length / cols))
  const { legend, plotTop } = legendLayout(result.variants.length)

  // One box per panel (its heading, plot and labels inside it, see boxedGrid): columns split the
  // width, rows split the height below the legend. Rows after the first start at a share of the
  // height, taking the legend as 18 % of it (its share at the export size).
  const areaTop = 18
  const rowHeight = (100 - areaTop) / rows
  const colWidth = 100 / cols
  const pct = (n: number): string => `${Number(n.toFixed(2))}%`

  const panels = names.map((name, i) => {
    const row = Math.floor(i / cols)
    const col = i % cols
    return {
      name,
      grid: boxedGrid({
        // Margins at the chart's edges: slanted labels reach left of their tick, and the last
        // column's headings run right from its y axis.
        left: col === 0 ? EDGE * 2 : pct(col * colWidth + 1),
        right: col === cols - 1 ? EDGE : pct(100 - (col + 1) * colWidth + 2),
        top: row === 0 ? plotTop : pct(areaTop + row * rowHeight + 1),
        bottom: row === rows - 1 ? EDGE : pct(100 - areaTop - (row + 1) * rowHeight + 1),
      }),
    }
  })

  const series = panels.flatMap((panel, i) =>
    result.variants.map((v) => ({
      name: v.name,
      type: 'line' as const,
      color: variantColor(v.name),
      xAxisIndex: i,
      yAxisIndex: i,
      symbolSize: 5,
      data: labels.map((label, j) => {
        if (label === END_LABEL && j === labels.length - 1) return v.vmstat[panel.name] ?? 0
        const snap =
          v.snapshots[j]?.label === label
            ? v.snapshots[j]
            : v.snapshots.find((s) => s.label === label)
        return snap ? (snap.vmstat[panel.name] ?? 0) : '-'
      }),
    })),
  )

  return {
    animation: false,
    title: chartTitle(names.length > 0 ? COUNTERS_TITLE : `${COUNTERS_TITLE}: none moved`),
    textStyle: TEXT_STYLE,
    legend: { ...legend, data: result.variants.map((v) => v.name) },
    tooltip: { trigger: 'axis' },
    grid: panels.map((p) => p.grid),
    // Snapshot names are long and panels narrow: slanted, cut at 90 px, and those that would
    // still overlap give way (the tooltip names every snapshot).
    xAxis: panels.map((_, i) => ({
      type: 'category' as const,
      gridIndex: i,
      data: labels,
      axisLabel: {
        fontSize: 10,
        rotate: 30,
        width: 90,
        overflow: 'truncate',
        hideOverlap: true,
      },
    })),
    // The counter's name heads its panel, as the y-axis name.
    yAxis: panels.map((p, i) => ({
      type: 'value' as const,
      gridIndex: i,
      minInterval: 1,
      splitNumber: 3,
      name: p.name,
      nameTextStyle: { align: 'left' as const, fontSize: 12 },
      axisLabel: { fontSize: 10, hideOverlap: true },
    })),
    series,
  }
}
