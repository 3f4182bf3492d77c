/** Every text format, for the CLI and the app's export (all pure functions of the result JSON). */
export { CSV_FINAL, CSV_HEADER, formatCsv } from './csv'
export { bpftraceHist, formatHistograms, histogramsBody } from './histograms'
export { absoluteChange, formatLkp, lkpBody, LKP_STDDEV_MIN_PERCENT, percentChange } from './lkp'
export { formatMailReport } from './mail'
export {
  aggregateRuns,
  formatFooter,
  toRuns,
  type AggregatedMetric,
  type MetricStats,
  type RunsAggregate,
  type RunsInput,
} from './metrics'
export { formatMmtests, mmtestsBody } from './mmtests'
export { formatShortSummary, PROSE_MAX_COLUMNS, shortSummaryBody, wrap } from './short-summary'
export { formatSummary, TABLE_MAX_COLUMNS } from './summary'
