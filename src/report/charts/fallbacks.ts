/**
 * Fallbacks by reason per variant (bars): how often each path gave up on the large folio, by its
 * named reason. Each bar group is named by the reason's exact key (`F2-swap-file`, what the
 * scenarios and the kernel discussion call it) with its readable label under it, and the tooltip
 * says both. Pure function of the result JSON.
 */
import type { EChartsOption } from 'echarts'
import type { ResultJson } from '../../shared/result'
import { wrap } from '../text/metrics'
import { fallbackLabel, labelled } from '../vocabulary'
import { byCodeUnit, variantBarsOption, wrapAtHyphens } from './variants'

export const FALLBACKS_TITLE = 'Fallbacks by reason'

/** Characters per line of a reason's label under its key: 9 px text no wider than the key above. */
const LABEL_CHARS = 20

/** Reasons across variants, most frequent first, ties by name. */
export function fallbackReasons(result: ResultJson): string[] {
  const totals = new Map<string, number>()
  for (const v of result.variants) {
    for (const [reason, n] of Object.entries(v.fallbacks)) {
      totals.set(reason, (totals.get(reason) ?? 0) + n)
    }
  }
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1] || byCodeUnit(a[0], b[0]))
    .map(([reason]) => reason)
}

/**
 * A category's axis label: the key on short lines broken at its hyphens, then (rich text `label`)
 * the reason's label wrapped at words; the key alone for a reason without a label.
 */
export function fallbackAxisLabel(reason: string): string {
  const label = fallbackLabel(reason)
  const key = wrapAtHyphens(reason)
  if (label === undefined) return key
  // Braces and bars would end the rich-text block early.
  const text = wrap(label.replace(/[{}|]/g, ''), '', '', LABEL_CHARS)
  return `${key}\n{label|${text}}`
}

/** The tooltip's heading for a reason: `label (key)`, or the key alone. */
export function fallbackTooltipTitle(reason: string): string {
  return labelled(reason, fallbackLabel(reason))
}

interface TooltipParam {
  name?: string
  marker?: unknown
  seriesName?: string
  value?: unknown
}

const html = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  )

/** The axis tooltip: the reason's label and key, then one line per variant. */
function tooltipText(params: TooltipParam | TooltipParam[]): string {
  const list = Array.isArray(params) ? params : [params]
  const reason = String(list[0]?.name ?? '')
  return [
    `<b>${html(fallbackTooltipTitle(reason))}</b>`,
    ...list.map(
      (p) =>
        `${typeof p.marker === 'string' ? p.marker : ''}${html(String(p.seriesName ?? ''))}: ` +
        html(String(p.value ?? '')),
    ),
  ].join('<br/>')
}

export function fallbacksOption(result: ResultJson): EChartsOption {
  const reasons = fallbackReasons(result)
  const option = variantBarsOption(
    result,
    FALLBACKS_TITLE,
    reasons,
    (v, r) => v.fallbacks[r] ?? 0,
    {
      xAxis: {
        name: reasons.length > 0 ? 'reason' : 'no fallbacks in this run',
        // Reasons are long kebab-case names: two short lines each, their label in small print
        // below, and any that still collide in a narrow chart give way (the tooltip names them).
        axisLabel: {
          interval: 0,
          hideOverlap: true,
          formatter: (reason: string) => fallbackAxisLabel(reason),
          rich: { label: { fontSize: 9, lineHeight: 11, color: '#555555' } },
        },
        // Off the two-line labels it is moved below (ECharts' nameMoveOverlap).
        nameTextStyle: { textMargin: 6 },
      },
      yAxis: { type: 'value', name: 'fallbacks', minInterval: 1 },
    },
  )
  return {
    ...option,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: tooltipText },
  }
}
