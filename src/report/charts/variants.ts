/**
 * Shared look of the kernel variants in every chart: one fixed colour and a short label each,
 * so the GUI and the CLI's SVG export agree byte for byte. Pure: no DOM, no Vue.
 */
import type { EChartsOption, XAXisComponentOption, YAXisComponentOption } from 'echarts'
import {
  VARIANT_NAMES,
  type ResultJson,
  type VariantName,
  type VariantResult,
} from '../../shared/result'

/**
 * The colour of each variant that has one of its own: fixed by name, so that a variant added to
 * VARIANT_NAMES, wherever in the list, never repaints the others in a chart someone already
 * exported. A variant without an entry takes the next spare colour and line below, in
 * VARIANT_NAMES order; a test holds every variant's look distinct.
 */
const VARIANT_COLORS: Partial<Record<VariantName, string>> = {
  baseline: '#5470c6',
  'lazy-deposit': '#91cc75',
  'pmd-swap': '#ee6666',
  'pmd-swap+lazy-deposit': '#fac858',
}

/** ECharts' default palette without the four colours above. */
const SPARE_COLORS = ['#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc']

interface LineLook {
  type: 'solid' | readonly number[]
  width: number
  symbol: string
  z: number
}

/**
 * How a variant's line is drawn besides its colour, so that lines lying on top of each other stay
 * distinguishable (in grey print too): baseline widest and solid, drawn last so that it is never
 * hidden; the others narrower, each with its own dash pattern and point symbol.
 */
const VARIANT_LINES: Partial<Record<VariantName, LineLook>> = {
  baseline: { type: 'solid', width: 4, symbol: 'circle', z: 4 },
  'lazy-deposit': { type: [10, 4], width: 2.5, symbol: 'rect', z: 3 },
  'pmd-swap': { type: [3, 3], width: 2.5, symbol: 'triangle', z: 2 },
  'pmd-swap+lazy-deposit': { type: [10, 3, 2, 3], width: 2, symbol: 'diamond', z: 1 },
}

const SPARE_LINES: readonly LineLook[] = [
  { type: [6, 2, 2, 2], width: 2, symbol: 'roundRect', z: 1 },
  { type: [2, 4], width: 2, symbol: 'pin', z: 1 },
  { type: [14, 4], width: 2, symbol: 'arrow', z: 1 },
  { type: [6, 2, 2, 2, 2, 2], width: 2, symbol: 'emptyCircle', z: 1 },
  { type: [1, 2], width: 2, symbol: 'emptyRect', z: 1 },
]

/**
 * `name`'s place among the variants (`names`, VARIANT_NAMES unless a test asks about another list)
 * without a look of their own; -1 when it has one or is unknown.
 */
function spareIndex(name: string, own: object, names: readonly string[]): number {
  return names.filter((n) => !Object.prototype.hasOwnProperty.call(own, n)).indexOf(name)
}

/** Colour for a variant name; unknown names (and variants past the spares) fall back to grey. */
export function variantColor(name: string, names: readonly string[] = VARIANT_NAMES): string {
  return (
    (VARIANT_COLORS as Record<string, string | undefined>)[name] ??
    SPARE_COLORS[spareIndex(name, VARIANT_COLORS, names)] ??
    '#888888'
  )
}

/** The line-series fields that draw `name` as VARIANT_LINES (or its spare line) says. */
export function variantLineStyle(
  name: string,
  names: readonly string[] = VARIANT_NAMES,
): {
  lineStyle: { type: 'solid' | number[]; width: number }
  symbol: string
  z: number
} {
  const s = (VARIANT_LINES as Record<string, LineLook | undefined>)[name] ??
    SPARE_LINES[spareIndex(name, VARIANT_LINES, names)] ?? {
      type: 'solid',
      width: 2,
      symbol: 'circle',
      z: 0,
    }
  return {
    lineStyle: { type: s.type === 'solid' ? 'solid' : [...s.type], width: s.width },
    symbol: s.symbol,
    z: s.z,
  }
}

/** `1234` -> `1.23 µs`: three significant digits, deterministic. */
export function formatNs(ns: number): string {
  const units: [number, string][] = [
    [1e9, 's'],
    [1e6, 'ms'],
    [1e3, 'µs'],
  ]
  for (const [div, unit] of units) {
    if (Math.abs(ns) >= div) return `${trim(ns / div)} ${unit}`
  }
  return `${trim(ns)} ns`
}

/** A time unit that suits an axis whose largest value is `maxNs`. */
export function timeUnitFor(maxNs: number): { div: number; unit: string } {
  if (maxNs >= 1e9) return { div: 1e9, unit: 's' }
  if (maxNs >= 1e6) return { div: 1e6, unit: 'ms' }
  if (maxNs >= 1e3) return { div: 1e3, unit: 'µs' }
  return { div: 1, unit: 'ns' }
}

export function trim(value: number): string {
  return String(Number(value.toPrecision(3)))
}

/**
 * The font every chart names. resources/fonts/ vendors it, so the CLI's PNGs (resvg with only that
 * font loaded) are the same bytes on every machine; browsers without it fall back to sans-serif.
 */
export const FONT_FAMILY = 'DejaVu Sans'

/** Colours of series that are not variants (fault types, components, counters), in order. */
export const SERIES_PALETTE = [
  '#73c0de',
  '#3ba272',
  '#fc8452',
  '#9a60b4',
  '#ea7ccc',
  '#5d7092',
  '#d4a017',
  '#8c564b',
  '#17becf',
  '#7f7f7f',
] as const

export function paletteColor(index: number): string {
  return SERIES_PALETTE[index % SERIES_PALETTE.length]
}

const TITLE_TOP = 8
const LEGEND_TOP = 34
/** Height of one row of a legend. */
export const LEGEND_ROW = 22
/** Room between the legend and the box of the plot. */
const LEGEND_GAP = 6
/** Margin between a plot's box and the edges of the chart. */
export const EDGE = 12

/**
 * A legend under the title and the top of the plot's box below it: four variant names need two
 * rows at the chart widths of the workbench (~400-600 px), two fit in one. The title sits at the
 * top, the legend below it, the plot (with its y-axis name, see `boxedGrid`) below the legend:
 * nothing overlaps.
 */
export function legendLayout(itemCount: number): {
  legend: {
    top: number
    left: 'center'
    itemWidth: number
    itemGap: number
    textStyle: { fontSize: number }
  }
  plotTop: number
} {
  const rows = itemCount > 2 ? 2 : 1
  return {
    legend: {
      top: LEGEND_TOP,
      left: 'center',
      itemWidth: 16,
      itemGap: 12,
      textStyle: { fontSize: 11 },
    },
    plotTop: LEGEND_TOP + rows * LEGEND_ROW + LEGEND_GAP,
  }
}

/**
 * A legend of fault types or cost components (more names than variants, and of any number): one
 * row that pages in a narrow chart instead of wrapping onto the plot, compact enough that every
 * name fits at the export size.
 */
export const SCROLL_LEGEND = {
  type: 'scroll',
  left: 'center',
  itemWidth: 12,
  // Generous: the names are drawn wider than ECharts measures them.
  itemGap: 16,
  pageIconSize: 10,
  pageTextStyle: { fontSize: 10 },
  textStyle: { fontSize: 11 },
} as const

/** `pmd-swap+lazy-deposit` on two lines (after the `+`): a category label as wide as the others. */
export function wrapVariantName(name: string): string {
  return name.replace(/\+/g, '+\n')
}

/** Where a grid sits: ECharts box layout, pixels or percent of the chart. */
export interface Box {
  left?: number | string
  right?: number | string
  top?: number | string
  bottom?: number | string
  width?: number | string
  height?: number | string
}

/**
 * A grid that keeps its axis labels and axis names inside `box` (ECharts 6 `outerBounds`): the plot
 * shrinks to make room for them instead of them running over the chart's edge, the legend or a
 * neighbouring grid, whatever the chart's size and the labels' lengths.
 */
export function boxedGrid<B extends Box>(
  box: B,
): B & { outerBoundsMode: 'same'; outerBoundsContain: 'all' } {
  return { ...box, outerBoundsMode: 'same', outerBoundsContain: 'all' }
}

/** The grid of a one-plot chart: the whole chart below `top`, less a margin. */
export function plotGrid(top: number): ReturnType<typeof boxedGrid<Box>> {
  return boxedGrid({ left: EDGE, right: EDGE * 2, top, bottom: EDGE })
}

/** The title of a chart, centred at the top, in the vendored font. */
export function chartTitle(text: string): {
  text: string
  left: 'center'
  top: number
  textStyle: { fontSize: number; fontFamily: string }
} {
  return {
    text,
    left: 'center',
    top: TITLE_TOP,
    textStyle: { fontSize: 14, fontFamily: FONT_FAMILY },
  }
}

/** Global text style of every chart: the vendored font. */
export const TEXT_STYLE = { fontFamily: FONT_FAMILY } as const

/**
 * A kebab-case name (`F16-stable-writes-writeback`) on lines of at most `maxChars`, broken after
 * its hyphens, for category labels that would otherwise run into their neighbours. A part longer
 * than `maxChars` keeps a line of its own.
 */
export function wrapAtHyphens(name: string, maxChars = 16): string {
  const lines: string[] = []
  for (const part of name.split(/(?<=-)/)) {
    const last = lines.length - 1
    if (last >= 0 && lines[last].length + part.length <= maxChars) lines[last] += part
    else lines.push(part)
  }
  return lines.join('\n')
}

/**
 * Rich text naming variants (indices into the result's variants) by a square in each one's colour,
 * for a mark label several variants share; `variantSquareStyles` supplies the colours. zrender lays
 * rich text out with its own text widths, a little narrower than DejaVu Sans draws, so a token
 * overruns the one after it (left-aligned text) or before it (right-aligned): put the squares
 * where the text cannot run into them.
 */
export function variantSquares(variants: number[]): string {
  return variants.map((v) => `{v${v}|■}`).join('')
}

/** The `rich` styles of `variantSquares`. */
export function variantSquareStyles(
  variants: { name: string }[],
): Record<string, { color: string; fontSize: number; lineHeight: number }> {
  return Object.fromEntries(
    variants.map((v, i) => [
      `v${i}`,
      { color: variantColor(v.name), fontSize: 10, lineHeight: 13 },
    ]),
  )
}

/** Labels of percentile marks: dark text on a light ground, readable over bars and lines. */
export const MARK_LABEL_STYLE: {
  fontSize: number
  lineHeight: number
  color: string
  backgroundColor: string
  padding: number[]
} = {
  fontSize: 10,
  lineHeight: 13,
  color: '#333333',
  backgroundColor: 'rgba(255, 255, 255, 0.85)',
  padding: [1, 3],
}

/** Variants in result order, for legends. */
export function variantNames(result: { variants: { name: string }[] }): string[] {
  return result.variants.map((v) => v.name)
}

/** Sorts strings by code unit, never by locale (the same order on every machine). */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * A y-axis name that starts at the axis instead of centring on it: ECharts draws the name above
 * the plot, and a long centred name runs off the left edge.
 */
export function yAxisName(name: string): { name: string; nameTextStyle: { align: 'left' } } {
  return { name, nameTextStyle: { align: 'left' } }
}

/**
 * Every variant's bar side by side in each category (fallbacks by reason, walkers by name): the
 * frame both charts share. `xAxis` adds the category axis's name and labels; `yAxis` is the value
 * axis.
 */
export function variantBarsOption(
  result: ResultJson,
  title: string,
  categories: string[],
  valueOf: (variant: VariantResult, category: string) => number | '-',
  axes: { xAxis: XAXisComponentOption; yAxis: YAXisComponentOption },
): EChartsOption {
  const series = result.variants.map((v) => ({
    name: v.name,
    type: 'bar' as const,
    color: variantColor(v.name),
    barGap: '10%',
    data: categories.map((c) => valueOf(v, c)),
  }))
  const { legend, plotTop } = legendLayout(result.variants.length)
  return {
    animation: false,
    title: chartTitle(title),
    textStyle: TEXT_STYLE,
    legend: { ...legend, data: result.variants.map((v) => v.name) },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: plotGrid(plotTop),
    xAxis: {
      ...axes.xAxis,
      type: 'category',
      data: categories,
      nameLocation: 'middle',
      nameGap: 28,
    } as XAXisComponentOption,
    yAxis: axes.yAxis,
    series,
  }
}
