/**
 * `--out DIR` (CONTRACT.md §2): results.json, results.csv, report.txt (mail-ready) and every chart
 * of src/report/export.ts as .svg and .png. The SVGs are the workbench's own export bytes (the same
 * chartSvg: chart, caption, and the banner of a broken run); the PNGs are resvg at 2x with only the DejaVu Sans vendored in
 * resources/fonts/ loaded, so they too are the same bytes on every machine.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { formatCsv } from '../report/text/csv'
import { formatMailReport } from '../report/text'
import type { ResultJson } from '../shared/result'
import { writeFileAtomic } from './write-file-atomic'

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
    // Mail-ready: the short summary, the LKP table, latency histograms and the footer.
    ['report.txt', formatMailReport(result)],
  ]
  // Loaded only for --out: ECharts and resvg take longer to import than a whole small run.
  const [{ CHART_IDS, chartSvg }, { svgToPng }] = await Promise.all([
    import('../report/export'),
    import('../report/png'),
  ])
  for (const id of CHART_IDS) {
    const svg = chartSvg(result, id)
    files.push([`${id}.svg`, svg], [`${id}.png`, svgToPng(svg)])
  }
  for (const [name, data] of files) await writeFileAtomic(join(dir, name), data)
  return files.map(([name]) => name)
}
