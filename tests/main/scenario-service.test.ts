/** The scenario service: one run at a time in a process, cancellation, and failure handling. */
import { describe, expect, it, vi } from 'vitest'
import {
  CANCELLED_MESSAGE,
  createScenarioService,
  SUPERSEDED_MESSAGE,
  type RunInProcess,
} from '../../src/main/services/scenario-service'
import type { RunOutcome, RunProgress } from '../../src/shared/result'
import type { RunRequest } from '../../src/shared/worker-protocol'

const request: RunRequest = { source: 'export default 1', fileName: 'a.ts' }
const ok = (title: string) =>
  ({ ok: true, result: { scenario: { title } } }) as unknown as RunOutcome
const progressAt = (percent: number): RunProgress => ({
  variant: 'baseline',
  variantIndex: 0,
  variantCount: 1,
  phase: 'run',
  percent,
})

/** A fake runInProcess whose runs the test finishes by hand. */
function fakeProcesses() {
  const runs: {
    resolve(outcome: RunOutcome): void
    reject(error: unknown): void
    progress(p: RunProgress): void
    cancel: ReturnType<typeof vi.fn>
  }[] = []
  const runInProcess = vi.fn<RunInProcess>((_request, options) => {
    let resolve!: (o: RunOutcome) => void
    let reject!: (e: unknown) => void
    const result = new Promise<RunOutcome>((res, rej) => {
      resolve = res
      reject = rej
    })
    const cancel = vi.fn()
    runs.push({ resolve, reject, cancel, progress: (p) => options.onProgress?.(p) })
    return { result, cancel }
  })
  return { runs, runInProcess }
}

describe('scenario service', () => {
  it('runs in a process and returns its outcome', async () => {
    const { runs, runInProcess } = fakeProcesses()
    const service = createScenarioService({ runInProcess })
    const onProgress = vi.fn()
    const pending = service.run(request, onProgress)
    expect(service.busy).toBe(true)
    expect(runInProcess).toHaveBeenCalledWith(request, {
      onProgress: expect.any(Function),
    })
    runs[0]!.progress(progressAt(50))
    runs[0]!.resolve(ok('one'))
    await expect(pending).resolves.toEqual(ok('one'))
    expect(onProgress).toHaveBeenCalledWith(progressAt(50))
    expect(service.busy).toBe(false)
  })

  it("fills in the user's measured cost profile, unless the window sent one", async () => {
    const { runs, runInProcess } = fakeProcesses()
    const profile = { source: 'costs.json (kernel 6.18, 2026-12-04)', cpu: { faultEntryNs: 900 } }
    const service = createScenarioService({
      runInProcess,
      measuredCosts: () => profile,
    })
    void service.run(request, () => {})
    expect(runInProcess.mock.calls[0]![0]).toEqual({ ...request, measuredCosts: profile })
    const opened = { source: 'opened.json', cpu: { faultEntryNs: 1 } }
    void service.run({ ...request, measuredCosts: opened }, () => {})
    expect(runInProcess.mock.calls[1]![0].measuredCosts).toBe(opened)
    runs.forEach((r) => r.resolve(ok('x')))
  })

  it('a new run cancels the previous one, whose progress stops and whose promise settles', async () => {
    const { runs, runInProcess } = fakeProcesses()
    const service = createScenarioService({ runInProcess })
    const firstProgress = vi.fn()
    const first = service.run(request, firstProgress)
    const second = service.run(request, () => {})

    expect(runs[0]!.cancel).toHaveBeenCalledOnce()
    await expect(first).resolves.toEqual({
      ok: false,
      error: { kind: 'internal', message: SUPERSEDED_MESSAGE },
    })
    runs[0]!.progress(progressAt(10))
    runs[0]!.resolve(ok('late'))
    expect(firstProgress).not.toHaveBeenCalled()

    runs[1]!.resolve(ok('second'))
    await expect(second).resolves.toEqual(ok('second'))
    expect(runs[1]!.cancel).not.toHaveBeenCalled()
  })

  it('cancel() stops the run in flight and is harmless when idle', async () => {
    const { runs, runInProcess } = fakeProcesses()
    const service = createScenarioService({ runInProcess })
    service.cancel()
    const pending = service.run(request, () => {})
    service.cancel()
    expect(runs[0]!.cancel).toHaveBeenCalledOnce()
    await expect(pending).resolves.toEqual({
      ok: false,
      error: { kind: 'internal', message: CANCELLED_MESSAGE },
    })
    expect(service.busy).toBe(false)
    service.cancel()
    expect(runs[0]!.cancel).toHaveBeenCalledOnce()
  })

  it('a cancel that throws (process already gone) still settles the run', async () => {
    const { runs, runInProcess } = fakeProcesses()
    const service = createScenarioService({ runInProcess })
    const pending = service.run(request, () => {})
    runs[0]!.cancel.mockImplementation(() => {
      throw new Error('already terminated')
    })
    service.cancel()
    await expect(pending).resolves.toMatchObject({ ok: false })
  })

  it('turns a crashed process into an internal-error outcome', async () => {
    const { runs, runInProcess } = fakeProcesses()
    const service = createScenarioService({ runInProcess })
    const pending = service.run(request, () => {})
    runs[0]!.reject(new Error('Worker terminated due to reaching memory limit'))
    await expect(pending).resolves.toEqual({
      ok: false,
      error: {
        kind: 'internal',
        message: 'Scenario process failed: Worker terminated due to reaching memory limit',
      },
    })
  })

  it('turns a process that cannot start into an internal-error outcome', async () => {
    const runInProcess = vi.fn<RunInProcess>(() => {
      throw new Error('ENOENT scenario-process.js')
    })
    const service = createScenarioService({ runInProcess })
    await expect(service.run(request, () => {})).resolves.toMatchObject({
      ok: false,
      error: { kind: 'internal', message: expect.stringContaining('ENOENT') },
    })
    expect(service.busy).toBe(false)
  })

  it('passes scenario errors from the process through unchanged', async () => {
    const { runs, runInProcess } = fakeProcesses()
    const service = createScenarioService({ runInProcess })
    const pending = service.run(request, () => {})
    const syntax: RunOutcome = {
      ok: false,
      error: { kind: 'syntax', message: 'Unexpected token', file: 'a.ts', line: 3, column: 7 },
    }
    runs[0]!.resolve(syntax)
    await expect(pending).resolves.toBe(syntax)
  })

  it('runs in the spare process when there is one, and asks for the next when the run ends', async () => {
    const { runs, runInProcess } = fakeProcesses()
    const warmed = {
      warmed: true,
    } as unknown as import('../../src/scenario/node-host').ScenarioProcess
    const spare = { take: vi.fn(() => warmed), refill: vi.fn() }
    const service = createScenarioService({ runInProcess, spare })
    const pending = service.run(request, vi.fn())
    expect(spare.take).toHaveBeenCalledTimes(1)
    expect(runInProcess.mock.calls[0]![1].process).toBe(warmed)
    expect(spare.refill).not.toHaveBeenCalled()
    runs[0]!.resolve(ok('one'))
    await pending
    expect(spare.refill).toHaveBeenCalledTimes(1)
    // A cancelled run ends too: the next spare is asked for.
    const second = service.run(request, vi.fn())
    service.cancel()
    await second
    expect(spare.refill).toHaveBeenCalledTimes(2)
  })
})
