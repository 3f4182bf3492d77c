/**
 * The workbench's chart export: the same builders and the same SVG renderer as the CLI's
 * `--out DIR`, so an exported chart is byte-identical to the CLI's file (tests/report).
 */
import type { ResultJson } from '../../../shared/result'
import { CHART_BUILDERS, renderChartSvg, type ChartId } from '../../../report/export'

export function exportChartSvg(result: ResultJson, id: ChartId): string {
  return renderChartSvg(CHART_BUILDERS[id](result))
}
