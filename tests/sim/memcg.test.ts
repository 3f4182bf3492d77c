/**
 * Issue 12 D: memory cgroups (mm/memcontrol.c), run in all four variants with the full-state
 * audit: memory.max with the cgroup's own reclaim and OOM killer, memory.reclaim per cgroup,
 * THP charge failure, and uncharging.
 */
import { describe, expect, it } from 'vitest'
import { createSimulator, normalizeMachine, type MachineInput } from '../../src/sim'
import { VARIANT_NAMES } from '../../src/shared/result'

const M = 1024 * 1024

function machine(variant: (typeof VARIANT_NAMES)[number], m: MachineInput) {
  return createSimulator({ variant, seed: 1, machine: normalizeMachine(m) })
}

describe.each(VARIANT_NAMES)('%s', (variant) => {
  it('try_charge_memcg(): a task over memory.max swaps from its own cgroup, not the machine', () => {
    const sim = machine(variant, { memory: '512M', swap: [{ type: 'nvme', size: '1G' }] })
    const outside = sim.spawn('outside')
    const o = sim.mmap(outside, 64 * M, 'nohugepage')
    sim.touch(outside, o, 64 * M, { write: true })
    const cg = sim.cgroupCreate('job', 64 * M)
    const t = sim.spawn('worker', cg)
    const a = sim.mmap(t, 128 * M, 'nohugepage')
    sim.touch(t, a, 128 * M, { write: true })
    sim.audit()
    const st = sim.cgroupStat(cg)
    expect(st['memory.current']).toBeLessThanOrEqual(64 * M)
    expect(st['memory.events.max']).toBeGreaterThan(0)
    expect(st['memory.stat.pgsteal']).toBeGreaterThan(0)
    expect(st['memory.events.oom_kill']).toBe(0)
    expect(sim.status(t).VmSwap).toBeGreaterThanOrEqual(64 * 1024)
    // The machine had room: no global reclaim; a cgroup's reclaim counts only pgscan_anon.
    const v = sim.vmstat()
    expect(v.pgscan_kswapd + v.pgscan_direct + v.allocstall_movable).toBe(0)
    expect(v.pgscan_anon).toBe(st['memory.stat.pgscan'])
    expect(sim.status(outside).VmSwap).toBe(0)
    // Reading it all back keeps it under the limit again.
    sim.touch(t, a, 128 * M, { write: false })
    sim.audit()
    expect(sim.cgroupStat(cg)['memory.current']).toBeLessThanOrEqual(64 * M)
    sim.exit(t)
    sim.audit()
    expect(sim.cgroupStat(cg)['memory.current']).toBe(0)
  })

  it('mem_cgroup_charge(): a THP over memory.max falls back to 4 KB (thp_fault_fallback_charge); without swap the cgroup OOM-kills its own task', () => {
    const sim = machine(variant, { memory: '512M', swap: [] })
    const bystander = sim.spawn('bystander')
    const b = sim.mmap(bystander, 8 * M, 'nohugepage')
    sim.touch(bystander, b, 8 * M, { write: true })
    const cg = sim.cgroupCreate('small', 16 * M)
    const t = sim.spawn('greedy', cg)
    const a = sim.mmap(t, 32 * M, 'hugepage')
    try {
      sim.touch(t, a, 32 * M, { write: true })
    } catch {
      // The task was the cgroup's victim.
    }
    sim.audit()
    const v = sim.vmstat()
    expect(v.thp_fault_fallback_charge).toBeGreaterThan(0)
    expect(v.thp_fault_fallback).toBeGreaterThanOrEqual(v.thp_fault_fallback_charge)
    expect(v.oom_kill).toBe(1)
    const st = sim.cgroupStat(cg)
    expect(st['memory.events.oom_kill']).toBe(1)
    expect(st['memory.events.oom']).toBeGreaterThan(0)
    expect(st['memory.current']).toBe(0)
    expect(sim.status(bystander).RssAnon).toBe(8 * 1024)
  })

  it("memory_reclaim(): a cgroup's memory.reclaim takes only its own tasks' pages", () => {
    const sim = machine(variant, { memory: '512M', swap: [{ type: 'zram', size: '1G' }] })
    const root = sim.spawn('root-task')
    const r = sim.mmap(root, 32 * M, 'hugepage')
    sim.touch(root, r, 32 * M, { write: true })
    const cg = sim.cgroupCreate('job', Infinity)
    const t = sim.spawn('worker', cg)
    const a = sim.mmap(t, 32 * M, 'hugepage')
    sim.touch(t, a, 32 * M, { write: true })
    expect(sim.cgroupReclaim(cg, 16 * M)).toBeGreaterThanOrEqual(16 * M)
    sim.audit()
    expect(sim.status(t).VmSwap).toBeGreaterThanOrEqual(16 * 1024)
    expect(sim.status(root).VmSwap).toBe(0)
  })

  it('memory_max_write(): lowering memory.max reclaims the cgroup down to it; a fork charges the same cgroup', () => {
    const sim = machine(variant, { memory: '512M', swap: [{ type: 'zram', size: '1G' }] })
    const cg = sim.cgroupCreate('job', Infinity)
    const t = sim.spawn('worker', cg)
    const a = sim.mmap(t, 64 * M, 'nohugepage')
    sim.touch(t, a, 64 * M, { write: true })
    const c = sim.fork(t)
    sim.touch(c, a, 16 * M, { write: true }) // copy on write: 16 MB more in the cgroup
    const before = sim.cgroupStat(cg)['memory.current']
    expect(before).toBeGreaterThanOrEqual(80 * M)
    sim.cgroupSetMax(cg, 40 * M)
    sim.audit()
    const st = sim.cgroupStat(cg)
    expect(st['memory.current']).toBeLessThanOrEqual(40 * M)
    expect(st['memory.max']).toBe(40 * M)
    expect(st['memory.events.oom_kill']).toBe(0)
    sim.exit(c)
    sim.exit(t)
    sim.audit()
    expect(sim.cgroupStat(cg)['memory.current']).toBe(0)
  })
})
