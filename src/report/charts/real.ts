/**
 * The chart of a `hugeswap real` report: per step, the judged observables that agree with the
 * kernel and those that differ, stacked. A step that differs stands out in red; hovering it
 * names the step. Pure function of one report (src/shared/real-report.ts).
 */
import type { EChartsOption } from 'echarts'
import type { RealReport } from '../../shared/real-report'
import { chartTitle, legendLayout, plotGrid, TEXT_STYLE, yAxisName } from './variants'

export const AGREE_COLOR = '#3a8f5c'
export const DIFFER_COLOR = '#c8433a'

/** Per step: [agreeing, differing] judged observables. */
export function agreementByStep(
  report: RealReport,
): { step: string; agree: number; differ: number }[] {
  return report.comparison.steps.map((s) => {
    const judged = s.rows.filter((r) => r.judged)
    const agree = judged.filter((r) => r.agree).length
    return { step: `${s.index}: ${s.describe}`, agree, differ: judged.length - agree }
  })
}

export function realAgreementOption(report: RealReport): EChartsOption {
  const rows = agreementByStep(report)
  const { legend, plotTop } = legendLayout(2)
  return {
    animation: false,
    textStyle: TEXT_STYLE,
    title: chartTitle(`${report.scenario.file}: model beside kernel ${report.kernel.release}`),
    legend: { ...legend, data: ['agree', 'differ'] },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: plotGrid(plotTop),
    xAxis: {
      type: 'category',
      name: 'step',
      data: rows.map((r) => r.step),
      axisLabel: { formatter: (v: string) => v.split(':')[0] },
    },
    yAxis: { type: 'value', minInterval: 1, ...yAxisName('judged observables') },
    series: [
      {
        name: 'agree',
        type: 'bar',
        stack: 'judged',
        itemStyle: { color: AGREE_COLOR },
        data: rows.map((r) => r.agree),
      },
      {
        name: 'differ',
        type: 'bar',
        stack: 'judged',
        itemStyle: { color: DIFFER_COLOR },
        data: rows.map((r) => r.differ),
      },
    ],
  }
}
