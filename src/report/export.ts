/**
 * Every chart of a result as an SVG string: the one export path of the workbench (renderer) and the
 * CLI's `--out DIR`, so both write the same bytes. No Node imports: this runs in the browser too.
 *
 * ECharts renders server-side (`ssr: true`) to an SVG string, with animation off. zrender numbers
 * its instances (`zr0-`, `zr1-`, ... in clip-path ids and CSS classes) and its hover classes with
 * process-wide counters, so both are renumbered: the same option always gives the same bytes,
 * however many charts came before.
 */
import { showControls } from '../shared/terminal'
import type { EChartsOption } from 'echarts'
import { init, use } from 'echarts/core'
import { BarChart, LineChart } from 'echarts/charts'
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  MarkPointComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components'
import { LabelLayout } from 'echarts/features'
import { SVGRenderer } from 'echarts/renderers'
import type { ResultJson } from '../shared/result'
import { bannerLines } from './text/banner'
import { ascii, describeMachineText, wrap } from './text/metrics'
import { FONT_FAMILY } from './charts/variants'
import { COUNTERS_TITLE, countersOption } from './charts/counters'
import { FAULT_CDF_TITLE, faultCdfOption } from './charts/fault-cdf'
import { FAULT_HISTOGRAM_TITLE, faultHistogramOption } from './charts/fault-histogram'
import { FAULT_LATENCY_TITLE, faultLatencyOption } from './charts/fault-latency'
import { FAULT_TIME_TITLE, faultTimeOption } from './charts/fault-time'
import { FALLBACKS_TITLE, fallbacksOption } from './charts/fallbacks'
import { FAULTS_BY_TYPE_TITLE, faultsByTypeOption } from './charts/faults-by-type'
import { MEMORY_SAVED_TITLE, memorySavedOption } from './charts/memory-saved'
import { PAGE_TABLES_TITLE, pageTablesOption } from './charts/page-tables'
import { WALKERS_TITLE, walkersOption } from './charts/walkers'

/** What every chart option here needs registered: the workbench's BaseChart uses the same list. */
export const CHART_EXTENSIONS = [
  BarChart,
  LineChart,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  MarkPointComponent,
  TitleComponent,
  TooltipComponent,
  // `labelLayout` of series labels (hideOverlap).
  LabelLayout,
  SVGRenderer,
]
use(CHART_EXTENSIONS)

/** Every per-result chart, in the order the workbench and `--out DIR` list them. */
export const CHART_IDS = [
  'page-tables',
  'memory-saved',
  'fault-time',
  'fault-latency',
  'fault-cdf',
  'fault-histogram',
  'faults-by-type',
  'walkers',
  'fallbacks',
  'counters',
] as const

export type ChartId = (typeof CHART_IDS)[number]

export const CHART_BUILDERS = {
  'page-tables': pageTablesOption,
  'memory-saved': (r) => memorySavedOption(r),
  'fault-time': faultTimeOption,
  'fault-latency': faultLatencyOption,
  'fault-cdf': faultCdfOption,
  'fault-histogram': faultHistogramOption,
  'faults-by-type': (r) => faultsByTypeOption(r),
  walkers: walkersOption,
  fallbacks: fallbacksOption,
  counters: (r) => countersOption(r),
} as const satisfies Record<ChartId, (r: ResultJson) => EChartsOption>

export const CHART_TITLES = {
  'page-tables': PAGE_TABLES_TITLE,
  'memory-saved': MEMORY_SAVED_TITLE,
  'fault-time': FAULT_TIME_TITLE,
  'fault-latency': FAULT_LATENCY_TITLE,
  'fault-cdf': FAULT_CDF_TITLE,
  'fault-histogram': FAULT_HISTOGRAM_TITLE,
  'faults-by-type': FAULTS_BY_TYPE_TITLE,
  walkers: WALKERS_TITLE,
  fallbacks: FALLBACKS_TITLE,
  counters: COUNTERS_TITLE,
} as const satisfies Record<ChartId, string>

export const CHART_WIDTH = 900
export const CHART_HEIGHT = 560

/**
 * Height of each chart's card in the workbench, in px (the multi-panel charts need more); the
 * width is the card's. The chart-legibility test draws every chart at these heights, 460 px wide.
 */
const CARD_HEIGHTS: Partial<Record<ChartId, number>> = {
  'page-tables': 300,
  'faults-by-type': 480,
  counters: 560,
}

export function chartCardHeight(id: ChartId): number {
  return CARD_HEIGHTS[id] ?? 340
}

/** zrender's per-instance prefix where it appears: ids, url(#...) references, classes, CSS rules. */
const INSTANCE_PREFIX = /(id="|url\(#|class="|^\.)zr\d+-/gm
/** Hover-style classes, numbered by a counter global to the process. */
const CLASS_ID = /(class="|^\.)zr0-cls-(\d+)/gm

/**
 * Makes an SSR SVG independent of what was rendered before it in this process: one instance prefix
 * (`zr0-`), hover classes renumbered from 0 in order of first use.
 */
export function normaliseSvgIds(svg: string): string {
  const classes = new Map<string, number>()
  return svg
    .replace(INSTANCE_PREFIX, '$1zr0-')
    .replace(CLASS_ID, (_, before: string, n: string) => {
      let id = classes.get(n)
      if (id === undefined) {
        id = classes.size
        classes.set(n, id)
      }
      return `${before}zr0-cls-${id}`
    })
}

/** One chart option as a standalone SVG document (white background, no animation). */
export function renderChartSvg(
  option: EChartsOption,
  { width = CHART_WIDTH, height = CHART_HEIGHT }: { width?: number; height?: number } = {},
): string {
  const chart = init(null, null, { renderer: 'svg', ssr: true, width, height })
  try {
    chart.setOption({ backgroundColor: '#ffffff', ...option, animation: false })
    return normaliseSvgIds(chart.renderToSVGString())
  } finally {
    chart.dispose()
  }
}

/**
 * The chart `id` of `result` as an exported SVG: the chart, with the broken-run banner above it
 * when the run is broken (report/text/banner.ts) and a caption below it that says what it shows
 * (scenario title, variants, seed, params, model, machine), so a picture passed on alone still
 * carries its provenance. The workbench draws the bare chart; every export goes through here.
 */
export function chartSvg(result: ResultJson, id: ChartId): string {
  return captionedSvg(renderChartSvg(CHART_BUILDERS[id](result)), result)
}

const CAPTION_FONT = 11
const CAPTION_LINE = 15
/** Characters per caption line at CAPTION_FONT on a CHART_WIDTH-wide chart (DejaVu Sans). */
const CAPTION_CHARS = 140

/** The caption's lines: what ran, then the machine. */
export function captionLines(result: ResultJson): string[] {
  const { title, seed, params } = result.scenario
  const variants = result.variants.map((v) => v.name).join(', ')
  const p = Object.entries(params ?? {})
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ')
  const what =
    `${title} | variants: ${variants} | seed ${seed}` +
    (p ? ` | params ${p}` : '') +
    ` | ${result.tool.name} ${result.tool.version}, model ${result.tool.model}`
  const lines = [wrap(ascii(what), '', '  ', CAPTION_CHARS)]
  if (result.machine) {
    lines.push(
      wrap(
        ascii(`machine (simulated): ${describeMachineText(result.machine)}`),
        '',
        '  ',
        CAPTION_CHARS,
      ),
    )
  }
  return lines.flatMap((l) => l.split('\n'))
}

const xml = (text: string): string =>
  text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!)

/** `svg` (one ECharts SSR document) inside a taller one with the banner above and the caption below. */
export function captionedSvg(svg: string, result: ResultJson): string {
  return composeSvg(svg, bannerLines(result, CAPTION_CHARS), captionLines(result))
}

/**
 * The caption of a sweep chart: the scenario, the swept parameters, variants, seed and model of
 * its points, and the machine of the first one (the others differ only where a parameter says).
 */
export function sweepCaptionLines(
  results: readonly ResultJson[],
  swept: readonly string[],
): string[] {
  const first = results[0]
  const variants = [...new Set(results.flatMap((r) => r.variants.map((v) => v.name)))].join(', ')
  const what =
    `${first.scenario.title} | sweep of ${swept.join(', ')} over ${results.length} points | ` +
    `variants: ${variants} | seed ${first.scenario.seed} | ${first.tool.name} ` +
    `${first.tool.version}, model ${first.tool.model}`
  const lines = [wrap(ascii(what), '', '  ', CAPTION_CHARS)]
  if (first.machine) {
    lines.push(
      wrap(
        ascii(`machine of the first point (simulated): ${describeMachineText(first.machine)}`),
        '',
        '  ',
        CAPTION_CHARS,
      ),
    )
  }
  return lines.flatMap((l) => l.split('\n'))
}

/** `svg` with `banner` lines (red) above it and `caption` lines below it, as one SVG document. */
export function composeSvg(
  svg: string,
  banner: readonly string[],
  caption: readonly string[],
): string {
  const size = /^<svg width="(\d+)" height="(\d+)"/.exec(svg)
  if (!size) throw new Error('captionedSvg: not an ECharts SVG document')
  const width = Number(size[1])
  const height = Number(size[2])
  const top = banner.length > 0 ? banner.length * CAPTION_LINE + 10 : 0
  const total = top + height + caption.length * CAPTION_LINE + 10
  const text = (lines: readonly string[], y0: number, fill: string, weight: string): string =>
    lines
      .map(
        (l, i) =>
          `<text x="12" y="${y0 + i * CAPTION_LINE}" font-family="${FONT_FAMILY}" font-size="${CAPTION_FONT}" font-weight="${weight}" fill="${fill}" xml:space="preserve">${xml(l)}</text>`,
      )
      .join('\n')
  const inner = svg.replace(/^<svg /, `<svg x="0" y="${top}" `)
  // Control characters (a scenario's labels may carry any) are not allowed in XML: shown as
  // `\x1b` text, the document stays well-formed and resvg renders it.
  return showControls(
    [
      `<svg width="${width}" height="${total}" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" viewBox="0 0 ${width} ${total}">`,
      `<rect width="${width}" height="${total}" x="0" y="0" fill="#ffffff"></rect>`,
      ...(banner.length > 0 ? [text(banner, 16, '#b00020', 'bold')] : []),
      inner,
      text(caption, top + height + 14, '#444444', 'normal'),
      '</svg>',
    ].join('\n'),
  )
}
