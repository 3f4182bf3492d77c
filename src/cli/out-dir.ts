/**
 * `--out DIR` (CONTRACT.md §2): results.json, results.csv, report.txt (mail-ready) and every chart
 * as .svg and .png. The charts are the workbench's own option builders (src/report/charts)
 * rendered by ECharts' server-side SVG renderer, then rasterised by resvg at 2x.
 *
 * The SVGs are byte-stable for a given result; the PNGs depend on the fonts installed (resvg loads
 * system fonts: no font is vendored in resources/ yet).
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { EChartsOption } from 'echarts'
import { faultLatencyOption } from '../report/charts/fault-latency'
import { pageTablesOption } from '../report/charts/page-tables'
import { formatCsv } from '../report/text/csv'
import { formatSummary } from '../report/text/summary'
import type { ResultJson } from '../shared/result'
import { writeFileAtomic } from './write-file-atomic'

const CHARTS = {
  'fault-latency': faultLatencyOption,
  'page-tables': pageTablesOption,
} as const satisfies Record<string, (result: ResultJson) => EChartsOption>

const CHART_WIDTH = 900
const CHART_HEIGHT = 560
const PNG_ZOOM = 2

/** Writes every output file into `dir` (created if missing); returns the file names written. */
export async function writeOutDir(
  dir: string,
  result: ResultJson,
  json: string,
): Promise<string[]> {
  await mkdir(dir, { recursive: true })
  const files: [string, string | Uint8Array][] = [
    ['results.json', json],
    ['results.csv', formatCsv(result)],
    ['report.txt', formatSummary(result)],
  ]
  // Loaded only for --out: ECharts and resvg take longer to import than a whole small run.
  const [echarts, { Resvg }] = await Promise.all([import('echarts'), import('@resvg/resvg-js')])
  for (const [name, build] of Object.entries(CHARTS)) {
    const chart = echarts.init(null, null, {
      renderer: 'svg',
      ssr: true,
      width: CHART_WIDTH,
      height: CHART_HEIGHT,
    })
    chart.setOption({ ...build(result), animation: false })
    const svg = chart.renderToSVGString()
    chart.dispose()
    const png = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: PNG_ZOOM },
      background: 'white',
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    })
      .render()
      .asPng()
    files.push([`${name}.svg`, svg], [`${name}.png`, png])
  }
  for (const [name, data] of files) await writeFileAtomic(join(dir, name), data)
  return files.map(([name]) => name)
}
