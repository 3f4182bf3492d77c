/**
 * Page-table memory each variant saves against `baseline`, at every snapshot and at the end of the
 * run: bars in kB, each labelled with the exact kB and with the share of baseline's page-table memory it saves. Pure
 * function of the result JSON.
 *
 * Two sources: `pageTableBytes` (PTE tables only, the series' subject; the default) or meminfo's
 * `PageTables` (every page-table level, kB).
 */
import type { EChartsOption } from 'echarts'
import type { ResultJson, VariantResult } from '../../shared/result'
import { meminfoOf } from '../vocabulary'
import {
  chartTitle,
  legendLayout,
  plotGrid,
  TEXT_STYLE,
  trim,
  variantColor,
  yAxisName,
} from './variants'

export const MEMORY_SAVED_TITLE = 'Page-table memory saved vs baseline'

export type MemorySource = 'pageTableBytes' | 'PageTables'

export const END_LABEL = 'end'

/** Page-table bytes of a variant at each of `labels` (snapshot labels, then `end`). */
export function pageTableBytesAt(
  v: VariantResult,
  labels: string[],
  source: MemorySource,
): (number | null)[] {
  return labels.map((label, i) => {
    if (label === END_LABEL && i === labels.length - 1) return endBytes(v, source)
    // Snapshots match by position when the labels agree (the same scenario), else by label.
    const snap =
      v.snapshots[i]?.label === label ? v.snapshots[i] : v.snapshots.find((s) => s.label === label)
    if (!snap) return null
    if (source === 'PageTables') return kib(meminfoOf(snap.meminfo, 'PageTables'))
    return snap.pageTableBytes
  })
}

function endBytes(v: VariantResult, source: MemorySource): number | null {
  if (source === 'PageTables') return kib(meminfoOf(v.meminfo, 'PageTables'))
  const last = v.pageTableTimeline[v.pageTableTimeline.length - 1]
  return last ? last.bytes : (v.snapshots[v.snapshots.length - 1]?.pageTableBytes ?? null)
}

function kib(value: number | undefined): number | null {
  return typeof value === 'number' ? value * 1024 : null
}

export interface SavedPoint {
  label: string
  /** Bytes saved against baseline (negative: the variant uses more). */
  savedBytes: number | null
  /** Saved share of baseline's page-table memory, percent; null when baseline has none. */
  savedPercent: number | null
}

/** What `v` saves against `baseline` at each label. */
export function savedAgainst(
  baseline: VariantResult,
  v: VariantResult,
  labels: string[],
  source: MemorySource,
): SavedPoint[] {
  const base = pageTableBytesAt(baseline, labels, source)
  const mine = pageTableBytesAt(v, labels, source)
  return labels.map((label, i) => {
    const b = base[i]
    const m = mine[i]
    if (b === null || m === null) return { label, savedBytes: null, savedPercent: null }
    const savedBytes = b - m
    return { label, savedBytes, savedPercent: b === 0 ? null : (savedBytes / b) * 100 }
  })
}

function percentText(p: SavedPoint): string {
  if (p.savedBytes === null || p.savedBytes === 0) return ''
  // Exact kB, as meminfo and the text reports print them (10240, not 10200): page tables come in
  // whole 4 kB pages, and a reader compares this label with the mail text.
  const kibText = `${p.savedBytes / 1024} kB`
  return p.savedPercent === null ? kibText : `${kibText}\n${trim(p.savedPercent)}%`
}

export function memorySavedOption(
  result: ResultJson,
  { source = 'pageTableBytes' }: { source?: MemorySource } = {},
): EChartsOption {
  const baseline = result.variants.find((v) => v.name === 'baseline')
  const others = result.variants.filter((v) => v.name !== 'baseline')
  const labels = [...(baseline?.snapshots.map((s) => s.label) ?? []), END_LABEL]

  const saved = baseline ? others.map((v) => savedAgainst(baseline, v, labels, source)) : []
  const series = saved.map((points, i) => ({
    name: others[i].name,
    type: 'bar' as const,
    color: variantColor(others[i].name),
    barGap: '10%',
    // minMargin: ECharts measures text a little narrower than DejaVu Sans draws it.
    label: { show: true, position: 'top' as const, fontSize: 10, color: '#555555', minMargin: 8 },
    // Neighbouring bars of about the same height would write their labels over each other in a
    // narrow chart: one of them gives way (the tooltip still has both).
    labelLayout: { hideOverlap: true },
    data: points.map((p) => ({
      value: p.savedBytes === null ? '-' : p.savedBytes / 1024,
      label: {
        formatter: percentText(p),
        // Below a bar that goes down (the variant uses more), not over the zero line.
        ...((p.savedBytes ?? 0) < 0 ? { position: 'bottom' as const } : {}),
      },
    })),
  }))
  // Room past the longest bars for their two-line labels, inside the plot: above the tallest bar
  // they would run into the axis name, below the lowest into the category labels.
  const bytes = saved.flat().map((p) => p.savedBytes ?? 0)
  const labelRoom = (needed: boolean): string | number => (needed ? '30%' : 0)

  const { legend, plotTop } = legendLayout(others.length)
  const what = source === 'PageTables' ? 'meminfo PageTables' : 'PTE tables'
  return {
    animation: false,
    title: chartTitle(MEMORY_SAVED_TITLE),
    textStyle: TEXT_STYLE,
    legend: { ...legend, data: others.map((v) => v.name) },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: plotGrid(plotTop),
    xAxis: {
      type: 'category',
      data: labels,
      name: baseline ? 'snapshot' : 'no baseline variant in this run',
      nameLocation: 'middle',
      nameGap: 28,
      // Every snapshot named, on two lines if need be; in a narrow chart with many snapshots those
      // that would still collide give way (the tooltip names them).
      axisLabel: { interval: 0, width: 72, overflow: 'break', hideOverlap: true }, // Off the two-line labels it is moved below (ECharts' nameMoveOverlap).
      nameTextStyle: { textMargin: 6 },
    },
    yAxis: {
      type: 'value',
      boundaryGap: [labelRoom(bytes.some((b) => b < 0)), labelRoom(bytes.some((b) => b > 0))],
      ...yAxisName(`${what} saved (kB)`),
    },
    series,
  }
}
