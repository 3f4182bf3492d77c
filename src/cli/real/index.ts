/**
 * `hugeswap real FILE... [--variant NAME] [--json PATH|-] [--out DIR] [--seed N]`: runs each
 * scenario in the model and on the host kernel, step by step, and puts them side by side.
 *
 * The host becomes the scenario's machine as far as it can (host.ts), a generated C program
 * replays the model's steps (trace-c.ts), and compare.ts judges what both observed. The model
 * variant is the one the kernel is: with `thp_swpout_pmd` in /proc/vmstat the PMD swap series is
 * in (pmd-swap), else baseline; --variant overrides.
 *
 * Exit status: 0 every judged observable agrees; 1 some differ; 2 it could not run (not root,
 * no compiler, a bad scenario, ...), with what is missing and how to get it.
 */
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import type { VariantName } from '../../shared/result'
import type { RunRequest } from '../../shared/worker-protocol'
import { MODEL_ID } from '../../sim/version'
import {
  EXIT_CANNOT_RUN,
  EXIT_CHECK_FAILED,
  EXIT_INTERRUPTED,
  EXIT_OK,
  describeIoError,
  formatErrorFor,
  loadScenario,
  type CliEnv,
} from '../run'
import type { RealCommandOptions as RealOptions } from '../args'
import { writeFileAtomic } from '../write-file-atomic'
import { compareRuns, formatComparison, parseKernelOutput, type Comparison } from './compare'
import { HostMachine, realSystem, type Prepared } from './host'
import { formatMarkdown } from './markdown'
import { traceModel, type Step, type Trace } from './trace'
import { ZERO_PAGE_PROBE, generateTraceProgram, unsupportedReason } from './trace-c'

export type { RealCommandOptions as RealOptions } from '../args'

/** The `real` report of one scenario (the --json output holds one per FILE). */
export interface RealReport {
  scenario: { file: string; title: string; seed: number }
  kernel: { release: string }
  model: { id: string; variant: VariantName; why: string }
  machine: { settings: string[]; notGiven: string[] }
  /** Steps replayed of the scenario's steps; where and why the replay stopped short. */
  replayed: number
  total: number
  stopped?: { step: number; describe: string; reason: string }
  strayVmas: string[]
  comparison: Comparison
}

/** Where this machine falls short of running `real` at all, with how to get it. */
export async function missingForReal(): Promise<string[]> {
  const missing: string[] = []
  if (process.getuid?.() !== 0) {
    missing.push('root: swap devices and THP knobs are root-only (run it as root, e.g. sudo)')
  }
  if (!(await which('cc'))) missing.push('a C compiler: apt-get install gcc')
  for (const tool of ['mkswap', 'swapon', 'swapoff', 'losetup']) {
    if (!(await which(tool))) missing.push(`${tool}: apt-get install util-linux`)
  }
  if (!(await realSystem.exists('/sys/kernel/mm/transparent_hugepage/enabled'))) {
    missing.push('a kernel with CONFIG_TRANSPARENT_HUGEPAGE')
  }
  if (!(await realSystem.exists('/proc/swaps'))) missing.push('a kernel with CONFIG_SWAP')
  return missing
}

async function which(cmd: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':').concat('/usr/sbin', '/sbin')) {
    if (await realSystem.exists(join(dir, cmd))) return true
  }
  return false
}

/** baseline or pmd-swap, from what the running kernel counts. */
export function kernelVariant(vmstat: string): { variant: VariantName; why: string } {
  return /^thp_swpout_pmd /m.test(vmstat)
    ? { variant: 'pmd-swap', why: 'thp_swpout_pmd is in /proc/vmstat: the PMD swap series is in' }
    : { variant: 'baseline', why: 'no thp_swpout_pmd in /proc/vmstat: a kernel without the series' }
}

/** What this host cannot replay in `step`, beyond what trace-c cannot replay anywhere. */
async function hostCannot(step: Step): Promise<string | undefined> {
  const why = unsupportedReason(step)
  if (why) return why
  if (step.method === 'reclaim') {
    const cgroup = await readFile('/proc/self/cgroup', 'utf8').catch(() => '')
    const v2 = /^0::(.*)$/m.exec(cgroup)?.[1]
    if (v2 === undefined || !(await realSystem.exists(`/sys/fs/cgroup${v2}/memory.reclaim`))) {
      return 'k.reclaim needs cgroup v2 memory.reclaim, and this host has the memory controller on cgroup v1'
    }
  }
  if (step.method === 'touch') {
    const order = (step.args[3] as { order?: string } | undefined)?.order
    if (order === 'random' && (step.pages?.length ?? 0) > 1_000_000) {
      return 'a random touch of more than a million pages'
    }
  }
  return undefined
}

export async function realCommand(options: RealOptions, env: CliEnv): Promise<number> {
  const missing = await missingForReal()
  if (missing.length) {
    env.stderr.write(
      `hugeswap real: this machine cannot run scenarios on its kernel; missing:\n${missing.map((m) => `  - ${m}\n`).join('')}`,
    )
    return EXIT_CANNOT_RUN
  }
  const vmstat = await readFile('/proc/vmstat', 'utf8')
  const chosen = options.variant
    ? { variant: options.variant, why: '--variant' }
    : kernelVariant(vmstat)
  const release = (await readFile('/proc/sys/kernel/osrelease', 'utf8')).trim()
  const quirks = await probeKernel()
  if (quirks === null) {
    env.stderr.write('hugeswap real: the C compiler could not build a probe program\n')
    return EXIT_CANNOT_RUN
  }
  const reports: RealReport[] = []
  let status = EXIT_OK
  // No FILE: the default scenario, as for run.
  for (const file of options.files.length ? options.files : [undefined]) {
    const outcome = await realOne(file, options, chosen, release, quirks, env)
    if (outcome === 'interrupted') return EXIT_INTERRUPTED
    if (typeof outcome === 'number') {
      status = Math.max(status, outcome)
      continue
    }
    reports.push(outcome)
    const c = outcome.comparison
    if (c.agreeing < c.judged) status = Math.max(status, EXIT_CHECK_FAILED)
  }
  if (options.markdown !== undefined) {
    const dirs = new Set(options.files.map((f) => dirname(f)))
    const command = [
      'hugeswap real',
      ...(options.files.length > 3 && dirs.size === 1 ? [`${[...dirs][0]}/*.ts`] : options.files),
      ...(options.variant ? ['--variant', options.variant] : []),
      '--markdown',
      options.markdown,
    ].join(' ')
    try {
      await writeFileAtomic(resolve(env.cwd, options.markdown), formatMarkdown(reports, command))
    } catch (err) {
      env.stderr.write(`hugeswap: cannot write ${options.markdown}: ${describeIoError(err)}\n`)
      return EXIT_CANNOT_RUN
    }
  }
  if (options.json !== undefined) {
    const text = JSON.stringify({ schema: 1, kind: 'hugeswap-real', reports }, null, 2) + '\n'
    if (options.json === '-') env.stdout.write(text)
    else {
      try {
        await writeFileAtomic(resolve(env.cwd, options.json), text)
      } catch (err) {
        env.stderr.write(`hugeswap: cannot write ${options.json}: ${describeIoError(err)}\n`)
        return EXIT_CANNOT_RUN
      }
    }
  }
  return status
}

async function realOne(
  file: string | undefined,
  options: RealOptions,
  chosen: { variant: VariantName; why: string },
  release: string,
  quirks: KernelQuirks,
  env: CliEnv,
): Promise<RealReport | number | 'interrupted'> {
  const say = (text: string): void => {
    // With --json - stdout holds the JSON and nothing else.
    ;(options.json === '-' ? env.stderr : env.stdout).write(text)
  }
  const loaded = await loadScenario(file, env)
  if (!loaded.ok) {
    env.stderr.write(loaded.message + '\n')
    return EXIT_CANNOT_RUN
  }
  const request: RunRequest = {
    source: loaded.source,
    fileName: loaded.fileName,
    variants: [chosen.variant],
  }
  if (options.seed !== undefined) request.seed = options.seed
  if (quirks.params) request.params = quirks.params
  // zswap enabled once since boot changes swap-in for good (zswap_never_enabled() is false):
  // a scenario run earlier, here or by anyone, may have done it.
  const zswapEverEnabled = await zswapWasEnabled()
  const traced = await traceModel(request, { zswapEverEnabled })
  if (!traced.ok) {
    env.stderr.write(formatErrorFor(traced.error, loaded.fileName, loaded.shownPath) + '\n')
    return EXIT_CANNOT_RUN
  }
  const trace = traced.trace
  let replay = trace.steps.length
  let stopped: RealReport['stopped']
  for (const [n, step] of trace.steps.entries()) {
    const reason = await hostCannot(step)
    if (reason) {
      replay = n
      stopped = { step: n, describe: step.describe, reason }
      break
    }
  }
  const steps = trace.steps.slice(0, replay)

  const dir = await mkdtemp(join(tmpdir(), 'hugeswap-real-'))
  const host = new HostMachine()
  let interrupted = false
  const onSignal = (): void => {
    interrupted = true
    child?.kill('SIGKILL')
  }
  let child: ReturnType<typeof spawn> | undefined
  try {
    const program = join(dir, 'trace')
    await writeFileAtomic(
      `${program}.c`,
      generateTraceProgram(trace, steps, trace.result.scenario.seed),
    )
    const cc = await runProcess('cc', ['-O2', '-Wall', '-Wl,-z,now', '-o', program, `${program}.c`])
    if (cc.code !== 0) {
      env.stderr.write(
        `hugeswap real: the trace program did not compile (a bug in hugeswap):\n${cc.stderr}`,
      )
      return EXIT_CANNOT_RUN
    }
    const recovered = await host.recover()
    if (recovered) say(`(undid ${recovered} setting(s) a killed earlier run left behind)\n`)
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    let prepared: Prepared
    try {
      prepared = await host.prepare(trace.machine, {
        debugfs: steps.some((s) => s.method === 'splitFolio'),
      })
    } catch (err) {
      env.stderr.write(
        `hugeswap real: cannot set the host up as the scenario's machine: ${describeIoError(err)}\n`,
      )
      return EXIT_CANNOT_RUN
    }
    const swapEnv: Record<string, string> = { HS_KHUGEPAGED_PID: String(await khugepagedPid()) }
    for (const d of prepared.swap) {
      swapEnv[`HS_SWAP${d.index}`] = d.path
      if (d.priority !== undefined) swapEnv[`HS_SWAP${d.index}_PRIO`] = String(d.priority)
    }
    if (interrupted) return 'interrupted'
    const run = runProcess(program, [], { ...process.env, ...swapEnv }, (c) => (child = c))
    const result = await run
    if (interrupted) return 'interrupted'
    const kernel = parseKernelOutput(result.stdout, trace)
    if (!kernel.complete && !kernel.failure) {
      env.stderr.write(
        `hugeswap real: the trace program stopped (status ${result.code}): ${result.stderr.trim()}\n`,
      )
      return EXIT_CANNOT_RUN
    }
    const comparison = compareRuns(trace, kernel)
    const report: RealReport = {
      scenario: {
        file: loaded.shownPath,
        title: trace.result.scenario.title,
        seed: trace.result.scenario.seed,
      },
      kernel: { release },
      model: { id: MODEL_ID, variant: chosen.variant, why: chosen.why },
      machine: {
        settings: prepared.settings,
        notGiven: [
          ...quirks.notes,
          ...(zswapEverEnabled
            ? [
                'zswap has been enabled on this kernel since boot (zswpout > 0): no mTHP swap-in; the model starts the same way',
              ]
            : []),
          ...prepared.notGiven,
        ],
      },
      replayed: kernel.steps.length,
      total: trace.steps.length,
      ...(stopped ? { stopped } : {}),
      ...(kernel.failure
        ? {
            stopped: {
              step: kernel.failure.step,
              describe: trace.steps[kernel.failure.step]?.describe ?? '',
              reason: kernel.failure.message,
            },
          }
        : {}),
      strayVmas: kernel.strayVmas,
      comparison,
    }
    say(formatReport(report))
    if (options.out) await writeOut(options.out, env, trace, report, result.stdout)
    return report
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    const problems = await host.restore()
    for (const p of problems) env.stderr.write(`hugeswap real: could not undo: ${p}\n`)
    await rm(dir, { recursive: true, force: true })
  }
}

/** DIR/<scenario>.real.txt, .real.json, and .kernel.txt (the trace program's raw output). */
async function writeOut(
  out: string,
  env: CliEnv,
  trace: Trace,
  report: RealReport,
  kernelOutput: string,
): Promise<void> {
  const dir = resolve(env.cwd, out)
  await mkdir(dir, { recursive: true })
  const base = trace.result.scenario.file.replace(/\.[cm]?[jt]s$/, '')
  await writeFileAtomic(join(dir, `${base}.real.json`), JSON.stringify(report, null, 2) + '\n')
  await writeFileAtomic(join(dir, `${base}.real.txt`), formatReport(report))
  await writeFileAtomic(join(dir, `${base}.kernel.txt`), kernelOutput)
}

export function formatReport(r: RealReport): string {
  const c = r.comparison
  const lines = [
    `${r.scenario.file}: ${r.scenario.title}`,
    `kernel ${r.kernel.release} beside model ${r.model.id}, variant ${r.model.variant} (${r.model.why})`,
    ...(r.machine.notGiven.length
      ? ['not reproduced on this host:', ...r.machine.notGiven.map((n) => `  - ${n}`)]
      : []),
    ...(r.stopped
      ? [
          `replayed ${r.replayed} of ${r.total} steps: stopped at step ${r.stopped.step} (${r.stopped.describe}): ${r.stopped.reason}`,
        ]
      : []),
    ...(r.strayVmas.length
      ? [`VMAs outside the scenario's extents: ${r.strayVmas.join(', ')}`]
      : []),
    '',
    formatComparison(c),
    `${c.judged - c.agreeing === 0 ? 'agree' : 'DIFFER'}: ${c.agreeing} of ${c.judged} judged observables agree (${c.observables} compared over ${c.steps.length} steps)`,
    '',
  ]
  return lines.join('\n')
}

/** How the running kernel departs from upstream, and the model parameters that say the same. */
interface KernelQuirks {
  params?: Record<string, string | boolean>
  notes: string[]
}

/** Whether zswap is on, or has stored a page since boot. */
async function zswapWasEnabled(): Promise<boolean> {
  const enabled = await readFile('/sys/module/zswap/parameters/enabled', 'utf8').catch(() => 'N')
  const vmstat = await readFile('/proc/vmstat', 'utf8').catch(() => '')
  const stored = Number(/^zswpout (\d+)$/m.exec(vmstat)?.[1] ?? 0)
  return /^[Y1]/.test(enabled.trim()) || stored > 0
}

/** 6.18 and before: the baseline as it was before the swap table phase II series. */
export function kernelBaseFor(release: string): 'mm-2026' | 'v6.18' {
  const m = /^(\d+)\.(\d+)/.exec(release)
  if (!m) return 'mm-2026'
  const [major, minor] = [Number(m[1]), Number(m[2])]
  return major < 6 || (major === 6 && minor <= 18) ? 'v6.18' : 'mm-2026'
}

/** Probes the kernel (a read fault on fresh memory); null when the probe could not be built. */
async function probeKernel(): Promise<KernelQuirks | null> {
  const dir = await mkdtemp(join(tmpdir(), 'hugeswap-probe-'))
  try {
    await writeFileAtomic(join(dir, 'probe.c'), ZERO_PAGE_PROBE)
    const cc = await runProcess('cc', ['-O2', '-o', join(dir, 'probe'), join(dir, 'probe.c')])
    if (cc.code !== 0) return null
    const release = (await readFile('/proc/sys/kernel/osrelease', 'utf8')).trim()
    const base = kernelBaseFor(release)
    const quirks: KernelQuirks = {
      params: { 'machine.kernel_base': base },
      notes:
        base === 'v6.18'
          ? [
              `kernel ${release} predates swap table phase II: the model follows machine.kernel_base = 'v6.18' (zram swap-in of a shared slot reads ahead; the swap cache stays)`,
            ]
          : [],
    }
    const out = await runProcess(join(dir, 'probe'), [])
    if (out.stdout.trim() !== '1') return quirks
    const cmdline = await readFile('/proc/cmdline', 'utf8').catch(() => '')
    const why = /\bpvm_no_zero_page=1\b/.test(cmdline)
      ? 'booted with pvm_no_zero_page=1'
      : 'mm_forbids_zeropage()'
    quirks.params!['machine.mm_forbids_zeropage'] = true
    quirks.notes.push(
      `the zero page: this kernel maps a fresh page for a read fault (${why}); the model runs with machine.mm_forbids_zeropage = true`,
    )
    return quirks
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** The khugepaged thread's pid (0 when there is none). */
async function khugepagedPid(): Promise<number> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const comm = await readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '')
    if (comm.trim() === 'khugepaged') return Number(entry)
  }
  return 0
}

interface ProcessResult {
  code: number | null
  stdout: string
  stderr: string
}

function runProcess(
  cmd: string,
  args: string[],
  envVars: NodeJS.ProcessEnv = process.env,
  onChild?: (c: ReturnType<typeof spawn>) => void,
): Promise<ProcessResult> {
  return new Promise((done, fail) => {
    const c = spawn(cmd, args, { env: envVars, stdio: ['ignore', 'pipe', 'pipe'] })
    onChild?.(c)
    const out: Buffer[] = []
    const err: Buffer[] = []
    c.stdout.on('data', (b: Buffer) => out.push(b))
    c.stderr.on('data', (b: Buffer) => err.push(b))
    c.on('error', fail)
    c.on('close', (code) =>
      done({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    )
  })
}
