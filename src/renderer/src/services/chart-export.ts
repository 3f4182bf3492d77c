/**
 * The workbench's chart export: the same builders and the same SVG renderer as the CLI's
 * `--out DIR`, so an exported chart is byte-identical to the CLI's file (tests/report).
 */
import type { ResultJson } from '../../../shared/result'
import { chartSvg, type ChartId } from '../../../report/export'

/** The exported chart: captioned (and bannered for a broken run) exactly as the CLI writes it. */
export function exportChartSvg(result: ResultJson, id: ChartId): string {
  return chartSvg(result, id)
}

/**
 * `fork-heap.page-tables.svg`: the scenario's file name (or title) without its extension, then
 * the chart, so exports from several scenarios do not overwrite each other in one folder.
 */
export function exportFileName(result: ResultJson, what: string, ext: string): string {
  const base = (result.scenario.file || result.scenario.title || 'scenario')
    .replace(/\.[cm]?[jt]s$/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
  return `${base || 'scenario'}.${what}.${ext}`
}
