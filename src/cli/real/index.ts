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
import { jsonForTerminal } from '../../shared/terminal'
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
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
import { loadMeasuredCosts } from '../costs'
import { formatBytes } from '../export-selftest/c-text'
import { writeFileAtomic } from '../../node/write-file'
import type { RealReport } from '../../shared/real-report'
import { compareRuns, formatComparison, parseKernelOutput } from './compare'
import { HostMachine, realSystem, type Prepared, type System } from './host'
import { formatMarkdown } from './markdown'
import { type Step, type Trace, type TraceOptions } from './trace'
import { forkScenarioProcess, startJob } from '../../scenario/node-host'
import { ZERO_PAGE_PROBE, generateTraceProgram, unsupportedReason } from './trace-c'
import {
  Guest,
  GuestError,
  guestSystem,
  missingForVm,
  resolveGuestKernel,
  shq,
  type GuestKernel,
} from './vm'

export type { RealCommandOptions as RealOptions } from '../args'

export type { RealReport } from '../../shared/real-report'

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
  // A swap file lives on a filesystem of its own (a non-rotational loop device).
  if (!(await which('mkfs.ext4'))) missing.push('mkfs.ext4: apt-get install e2fsprogs')
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

/**
 * Where the scenario meets a kernel: this machine's, or one booted in QEMU. Everything `real`
 * does to the kernel side goes through one of these.
 */
interface Target {
  /** For the report: 'this host' or the VM and its kernel image. */
  where: string
  release: string
  sys: System
  /** Build programs static (the guest has no C library). */
  static: boolean
  /** Runs a compiled program there with `env` added; its output. */
  run(
    program: string,
    env: Record<string, string>,
    onChild?: (c: ChildHandle) => void,
  ): Promise<ProcessResult>
  /** Whether k.reclaim can be replayed there (cgroup v2 memory.reclaim). */
  canReclaim(): Promise<boolean>
  close(): Promise<void>
}

interface ChildHandle {
  kill(signal?: NodeJS.Signals): unknown
}

const hostTarget = async (): Promise<Target> => ({
  where: 'this host',
  release: (await readFile('/proc/sys/kernel/osrelease', 'utf8')).trim(),
  sys: realSystem,
  static: false,
  run: (program, env, onChild) => runProcess(program, [], { ...process.env, ...env }, onChild),
  async canReclaim() {
    const cgroup = await readFile('/proc/self/cgroup', 'utf8').catch(() => '')
    const v2 = /^0::(.*)$/m.exec(cgroup)?.[1]
    return v2 !== undefined && (await realSystem.exists(`/sys/fs/cgroup${v2}/memory.reclaim`))
  },
  close: async () => undefined,
})

/** RAM a guest gets beyond the scenario's, for its kernel and initramfs (then held as ballast). */
const GUEST_EXTRA_RAM = 192 * 2 ** 20

/** The guest's cgroup (init.sh makes it): memory.reclaim for k.reclaim. */
const GUEST_CGROUP = '/sys/fs/cgroup/hugeswap'

function vmTarget(guest: Guest, kernel: GuestKernel): Target {
  const sys = guestSystem(guest)
  return {
    where: `QEMU (${guest.accel === 'kvm' ? 'KVM' : 'TCG'}) booting ${kernel.image}`,
    release: guest.release,
    sys,
    static: true,
    async run(program, env, onChild) {
      const inGuest = `/hs/${program.split('/').pop()}`
      await guest.put(program, inGuest)
      onChild?.({ kill: () => guest.kill() })
      const exports = Object.entries(env)
        .map(([k, v]) => `export ${k}=${shq(v)}\n`)
        .join('')
      const r = await guest.exec(
        `echo $$ > ${GUEST_CGROUP}/cgroup.procs 2>/dev/null\n${exports}exec ${inGuest}\n`,
        3_600_000,
      )
      return { code: r.code, stdout: r.stdout, stderr: r.stderr }
    },
    canReclaim: () => sys.exists(`${GUEST_CGROUP}/memory.reclaim`),
    close: () => guest.shutdown(),
  }
}

/** What `target` cannot replay in `step`, beyond what trace-c cannot replay anywhere. */
async function targetCannot(target: Target, step: Step): Promise<string | undefined> {
  const why = unsupportedReason(step)
  if (why) return why
  if (step.method === 'uffdMove' && olderThan(target.release, 6, 8)) {
    return `UFFDIO_MOVE came in Linux 6.8 ("userfaultfd: UFFDIO_MOVE uABI"); this kernel is ${target.release}`
  }
  if (step.method === 'reclaim' && !(await target.canReclaim())) {
    return 'k.reclaim needs cgroup v2 memory.reclaim, and this host has the memory controller on cgroup v1 (--kernel debian runs it in a VM)'
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
  if (options.kernel !== undefined) {
    // A kernel in QEMU needs no root: nothing of the host changes.
    missing.splice(0, missing.length, ...(await missingForVm(which)))
  }
  if (missing.length) {
    env.stderr.write(
      `hugeswap real: this machine cannot run scenarios on ${options.kernel === undefined ? 'its kernel' : 'a kernel in QEMU'}; missing:\n${missing.map((m) => `  - ${m}\n`).join('')}`,
    )
    return EXIT_CANNOT_RUN
  }
  let guestKernel: GuestKernel | undefined
  let host: { target: Target; facts: KernelFacts } | undefined
  if (options.kernel !== undefined) {
    try {
      guestKernel = await resolveGuestKernel(options.kernel)
    } catch (err) {
      env.stderr.write(`hugeswap real: ${err instanceof Error ? err.message : String(err)}\n`)
      return EXIT_CANNOT_RUN
    }
  } else {
    const target = await hostTarget()
    const facts = await kernelFacts(target)
    if (facts === null) {
      env.stderr.write('hugeswap real: the C compiler could not build a probe program\n')
      return EXIT_CANNOT_RUN
    }
    host = { target, facts }
  }
  const reports: RealReport[] = []
  let status = EXIT_OK
  // No FILE: the default scenario, as for run.
  for (const file of options.files.length ? options.files : [undefined]) {
    const outcome = await realOne(file, options, env, host ?? { kernel: guestKernel! })
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
      ...(options.kernel ? ['--kernel', options.kernel] : []),
      ...(options.variant ? ['--variant', options.variant] : []),
      ...(options.tolerance !== undefined ? ['--tolerance', `${options.tolerance * 100}%`] : []),
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
    const text =
      jsonForTerminal(JSON.stringify({ schema: 1, kind: 'hugeswap-real', reports }, null, 2)) + '\n'
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

/** What the kernel is, as the model needs to know it. */
interface KernelFacts {
  vmstat: string
  quirks: KernelQuirks
}

async function kernelFacts(target: Target): Promise<KernelFacts | null> {
  const quirks = await probeKernel(target)
  if (quirks === null) return null
  return { vmstat: await target.sys.read('/proc/vmstat'), quirks }
}

async function realOne(
  file: string | undefined,
  options: RealOptions,
  env: CliEnv,
  where: { target: Target; facts: KernelFacts } | { kernel: GuestKernel },
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
  const costs = await loadMeasuredCosts(options.costs, env.cwd)
  if (!costs.ok) {
    env.stderr.write(costs.message + '\n')
    return EXIT_CANNOT_RUN
  }
  // The model's trace of the scenario (untrusted code) runs in a scenario process of its own,
  // under a run's limits, like every other command's.
  const traceInProcess = (request: RunRequest, traceOptions: TraceOptions) =>
    startJob<{ trace: Trace }>(
      'trace',
      request,
      { start: () => forkScenarioProcess(env.processEntry) },
      traceOptions,
    ).result
  const requestFor = (variant: VariantName, quirks?: KernelQuirks): RunRequest => {
    const request: RunRequest = {
      source: loaded.source,
      fileName: loaded.fileName,
      variants: [variant],
    }
    if (options.seed !== undefined) request.seed = options.seed
    if (quirks?.params) request.params = quirks.params
    if (costs.costs) request.measuredCosts = costs.costs
    return request
  }

  let interrupted = false
  let child: ChildHandle | undefined
  const onSignal = (): void => {
    interrupted = true
    child?.kill('SIGKILL')
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  let target: Target | undefined
  let machineHost: HostMachine | undefined
  const dir = await mkdtemp(join(tmpdir(), 'hugeswap-real-'))
  try {
    let facts: KernelFacts
    if ('target' in where) {
      target = where.target
      facts = where.facts
    } else {
      // The guest is booted as the scenario's machine (its RAM, its disks): the model's machine
      // is read from a first run, which no kernel fact changes.
      const first = await traceInProcess(requestFor(options.variant ?? 'baseline'), {
        zswapEverEnabled: false,
      })
      if (!first.ok) {
        env.stderr.write(formatErrorFor(first.error, loaded.fileName, loaded.shownPath) + '\n')
        return EXIT_CANNOT_RUN
      }
      say(
        `(booting ${where.kernel.image} with ${formatBytes(first.trace.machine.memoryBytes)} of RAM)\n`,
      )
      let guest: Guest
      try {
        guest = await Guest.boot({
          kernel: where.kernel,
          machine: first.trace.machine,
          extraRamBytes: GUEST_EXTRA_RAM,
          consoleLog: join(dir, 'console.log'),
          kvm: await realSystem.exists('/dev/kvm'),
          say,
        })
      } catch (err) {
        env.stderr.write(`hugeswap real: ${err instanceof Error ? err.message : String(err)}\n`)
        return EXIT_CANNOT_RUN
      }
      target = vmTarget(guest, where.kernel)
      child = { kill: () => guest.kill() }
      if (interrupted) return 'interrupted'
      const got = await kernelFacts(target)
      if (got === null) {
        env.stderr.write(
          'hugeswap real: the C compiler could not build a static probe program (static linking needs libc6-dev)\n',
        )
        return EXIT_CANNOT_RUN
      }
      facts = got
      facts.quirks.notes.push(...(await guestNotes(target, first.trace.machine.memoryBytes)))
    }
    const chosen = options.variant
      ? { variant: options.variant, why: '--variant' }
      : kernelVariant(facts.vmstat)
    // zswap enabled once since boot changes swap-in for good (zswap_never_enabled() is false):
    // a scenario run earlier, here or by anyone, may have done it.
    const zswapEverEnabled = await zswapWasEnabled(target.sys)
    const traced = await traceInProcess(requestFor(chosen.variant, facts.quirks), {
      zswapEverEnabled,
    })
    if (!traced.ok) {
      env.stderr.write(formatErrorFor(traced.error, loaded.fileName, loaded.shownPath) + '\n')
      return EXIT_CANNOT_RUN
    }
    const trace = traced.trace
    let replay = trace.steps.length
    let stopped: RealReport['stopped']
    for (const [n, step] of trace.steps.entries()) {
      const reason = await targetCannot(target, step)
      if (reason) {
        replay = n
        stopped = { step: n, describe: step.describe, reason }
        break
      }
    }
    const steps = trace.steps.slice(0, replay)

    const program = join(dir, 'trace')
    await writeFileAtomic(
      `${program}.c`,
      generateTraceProgram(trace, steps, trace.result.scenario.seed),
    )
    const cc = await runProcess('cc', [
      '-O2',
      '-Wall',
      '-Wl,-z,now',
      ...(target.static ? ['-static'] : []),
      '-o',
      program,
      `${program}.c`,
    ])
    if (cc.code !== 0) {
      env.stderr.write(
        `hugeswap real: the trace program did not compile (a bug in hugeswap):\n${cc.stderr}`,
      )
      return EXIT_CANNOT_RUN
    }
    machineHost = new HostMachine(target.sys)
    const recovered = await machineHost.recover()
    if (recovered) say(`(undid ${recovered} setting(s) a killed earlier run left behind)\n`)
    let prepared: Prepared
    const on = target
    try {
      prepared = await machineHost.prepare(trace.machine, {
        debugfs: steps.some((s) => s.method === 'splitFolio'),
        guest: target.static,
        primeReadahead: async (device) => {
          const r = await on.run(program, { HS_PRIME_RA: device })
          if (r.code !== 0) {
            throw new Error(`priming swap readahead on ${device}: ${r.stderr.trim()}`)
          }
        },
      })
    } catch (err) {
      env.stderr.write(
        `hugeswap real: cannot set ${target.where} up as the scenario's machine: ${describeIoError(err)}\n`,
      )
      return EXIT_CANNOT_RUN
    }
    if (target.static) {
      const modelFree = trace.initial.vmstat.nr_free_pages
      if (modelFree !== undefined) prepared.notGiven.push(...(await ballast(target.sys, modelFree)))
    }
    const swapEnv: Record<string, string> = {
      HS_KHUGEPAGED_PID: String(await khugepagedPid(target.sys)),
    }
    if (splitRssCounting(target.release)) {
      swapEnv.HS_RSS_ROLLUP = '1'
      prepared.notGiven.push(
        `kernel ${target.release} caches RSS counters per thread (before 6.2, f1a7941243c1 "mm: convert mm's rss stats into percpu_counter"): VmSwap and RssAnon are read from smaps_rollup (Swap, Anonymous), which is exact`,
      )
    }
    for (const d of prepared.swap) {
      swapEnv[`HS_SWAP${d.index}`] = d.path
      if (d.priority !== undefined) swapEnv[`HS_SWAP${d.index}_PRIO`] = String(d.priority)
    }
    if (interrupted) return 'interrupted'
    const result = await target
      .run(program, swapEnv, (c) => (child = c))
      .catch((err) => {
        if (interrupted) return null
        throw err
      })
    if (interrupted || result === null) return 'interrupted'
    const kernel = parseKernelOutput(result.stdout, trace)
    if (!kernel.complete && !kernel.failure) {
      env.stderr.write(
        `hugeswap real: the trace program stopped (status ${result.code}): ${result.stderr.trim()}\n`,
      )
      return EXIT_CANNOT_RUN
    }
    const comparison = compareRuns(
      trace,
      kernel,
      options.tolerance === undefined ? {} : { tolerance: options.tolerance },
    )
    const report: RealReport = {
      scenario: {
        file: loaded.shownPath,
        title: trace.result.scenario.title,
        seed: trace.result.scenario.seed,
      },
      kernel: { release: target.release, where: target.where },
      model: { id: MODEL_ID, variant: chosen.variant, why: chosen.why },
      machine: {
        settings: prepared.settings,
        notGiven: [
          ...facts.quirks.notes,
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
  } catch (err) {
    if (err instanceof GuestError) {
      env.stderr.write(`hugeswap real: ${err.message}\n`)
      return EXIT_CANNOT_RUN
    }
    throw err
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    if (target && 'kernel' in where) await target.close()
    else if (machineHost) {
      const problems = await machineHost.restore()
      for (const p of problems) env.stderr.write(`hugeswap real: could not undo: ${p}\n`)
    }
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * A guest boots with more RAM than the scenario's machine (its kernel and initramfs take some);
 * the excess is then held by HugeTLB pages, which leave the page allocator and no reclaim can
 * touch, so that the guest starts with as many free pages as the model's machine.
 */
async function ballast(sys: System, modelFreePages: number): Promise<string[]> {
  const freePages = async (): Promise<number> =>
    Number(/^nr_free_pages (\d+)$/m.exec(await sys.read('/proc/vmstat'))?.[1] ?? 0)
  await sys.write('/proc/sys/vm/drop_caches', '3')
  await sys.write('/proc/sys/vm/compact_memory', '1').catch(() => undefined)
  const excess = (await freePages()) - modelFreePages
  if (excess < 0) {
    return [
      `memory: the guest starts with ${-excess * 4} kB less free memory than the model's machine (${modelFreePages * 4} kB)`,
    ]
  }
  await sys.write('/proc/sys/vm/nr_hugepages', String(Math.floor(excess / 512)))
  const held = Number((await sys.read('/proc/sys/vm/nr_hugepages')).trim())
  const free = await freePages()
  return [
    `memory: ${held} HugeTLB pages (${held * 2} MiB) hold the guest's extra RAM as ballast; it starts with ${free * 4} kB free, the model's machine with ${modelFreePages * 4} kB`,
  ]
}

/** What a guest is short of the scenario's machine: the kernel keeps part of its RAM. */
async function guestNotes(target: Target, memoryBytes: number): Promise<string[]> {
  const meminfo = await target.sys.read('/proc/meminfo')
  const total = Number(/MemTotal:\s+(\d+)/.exec(meminfo)?.[1] ?? 0)
  return [
    `memory ${formatBytes(memoryBytes)}: the guest boots with ${formatBytes(memoryBytes + GUEST_EXTRA_RAM)} (MemTotal ${total} kB) and holds what is beyond the model's free memory as ballast`,
  ]
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
    `kernel ${r.kernel.release} (${r.kernel.where}) beside model ${r.model.id}, variant ${r.model.variant} (${r.model.why})`,
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
async function zswapWasEnabled(sys: System): Promise<boolean> {
  const enabled = await sys.read('/sys/module/zswap/parameters/enabled').catch(() => 'N')
  const vmstat = await sys.read('/proc/vmstat').catch(() => '')
  const stored = Number(/^zswpout (\d+)$/m.exec(vmstat)?.[1] ?? 0)
  return /^[Y1]/.test(enabled.trim()) || stored > 0
}

/** Kernels before 6.2 fold per-thread RSS deltas into the mm only every 64 faults. */
export function splitRssCounting(release: string): boolean {
  return olderThan(release, 6, 2) ?? false
}

/** 6.18 and before: the baseline as it was before the swap table phase II series. */
export function kernelBaseFor(release: string): 'mm-2026' | 'v6.18' {
  return olderThan(release, 6, 19) ? 'v6.18' : 'mm-2026'
}

/** Whether `release` (uname -r) is before major.minor; undefined when it does not say. */
function olderThan(release: string, major: number, minor: number): boolean | undefined {
  const m = /^(\d+)\.(\d+)/.exec(release)
  if (!m) return undefined
  const [a, b] = [Number(m[1]), Number(m[2])]
  return a < major || (a === major && b < minor)
}

/** Probes the kernel (a read fault on fresh memory); null when the probe could not be built. */
async function probeKernel(target: Target): Promise<KernelQuirks | null> {
  const dir = await mkdtemp(join(tmpdir(), 'hugeswap-probe-'))
  try {
    const probe = join(dir, 'probe')
    await writeFileAtomic(`${probe}.c`, ZERO_PAGE_PROBE)
    const flags = target.static ? ['-static'] : []
    const cc = await runProcess('cc', ['-O2', ...flags, '-o', probe, `${probe}.c`])
    if (cc.code !== 0) return null
    const release = target.release
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
    const out = await target.run(probe, {})
    if (out.stdout.trim() !== '1') return quirks
    const cmdline = await target.sys.read('/proc/cmdline').catch(() => '')
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
async function khugepagedPid(sys: System): Promise<number> {
  const out = await sys
    .run('sh', [
      '-c',
      'for d in /proc/[0-9]*; do [ "$(cat $d/comm 2>/dev/null)" = khugepaged ] && echo ${d#/proc/}; done; true',
    ])
    .catch(() => '')
  return Number(out.trim().split('\n')[0]) || 0
}

export interface ProcessResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a program to its end: status, stdout and stderr. */
export function runProcess(
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
