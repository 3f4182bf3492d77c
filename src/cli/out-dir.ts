/**
 * `--out DIR` (docs/cli.md#output-files): results.json, results.csv, report.txt (mail-ready) and
 * every chart of src/report/export.ts as .svg and .png. The SVGs are the workbench's own export
 * bytes (the same chartSvg: chart, caption, and the banner of a broken run); the PNGs are resvg at
 * 2x with only the DejaVu Sans vendored in resources/fonts/ loaded, so they too are the same bytes
 * on every machine.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { formatCsv } from '../report/text/csv'
import { formatMailReport } from '../report/text'
import type { ResultJson } from '../shared/result'
import { replaceDirectory } from '../node/write-file'

/**
 * Writes every output file into `dir`, replacing what an earlier --out left there as a whole
 * (never a mix of two runs; a directory holding other files is refused); returns the names.
 */
export async function writeOutDir(
  dir: string,
  result: ResultJson,
  json: string,
): Promise<string[]> {
  const files: [string, string | Uint8Array][] = [
    ['results.json', json],
    ['results.csv', formatCsv(result)],
    // Mail-ready: the short summary, the LKP table, latency histograms and the footer.
    ['report.txt', formatMailReport(result)],
  ]
  // Loaded only for --out: ECharts and resvg take longer to import than a whole small run.
  const [{ CHART_IDS, chartSvg }, { svgToPng }] = await Promise.all([
    import('../report/export'),
    import('./png'),
  ])
  for (const id of CHART_IDS) {
    const svg = chartSvg(result, id)
    files.push([`${id}.svg`, svg], [`${id}.png`, svgToPng(svg)])
  }
  const names = files.map(([name]) => name)
  const ours = new Set(names)
  await replaceDirectory(
    dir,
    (name) => ours.has(name),
    async (tmp) => {
      for (const [name, data] of files) await writeFile(join(tmp, name), data)
    },
  )
  return names
}
