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
 * A legend under the title and the plot top that leaves room for it: four variant names need two
 * rows at the chart widths we use (~400-600 px), two fit in one.
 */
export function legendLayout(variantCount: number): {
  legend: { top: number; itemWidth: number; itemGap: number; textStyle: { fontSize: number } }
  plotTop: number
} {
  const rows = variantCount > 2 ? 2 : 1
  return {
    legend: { top: 24, itemWidth: 16, itemGap: 12, textStyle: { fontSize: 11 } },
    plotTop: 50 + rows * 20,
  }
}
