/**
 * The model's limits (MODEL_LIMITS, SimulatorOptions.modelBytes): what a hostile scenario can ask
 * for is refused where it asks, as the kernel refuses it or with the model's own limit named.
 */
import { describe, expect, it } from 'vitest'
import {
  MODEL_LIMITS,
  SimLimitError,
  SimUsageError,
  createSimulator,
  normalizeMachine,
} from '../../src/sim'
import { ByteBudget } from '../../src/sim/engine/budget'
import { RunArray } from '../../src/sim/engine/runs'

const G = 1024 ** 3
const T = 1024 ** 4

function sim(memory = '1G', modelBytes?: number) {
  return createSimulator({
    variant: 'baseline',
    seed: 1,
    machine: normalizeMachine({ memory, swap: [{ type: 'nvme', size: '1G' }] }),
    ...(modelBytes === undefined ? {} : { modelBytes }),
  })
}

describe('machine sizes', () => {
  it('refuses RAM past 4T and swap past 4T a device, 16T in all', () => {
    expect(() => normalizeMachine({ memory: '8T' })).toThrow(/machine.memory: at most 4T/)
    expect(() => normalizeMachine({ swap: [{ type: 'nvme', size: '5T' }] })).toThrow(
      /machine.swap\[0\].size: at most 4T per device/,
    )
    expect(() =>
      normalizeMachine({
        swap: [1, 2, 3, 4, 5].map(() => ({ type: 'nvme' as const, size: '4T' })),
      }),
    ).toThrow(/machine.swap: 20T in all, at most 16T/)
    expect(normalizeMachine({ memory: '4T' }).memoryBytes).toBe(4 * T)
  })
})

describe('per-call limits', () => {
  it('mmap past TASK_SIZE fails with ENOMEM', () => {
    const s = sim()
    const pid = s.spawn('a')
    s.mmap(pid, 64 * T)
    expect(() => s.mmap(pid, 64 * T)).toThrow(/mmap: ENOMEM: no room for 64T .*128T, TASK_SIZE/)
    expect(() => s.mmap(pid, 4096)).not.toThrow()
  })

  it('pagemap and mincore answer at most maxQueryPages per call', () => {
    const s = sim()
    const pid = s.spawn('a')
    const addr = s.mmap(pid, 8 * G)
    const most = MODEL_LIMITS.maxQueryPages * 4096
    expect(s.mincore(pid, addr, most)).toHaveLength(MODEL_LIMITS.maxQueryPages)
    expect(() => s.mincore(pid, addr, most + 4096)).toThrow(SimUsageError)
    expect(() => s.pagemap(pid, addr, most + 4096)).toThrow(
      /pagemap: 1048577 pages is more than one query answers \(1048576: 4G/,
    )
  })

  it('spawn and fork fail with EAGAIN at pid_max, and an exit makes room', () => {
    const s = sim()
    const first = s.spawn('a')
    for (let i = 1; i < MODEL_LIMITS.maxTasks; i++) s.spawn('a')
    expect(() => s.spawn('b')).toThrow(/spawn: EAGAIN: 32768 processes are alive/)
    expect(() => s.fork(first)).toThrow(/fork: EAGAIN/)
    s.exit(first)
    expect(() => s.spawn('c')).not.toThrow()
  })
})

describe('the model byte budget', () => {
  it('stops a run whose state outgrows it, with a SimLimitError', () => {
    const s = sim('64G', 64 * 1024 ** 2)
    const pid = s.spawn('a')
    const addr = s.mmap(pid, 32 * G, 'nohugepage')
    expect(() => s.touch(pid, addr, 32 * G, { write: true })).toThrow(SimLimitError)
  })

  it('counts what is live, not what was ever allocated: mappings come and go', () => {
    const s = sim('1G', 16 * 1024 ** 2)
    const pid = s.spawn('a')
    // Each 1T mapping's content tags take 4.5 MiB of chunk headers; 20 of them at once would
    // not fit in 16 MiB, one at a time they do.
    for (let i = 0; i < 20; i++) {
      const addr = s.mmap(pid, T)
      s.munmap(pid, addr, T)
    }
  })

  it('charges RunArray storage and recounts live bytes when the charges pass the limit', () => {
    let live = 0
    let recounts = 0
    const budget = new ByteBudget(1000, () => (recounts++, live))
    budget.charge(600)
    budget.charge(300)
    expect(recounts).toBe(0)
    live = 100 // most of it was dropped meanwhile
    budget.charge(500) // 1400 charged: the recount finds 100 live, + 500
    expect(recounts).toBe(1)
    live = 700
    expect(() => budget.charge(500)).toThrow(SimLimitError) // 700 live + 500 > 1000
    // A RunArray of 10 chunks charges its headers (9 bytes a chunk), then a block of slabs.
    let charged = 0
    const counting = { charge: (n: number) => (charged += n) } as unknown as ByteBudget
    const a = new RunArray(512 * 10, false, counting)
    expect(charged).toBe(10 * 9)
    a.set(3, 7)
    expect(charged).toBe(10 * 9 + 512 * 64 * 4)
    expect(a.bytes).toBe(charged)
    expect(a.slice(0, 512).budget).toBe(counting)
  })
})

it('a machine whose frame arrays alone pass the budget is refused as it is built', () => {
  expect(() =>
    createSimulator({
      variant: 'baseline',
      seed: 1,
      machine: normalizeMachine({ memory: '4T' }),
      modelBytes: 64 * 1024 ** 2,
    }),
  ).toThrow(SimLimitError)
})
