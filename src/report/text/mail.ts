/**
 * report.txt: everything a linux-mm mail about a run needs, in the order it is pasted: the short
 * summary (prose, 75 columns), the LKP comparison table, the bpftrace-style fault latency
 * histograms, then one footer naming the scenario, seed(s), hugeswap version and model. ASCII only.
 */
import { histogramsBody } from './histograms'
import { lkpBody } from './lkp'
import { formatFooter, type RunsInput } from './metrics'
import { shortSummaryBody } from './short-summary'

export function formatMailReport(input: RunsInput): string {
  return [
    shortSummaryBody(input),
    lkpBody(input),
    histogramsBody(input),
    formatFooter(input) + '\n',
  ].join('\n')
}
