/**
 * Memory cgroups (mm/memcontrol.c), cgroup v2, one level below the root: memory.max, charging
 * at allocation with the cgroup's own reclaim and OOM killer (try_charge()), memory.reclaim,
 * memory.current and the events a developer reads (memory.events max/oom/oom_kill, memory.stat
 * pgscan/pgsteal). Charged at page granularity by the page allocator (PageAlloc.chargeTo):
 * user pages and the page tables made for them; a page-table charge never fails here.
 * Not modelled: memory.high, memory.low/min protection, memory.swap.max, nesting.
 */
import { SimUsageError } from '../api'
import type { Kernel } from '../kernel'
import { Lruvec } from '../include/mmzone'
import { PAGE_SIZE } from '../include/units'
import { mem_cgroup_out_of_memory } from './oom_kill'
import { PAGE_ALLOC_COSTLY_ORDER } from './page_alloc'
import { MAX_RECLAIM_RETRIES, reclaim_throttle, try_to_free_mem_cgroup_pages } from './vmscan'

/** Memcg ids fit a byte per page frame. */
export const MAX_MEMCGS = 256

export interface MemCgroup {
  id: number
  name: string
  /** memory.max in pages (Infinity: "max"). */
  max: number
  readonly lruvec: Lruvec
  /** memory.events */
  readonly events: { max: number; oom: number; oom_kill: number }
  /** memory.stat: the cgroup's share of every reclaimer's scanning and stealing. */
  readonly stat: { pgscan: number; pgsteal: number }
}

export function newMemCgroup(id: number, name: string, max: number): MemCgroup {
  return {
    id,
    name,
    max,
    lruvec: new Lruvec(),
    events: { max: 0, oom: 0, oom_kill: 0 },
    stat: { pgscan: 0, pgsteal: 0 },
  }
}

/** mkdir /sys/fs/cgroup/NAME, then memory.max. Returns the cgroup's id. */
export function memcgCreate(k: Kernel, name: string, maxBytes: number): number {
  if (k.memcgs.some((c) => c.name === name)) {
    throw new SimUsageError(`cgroup: '${name}' exists already`)
  }
  if (k.memcgs.length >= MAX_MEMCGS) throw new SimUsageError(`cgroup: at most ${MAX_MEMCGS - 1}`)
  k.mem.enableMemcg()
  const cg = newMemCgroup(k.memcgs.length, name, pagesOf(maxBytes))
  k.memcgs.push(cg)
  return cg.id
}

/** memory.max in bytes (Infinity for "max") as pages, rounded down as page_counter does. */
function pagesOf(maxBytes: number): number {
  return maxBytes === Infinity ? Infinity : Math.floor(maxBytes / PAGE_SIZE)
}

/** memory.current in pages. */
export function memcgUsage(k: Kernel, id: number): number {
  return k.mem.memcgPages[id]
}

/**
 * @kernel mm/memcontrol.c memory_max_write(): lowering memory.max below the usage reclaims
 * down to it, MAX_RECLAIM_RETRIES rounds, then OOM-kills in the cgroup until it fits.
 */
export function memory_max_write(k: Kernel, id: number, maxBytes: number): void {
  const cg = k.memcgs[id]
  cg.max = pagesOf(maxBytes)
  let retries = MAX_RECLAIM_RETRIES
  while (memcgUsage(k, id) > cg.max) {
    if (retries > 0) {
      if (!try_to_free_mem_cgroup_pages(k, cg, memcgUsage(k, id) - cg.max)) {
        retries--
        reclaim_throttle(k)
      }
      continue
    }
    cg.events.oom++
    if (!mem_cgroup_out_of_memory(k, cg)) break
  }
}

/**
 * @kernel mm/memcontrol.c try_charge_memcg(): room for 2^order pages under memory.max of the
 * memcg the operation charges to. Over it: memory.events max, the cgroup's reclaim
 * (try_to_free_mem_cgroup_pages()), retried while it makes progress for a small charge and up to
 * MAX_RECLAIM_RETRIES times regardless; then the cgroup's OOM killer, except for a costly order
 * (a THP: the fault falls back to 4 KB pages, thp_fault_fallback_charge). Returns whether the
 * charge fits.
 */
export function try_charge(k: Kernel, order: number, mayReclaim: boolean): boolean {
  const cg = k.memcgs[k.chargeTo]
  if (cg.max === Infinity) return true
  const n = 1 << order
  let retries = MAX_RECLAIM_RETRIES
  for (;;) {
    if (memcgUsage(k, cg.id) + n <= cg.max) return true
    cg.events.max++
    if (!mayReclaim) return false
    const progress = try_to_free_mem_cgroup_pages(k, cg, n)
    if (memcgUsage(k, cg.id) + n <= cg.max) return true
    if (progress && n <= 1 << PAGE_ALLOC_COSTLY_ORDER) continue
    if (retries-- > 0) {
      if (!progress) reclaim_throttle(k)
      continue
    }
    // mem_cgroup_oom(): no OOM kill for a costly order.
    if (n > 1 << PAGE_ALLOC_COSTLY_ORDER) return false
    cg.events.oom++
    if (!mem_cgroup_out_of_memory(k, cg)) return false
    retries = MAX_RECLAIM_RETRIES
  }
}
