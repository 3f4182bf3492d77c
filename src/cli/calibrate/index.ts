/**
 * `hugeswap calibrate [--out FILE] [--markdown PATH]`: measures this machine's kernel and writes
 * a cost profile the model can run with (`machine.costs: 'measured'`).
 *
 * Each measurement is timed by a C program (calib-c.ts) on the host, set up by the same
 * HostMachine as `hugeswap real` (zram with lzo-rle, then a loop device with direct I/O standing
 * for an NVMe disk; THP madvise; zswap off) and put back afterwards. The same operations are run
 * in the model, first with the default figures, then with the measured profile: one figure is
 * derived per measurement that maps onto one (the rest are reported, not fitted), in an order in
 * which each one's operation uses only figures derived before it.
 *
 * Exit status: 0 measured; 2 it could not run (not root, no compiler, a measurement failed).
 */
import type { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import type { CalibrateCommandOptions } from '../args'
import { normalizeMachine } from '../../sim/machine'
import { MODEL_ID } from '../../sim/version'
import { TOOL_VERSION } from '../../shared/version'
import { EXIT_CANNOT_RUN, EXIT_INTERRUPTED, EXIT_OK, describeIoError, type CliEnv } from '../run'
import { writeFileAtomic } from '../../node/write-file'
import { HostMachine } from '../real/host'
import { kernelBaseFor, missingForReal, runProcess } from '../real/index'
import { traceModel } from '../real/trace'
import { CALIBRATE_PROGRAM } from './calib-c'
import {
  MEASUREMENTS,
  defaultProfilePath,
  formatCalibration,
  formatCalibrationMarkdown,
  summarize,
  type CalibrationRow,
  type CostProfileFile,
  type Measured,
  type Measurement,
  type ProfileCosts,
} from './profile'

export async function calibrateCommand(
  options: CalibrateCommandOptions,
  env: CliEnv,
): Promise<number> {
  const missing = await missingForReal()
  if (missing.length) {
    env.stderr.write(
      `hugeswap calibrate: this machine cannot measure its kernel; missing:\n${missing.map((m) => `  - ${m}\n`).join('')}`,
    )
    return EXIT_CANNOT_RUN
  }
  const say = (text: string): void => void env.stderr.write(text)
  const release = (await readFile('/proc/sys/kernel/osrelease', 'utf8')).trim()
  const dir = await mkdtemp(join(tmpdir(), 'hugeswap-calibrate-'))
  const host = new HostMachine()
  let interrupted = false
  let child: ReturnType<typeof spawn> | undefined
  const onSignal = (): void => {
    interrupted = true
    child?.kill('SIGKILL')
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  const kernel: Record<string, Measured> = {}
  try {
    const program = join(dir, 'calibrate')
    await writeFileAtomic(`${program}.c`, CALIBRATE_PROGRAM)
    const cc = await runProcess('cc', ['-O2', '-Wall', '-o', program, `${program}.c`])
    if (cc.code !== 0) {
      env.stderr.write(`hugeswap calibrate: the program did not compile:\n${cc.stderr}`)
      return EXIT_CANNOT_RUN
    }
    const recovered = await host.recover()
    if (recovered) say(`(undid ${recovered} setting(s) a killed earlier run left behind)\n`)
    for (const device of ['zram', 'nvme'] as const) {
      const machine = normalizeMachine({
        memory: '1G',
        swap: [
          device === 'zram'
            ? { type: 'zram', size: '1G', compressor: 'lzo' }
            : { type: 'nvme', size: '1G' },
        ],
        vm: { page_cluster: 0 },
      })
      await host.prepare(machine, { debugfs: false })
      for (const m of MEASUREMENTS.filter(
        (x) => x.device === device || (device === 'zram' && !x.device),
      )) {
        if (interrupted) return EXIT_INTERRUPTED
        await host.knob('/proc/sys/vm/page-cluster', String(m.pageCluster ?? 0))
        say(`measuring ${m.name} ...\n`)
        const r = await runProcess(program, m.args, process.env, (c) => (child = c))
        if (interrupted) return EXIT_INTERRUPTED
        const error = /^E (.*)$/m.exec(r.stdout)?.[1]
        if (r.code !== 0 || error) {
          env.stderr.write(
            `hugeswap calibrate: ${m.name}: ${error ?? r.stderr.trim() ?? `status ${r.code}`}\n`,
          )
          return EXIT_CANNOT_RUN
        }
        kernel[m.name] = parseMeasured(r.stdout, m)
      }
      const problems = await host.restore()
      for (const p of problems) env.stderr.write(`hugeswap calibrate: could not undo: ${p}\n`)
    }
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    const problems = await host.restore()
    for (const p of problems) env.stderr.write(`hugeswap calibrate: could not undo: ${p}\n`)
    await rm(dir, { recursive: true, force: true })
  }

  const fitted = await fitProfile(kernel, modelRunner(kernelBaseFor(release)))
  for (const u of fitted.unused) say(`not fitted: ${u}\n`)
  const { costs, rows } = fitted
  const profile: CostProfileFile = {
    schema: 1,
    kind: 'hugeswap-costs',
    measured: {
      tool: `hugeswap ${TOOL_VERSION}`,
      model: MODEL_ID,
      kernel: release,
      host: hostname(),
      cpu: await cpuModel(),
      date: new Date().toISOString(),
      contents:
        "compressible: each 4 KB page holds its index and seeded 16-bit patterns in its first half and zeros in the second (about 2:1 for zram's lzo-rle); incompressible: xorshift64 words throughout",
      devices:
        "zram: lzo-rle (the model's lzo); nvme: a loop device with direct I/O over a sparse file on the host's root filesystem",
    },
    costs,
    measurements: rows,
  }
  const out = options.out ? resolve(env.cwd, options.out) : defaultProfilePath(process.env)
  try {
    // The default place may not exist yet (a fresh ~/.config); a path the user gave must.
    if (!options.out) await mkdir(dirname(out), { recursive: true })
    await writeFileAtomic(out, JSON.stringify(profile, null, 2) + '\n')
  } catch (err) {
    env.stderr.write(`hugeswap calibrate: cannot write ${out}: ${describeIoError(err)}\n`)
    return EXIT_CANNOT_RUN
  }
  if (options.markdown !== undefined) {
    const path = resolve(env.cwd, options.markdown)
    try {
      const old = await readFile(path, 'utf8').catch(() => '')
      await writeFileAtomic(path, formatCalibrationMarkdown(profile, old))
    } catch (err) {
      env.stderr.write(`hugeswap calibrate: cannot write ${path}: ${describeIoError(err)}\n`)
      return EXIT_CANNOT_RUN
    }
  }
  env.stdout.write(formatCalibration(profile))
  env.stdout.write(`\nwrote ${out}: scenarios select it with machine: { costs: 'measured' }\n`)
  return EXIT_OK
}

/** Runs a measurement's operations in the model: its time per operation, ns. */
export type ModelRunner = (m: Measurement, costs: ProfileCosts) => Promise<number>

export function modelRunner(base: 'mm-2026' | 'v6.18'): ModelRunner {
  return async (m, costs) => {
    const traced = await traceModel({
      source: m.scenario,
      fileName: `calibrate-${m.name}.ts`,
      variants: ['baseline'],
      params: { 'machine.kernel_base': base, ...costParams(costs) },
    })
    if (!traced.ok) throw new Error(`${m.name}: the model run failed: ${traced.error.message}`)
    return m.modelPerOp(traced.trace.steps.map((s) => s.model.stepNs))
  }
}

/**
 * The model beside the kernel: each measurement with the default figures; then one figure
 * fitted per measurement that names one, in MEASUREMENTS order (the model is linear in each
 * figure: its slope from a second run, then one step onto the kernel's mean); then every
 * measurement again with the fitted profile.
 */
export async function fitProfile(
  kernel: Record<string, Measured>,
  model: ModelRunner,
  measurements: Measurement[] = MEASUREMENTS,
): Promise<{ costs: ProfileCosts; rows: CalibrationRow[]; unused: string[] }> {
  const empty = (): ProfileCosts => ({ cpu: {}, devices: {}, compressors: {} })
  const costs = empty()
  const defaults: Record<string, number> = {}
  for (const m of measurements) defaults[m.name] = await model(m, empty())
  const unused: string[] = []
  const fittedBy = new Set<string>()
  for (const m of measurements) {
    if (!m.fits) continue
    const now = await model(m, costs)
    const current = m.fits.get(costs)
    const probe: ProfileCosts = structuredClone(costs)
    m.fits.set(probe, current + 1000)
    const slope = ((await model(m, probe)) - now) / 1000
    if (slope <= 0) {
      unused.push(`${m.name}: the model's operation does not use ${m.fits.describe}`)
      continue
    }
    m.fits.set(costs, Math.max(0, Math.round(current + (kernel[m.name].mean - now) / slope)))
    fittedBy.add(m.name)
  }
  const rows: CalibrationRow[] = []
  for (const m of measurements) {
    rows.push({
      name: m.name,
      what: m.what,
      kernel: kernel[m.name],
      modelDefault: defaults[m.name],
      modelMeasured: await model(m, costs),
      ...(fittedBy.has(m.name) ? { fits: m.fits!.describe } : {}),
    })
  }
  return { costs, rows, unused }
}

function parseMeasured(stdout: string, m: Measurement): Measured {
  const samples: number[] = []
  const info: Record<string, number> = {}
  for (const line of stdout.split('\n')) {
    if (line.startsWith('S ')) samples.push(Number(line.slice(2)) / m.opsPerSample)
    else if (line.startsWith('I ')) {
      const [, key, value] = line.split(' ')
      info[key] = Number(value)
    }
  }
  return { ...summarize(samples), info }
}

/** The profile's figures as dotted params (`machine.costs.cpu.faultEntryNs`). */
export function costParams(costs: ProfileCosts): Record<string, number | boolean> {
  const params: Record<string, number | boolean> = {}
  for (const [k, v] of Object.entries(costs.cpu)) params[`machine.costs.cpu.${k}`] = v
  for (const [dev, figures] of Object.entries(costs.devices)) {
    for (const [k, v] of Object.entries(figures ?? {}))
      params[`machine.costs.devices.${dev}.${k}`] = v
  }
  for (const [c, figures] of Object.entries(costs.compressors)) {
    for (const [k, v] of Object.entries(figures ?? {}))
      params[`machine.costs.compressors.${c}.${k}`] = v
  }
  return params
}

async function cpuModel(): Promise<string> {
  const info = await readFile('/proc/cpuinfo', 'utf8').catch(() => '')
  const cpus = info.match(/^processor\s*:/gm)?.length ?? 0
  return `${/^model name\s*:\s*(.*)$/m.exec(info)?.[1] ?? 'unknown CPU'}, ${cpus} CPUs`
}
