/**
 * Shared look of the four kernel variants in every chart: one fixed colour and a short label each,
 * so the GUI and the CLI's SVG export agree byte for byte. Pure: no DOM, no Vue.
 */
import type { VariantName } from '../../shared/result'

export const VARIANT_COLORS = {
  baseline: '#5470c6',
  'lazy-deposit': '#91cc75',
  'pmd-swap': '#ee6666',
  'pmd-swap+lazy-deposit': '#fac858',
} as const satisfies Record<VariantName, string>

/** Colour for a variant name; unknown names fall back to grey. */
export function variantColor(name: string): string {
  return (VARIANT_COLORS as Record<string, string>)[name] ?? '#888888'
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
const LEGEND_ROW = 22
/** Room between the legend and the plot for the y-axis name, which ECharts draws above the grid. */
const AXIS_NAME_ROOM = 26

/**
 * A legend under the title and the plot top that leaves room for it: four variant names need two
 * rows at the chart widths of the workbench (~400-600 px), two fit in one. The title sits at the
 * top, the legend below it, the plot (with its y-axis name) below the legend: nothing overlaps.
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
    plotTop: LEGEND_TOP + rows * LEGEND_ROW + AXIS_NAME_ROOM,
  }
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
