/**
 * `hugeswap export-selftest FILE [--out DIR]`: a C kselftest skeleton shaped like
 * tools/testing/selftests/mm/pmd_swap.c, plus a README.txt with a usemem starting point and a
 * virtme-ng command line for the scenario's machine.
 *
 * The scenario runs once (one variant, --variant, default pmd-swap) in a process of its own, its
 * simulator calls recorded and probed (record.ts); the steps are translated to C statements
 * (translate.ts) inside the file's fixed parts (c-file.ts, c-harness.ts), and the README is
 * written from the same recording (readme.ts). Not translated, left as TODO comments in the test:
 * userfaultfd (register, protect, move, events), GUP pins, memory cgroups, random touch order
 * (touched sequentially), and the scenario's own k.expect checks (listed with their simulated
 * values at the end of the test).
 */
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { forkScenarioProcess, startJob } from '../../scenario/node-host'
import type { RunRequest } from '../../shared/worker-protocol'
import { checkWritable, writeFileAtomic } from '../../node/write-file'
import type { ExportSelftestOptions } from '../args'
import {
  EXIT_CANNOT_RUN,
  EXIT_OK,
  describeIoError,
  formatErrorFor,
  loadScenario,
  withModelBudget,
  type CliEnv,
} from '../run'
import { generateSelftest } from './c-file'
import { generateReadme } from './readme'
import type { Recording } from './record'

export { formatBytes } from './c-text'
export { generateSelftest } from './c-file'
export { generateReadme } from './readme'
export {
  recordScenario,
  type Probe,
  type Recording,
  type StepObserver,
  type TraceStep,
} from './record'

export async function exportSelftestCommand(
  options: ExportSelftestOptions,
  env: CliEnv,
): Promise<number> {
  const loaded = await loadScenario(options.file, env)
  if (!loaded.ok) {
    env.stderr.write(loaded.message + '\n')
    return EXIT_CANNOT_RUN
  }
  try {
    await checkWritable(resolve(env.cwd, options.out ?? '.'), true)
  } catch (err) {
    env.stderr.write(`hugeswap: cannot write: ${describeIoError(err)}\n`)
    return EXIT_CANNOT_RUN
  }
  const variant = options.variant ?? 'pmd-swap'
  const request: RunRequest = {
    source: loaded.source,
    fileName: loaded.fileName,
    variants: [variant],
  }
  if (options.seed !== undefined) request.seed = options.seed
  withModelBudget(request, options.limits)
  // Recorded in a process of its own, under a run's limits (node-host.ts).
  const recorded = await startJob<{ recording: Recording }>('record', request, {
    start: () => forkScenarioProcess(env.processEntry),
    ...options.limits,
  }).result
  if (!recorded.ok) {
    env.stderr.write(formatErrorFor(recorded.error, loaded.fileName, loaded.shownPath) + '\n')
    return EXIT_CANNOT_RUN
  }
  const name = testName(loaded.fileName)
  const cFile = `pmd_swap_${name}.c`
  const c = generateSelftest(recorded.recording, { name, variant, source: loaded.source })
  const readme = generateReadme(recorded.recording, { name, cFile, variant })
  const dir = resolve(env.cwd, options.out ?? '.')
  try {
    await mkdir(dir, { recursive: true })
    await writeFileAtomic(join(dir, cFile), c)
    await writeFileAtomic(join(dir, 'README.txt'), readme)
  } catch (err) {
    env.stderr.write(`hugeswap: cannot write ${options.out ?? '.'}: ${describeIoError(err)}\n`)
    return EXIT_CANNOT_RUN
  }
  env.stdout.write(
    `${join(options.out ?? '.', cFile)}\n${join(options.out ?? '.', 'README.txt')}\n`,
  )
  return EXIT_OK
}

/** `fork_cow.ts` -> `fork_cow`: a C identifier. */
export function testName(fileName: string): string {
  const base = fileName.replace(/\.[cm]?[jt]s$/, '')
  const id = base.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=\d)/, 's_')
  return id === '' ? 'scenario' : id
}
