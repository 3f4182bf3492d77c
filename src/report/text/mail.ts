/**
 * report.txt: everything a linux-mm mail about a run needs, in the order it is pasted: the
 * broken-run banner when a task was OOM-killed, a warning was raised or a check failed; the short
 * summary (prose, 75 columns); time in faults per phase with per-type p50/p99; the LKP comparison
 * (one block per variant against baseline); the bpftrace-style fault latency histograms; then the
 * footer with what it takes to rerun it. ASCII only, every line at most MAIL_MAX_COLUMNS wide.
 */
import { bannerLines } from './banner'
import { histogramsBody } from './histograms'
import { lkpBody } from './lkp'
import { formatFooter, type RunsInput } from './metrics'
import { MAIL_MAX_COLUMNS, phasesBody } from './phases'
import { shortSummaryBody } from './short-summary'

export function formatMailReport(input: RunsInput): string {
  const banner = bannerLines(input, MAIL_MAX_COLUMNS)
  const phases = phasesBody(input)
  return [
    ...(banner.length > 0 ? [banner.join('\n') + '\n'] : []),
    shortSummaryBody(input),
    ...(phases !== '' ? [phases] : []),
    lkpBody(input, { maxColumns: MAIL_MAX_COLUMNS }),
    histogramsBody(input, { maxColumns: MAIL_MAX_COLUMNS }),
    formatFooter(input) + '\n',
  ].join('\n')
}
