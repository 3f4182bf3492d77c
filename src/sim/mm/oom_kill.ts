/**
 * The OOM killer (mm/oom_kill.c), reduced to victim choice by oom_badness() (RSS + swap entries +
 * page tables) and the kill, reported with the kernel's own "Killed process" line. A killed task's mm is torn down at once (the oom reaper's job); later
 * scenario calls on it are ignored with a warning (see src/sim/index.ts).
 */
import type { Kernel } from '../kernel'
import type { MemCgroup } from './memcontrol'
import { exit_mmap } from './mmap'
import { PAGE_SIZE } from '../include/units'
import { status } from './task_mmu'

/** @kernel mm/oom_kill.c oom_badness() */
function oom_badness(mm: { anonRss: number; swapEnts: number; nrPtes: number }): number {
  return mm.anonRss + mm.swapEnts + mm.nrPtes
}

/** @kernel mm/oom_kill.c out_of_memory(); returns whether a task was killed. */
export function out_of_memory(k: Kernel): boolean {
  return oomKillIn(k, null)
}

/**
 * @kernel mm/memcontrol.c mem_cgroup_out_of_memory(): the OOM killer confined to the tasks of
 * one memory cgroup (memory.events oom_kill, and oom_kill in /proc/vmstat as well).
 */
export function mem_cgroup_out_of_memory(k: Kernel, memcg: MemCgroup): boolean {
  return oomKillIn(k, memcg)
}

function oomKillIn(k: Kernel, memcg: MemCgroup | null): boolean {
  let victim = null
  for (const mm of k.mms.values()) {
    if (mm.exited || (memcg && mm.memcg !== memcg.id)) continue
    if (!victim || oom_badness(mm) > oom_badness(victim)) victim = mm
  }
  if (!victim || oom_badness(victim) === 0) return false
  k.vm.oom_kill++
  if (memcg) memcg.events.oom_kill++
  victim.oomKilled = true
  // __oom_kill_process()'s pr_err(), field for field. The model has no file or shmem pages, one
  // UID (root) and no oom_score_adj; pgtables is mm_pgtables_bytes() >> 10, as VmPTE.
  let totalVmPages = 0
  for (const vma of victim.vmas) totalVmPages += (vma.end - vma.start) / PAGE_SIZE
  const message = memcg ? 'Memory cgroup out of memory' : 'Out of memory'
  k.warn(
    `${message}: Killed process ${victim.pid} (${victim.comm}) total-vm:${totalVmPages * 4}kB, anon-rss:${victim.anonRss * 4}kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:${status(k, victim).VmPTE}kB oom_score_adj:0`,
  )
  exit_mmap(k, victim)
  return true
}
