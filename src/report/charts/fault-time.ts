/**
 * Time in faults per phase, per variant (bars, ms): the latency figure a reviewer quotes first,
 * phase by phase (k.phase() names, or the stretches between snapshots); phases in which no
 * variant faulted are left out. Per-type p50/p99 are in the text reports' phase table. Pure
 * function of the result JSON.
 */
import type { EChartsOption } from 'echarts'
import type { ResultJson, VariantResult } from '../../shared/result'
import { variantBarsOption, yAxisName } from './variants'

export const FAULT_TIME_TITLE = 'Time in faults per phase'

/** Phase names in run order, across variants, that some variant took a fault in. */
export function faultPhases(result: ResultJson): string[] {
  const names: string[] = []
  for (const v of result.variants) {
    for (const p of v.phases ?? []) {
      if (p.faults.count > 0 && !names.includes(p.name)) names.push(p.name)
    }
  }
  return names
}

export function faultTimeOption(result: ResultJson): EChartsOption {
  const phases = faultPhases(result)
  const ms = (v: VariantResult, phase: string): number | '-' => {
    const p = v.phases?.find((x) => x.name === phase)
    // Three significant digits: the bytes stay stable and the tooltip readable.
    return p ? Number((p.faults.totalNs / 1e6).toPrecision(3)) : '-'
  }
  return variantBarsOption(result, FAULT_TIME_TITLE, phases, ms, {
    xAxis: {
      name: phases.length > 0 ? 'phase' : 'no faults',
      axisLabel: { interval: 0, width: 110, overflow: 'break', hideOverlap: true },
    },
    yAxis: { type: 'value', min: 0, ...yAxisName('time in faults (ms, simulated)') },
  })
}
