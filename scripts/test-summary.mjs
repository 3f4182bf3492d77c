// Sums vitest JSON reports (out/test-results/*.json) into the one line CI reads:
// "N passed, N failed" (", N skipped" when any were skipped). Exits 1 if a report is missing
// tests that failed, or if there are no reports at all (then nothing ran). The optional second
// argument is `npm test`'s exit status: a run that failed outside the reports' counts (vitest's
// "Unhandled Errors", which leave the JSON at success: true) counts as one failure and says so.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = process.argv[2] ?? 'out/test-results'
const exitStatus = Number(process.argv[3] ?? 0)
let passed = 0
let failed = 0
let skipped = 0
const listReports = () => {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.json'))
  } catch {
    return []
  }
}
const files = listReports()
for (const f of files) {
  const r = JSON.parse(readFileSync(join(dir, f), 'utf8'))
  passed += r.numPassedTests ?? 0
  failed += r.numFailedTests ?? 0
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
  if (r.success === false && (r.numFailedTests ?? 0) === 0) failed += 1 // a suite failed to load
}
if (files.length === 0) failed += 1
let why = ''
if (exitStatus !== 0 && failed === 0) {
  failed += 1
  why = ` (npm test exited ${exitStatus} beyond what the reports count: an unhandled error, or a step that wrote no report; see above)`
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}${why}`)
process.exit(failed ? 1 : 0)
