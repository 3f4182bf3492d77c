/**
 * The OOM killer (mm/oom_kill.c), reduced to victim choice by oom_badness() (RSS + swap entries +
 * page tables) and the kill. A killed task's mm is torn down at once (the oom reaper's job); later
 * scenario calls on it are ignored with a warning (see src/sim/index.ts).
 */
import type { Kernel } from '../kernel'
import { exit_mmap } from './mmap'

/** @kernel mm/oom_kill.c oom_badness() */
function oom_badness(mm: { anonRss: number; swapEnts: number; nrPtes: number }): number {
  return mm.anonRss + mm.swapEnts + mm.nrPtes
}

/** @kernel mm/oom_kill.c out_of_memory(); returns whether a task was killed. */
export function out_of_memory(k: Kernel): boolean {
  let victim = null
  for (const mm of k.mms.values()) {
    if (mm.exited) continue
    if (!victim || oom_badness(mm) > oom_badness(victim)) victim = mm
  }
  if (!victim || oom_badness(victim) === 0) return false
  k.vm.oom_kill++
  victim.oomKilled = true
  k.warnings.push(
    `Out of memory: Killed process ${victim.pid} (${victim.comm}) total-vm anon-rss:${victim.anonRss * 4}kB`,
  )
  exit_mmap(k, victim)
  return true
}
