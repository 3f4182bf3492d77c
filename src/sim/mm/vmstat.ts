/**
 * What /proc/vmstat (mm/vmstat.c) and /proc/meminfo (fs/proc/meminfo.c) show: the gauges computed
 * from the model's state when read, and the event counters the kernel of this variant has. The
 * names are src/sim/include/vmstat.ts's; each table below is typed by them, so a name missing
 * here or a value under a name nobody lists fails to compile.
 */
import type { Kernel } from '../kernel'
import {
  MEMINFO_FIELDS,
  VM_EVENTS,
  VM_GAUGES,
  vmEventExists,
  type MeminfoField,
  type VmGauge,
} from '../include/vmstat'
import { HPAGE_PMD_NR } from '../include/units'
import { upperTables } from './task_mmu'

/**
 * NR_PAGETABLE: every live PTE table, plus the PMD and PUD tables of the mms that still run
 * (a PTE table deposited under a huge PMD counts: it is allocated).
 */
function pageTablePages(k: Kernel): number {
  let upper = 0
  for (const mm of k.mms.values()) if (!mm.exited) upper += upperTables(mm)
  return k.ptes.nrLive + upper
}

/**
 * @kernel mm/vmstat.c vmstat_start() / vmstat_show(): the node gauges the model keeps, then
 * every vm_event_item this variant's kernel has, in include/linux/vm_event_item.h's order.
 */
export function vmstat_show(k: Kernel): Record<string, number> {
  const gauges: Record<VmGauge, number> = {
    nr_free_pages: k.mem.nrFree,
    nr_anon_pages: k.nrAnonMapped,
    nr_anon_transparent_hugepages: k.nrAnonThps,
    nr_page_table_pages: pageTablePages(k),
    nr_swapcached: k.nrSwapCache,
  }
  const out: Record<string, number> = {}
  for (const name of VM_GAUGES) out[name] = gauges[name]
  for (const name of VM_EVENTS) if (vmEventExists(name, k.variant)) out[name] = k.vm[name]
  return out
}

/** @kernel fs/proc/meminfo.c meminfo_proc_show(): the fields the model keeps, in kB. */
export function meminfo_proc_show(k: Kernel): Record<string, number> {
  let total = 0
  let free = 0
  for (const si of k.swap) {
    if (!si.enabled) continue
    total += si.pages
    free += si.pages - si.inuseSlots
  }
  const fields: Record<MeminfoField, number> = {
    MemTotal: k.spec.memoryBytes / 1024,
    MemFree: k.mem.nrFree * 4,
    AnonPages: k.nrAnonMapped * 4,
    AnonHugePages: k.nrAnonThps * HPAGE_PMD_NR * 4,
    PageTables: pageTablePages(k) * 4,
    SwapCached: k.nrSwapCache * 4,
    SwapTotal: total * 4,
    SwapFree: free * 4,
    // Pages stored in zswap; the compressed pool size (Zswap) needs a compression model and is
    // not reported yet.
    Zswapped: k.swap.reduce((n, si) => n + si.zswapped, 0) * 4,
  }
  const out: Record<string, number> = {}
  for (const name of MEMINFO_FIELDS) out[name] = fields[name]
  return out
}
