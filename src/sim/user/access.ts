/**
 * User space, not the kernel: what a task's loads and stores do. The model's own room (the
 * kernel's rooms are under mm/): the MMU's walk of the page tables and its accessed and dirty
 * bits, the model's data check (every read compares the page's content tag with the reference the
 * VMA holds, so a data-losing bug stops the run), the userfaultfd monitor's answers, and the
 * entry into the kernel's fault handler, handle_mm_fault() (mm/memory.c), on anything the page
 * tables do not allow.
 *
 * Every 4 KB page a task reads or writes (t.read(), t.write(), GUP's faultin) goes through
 * accessRange(). An access the page tables already allow costs no fault; anything else is one
 * handle_mm_fault() call, recorded with its type and latency.
 */
import { SimInvariantError, SimUsageError, type TouchOptions } from '../api'
import { RunArray } from '../engine/runs'
import type { Kernel } from '../kernel'
import type { FaultType } from '../result'
import {
  E_DIRTY,
  E_SOFT_DIRTY,
  E_WRITE,
  E_YOUNG,
  PMD_HUGE,
  PMD_HUGE_ZERO,
  PMD_NONE,
  PMD_TABLE,
  PTE_NONE,
  PTE_PRESENT,
  PTE_SWAP,
  PTE_ZERO,
  pte_index,
} from '../include/pgtable'
import { HPAGE_PMD_NR, PAGE_SIZE } from '../include/units'
import { FAULT_DONE, pmdIndexOf } from '../mm/huge_memory'
import { TaskKilled, do_swap_page, faultEnter, find_vma, handle_mm_fault } from '../mm/memory'
import { VM_READ, VM_UFFD_ANY, VM_WRITE, type Mm, type Vma } from '../mm/mm_types'
import { handle_userfault, mfill_atomic_pte_copy, uffdResolve } from '../mm/userfaultfd'

/** Reads or writes pages of [addr, addr + length), faulting as needed (t.read() / t.write()). */
export function accessRange(
  k: Kernel,
  mm: Mm,
  addr: number,
  length: number,
  opts: TouchOptions,
): void {
  const nrPages = length / PAGE_SIZE
  let n = nrPages
  if (opts.pages !== undefined) {
    n =
      opts.pages > 0 && opts.pages <= 1 && !Number.isInteger(opts.pages)
        ? Math.ceil(opts.pages * nrPages)
        : opts.pages
    if (!Number.isInteger(n) || n < 0 || n > nrPages) {
      throw new SimUsageError(`pages: expected a count in [0, ${nrPages}] or a fraction in (0, 1]`)
    }
  }
  const random = opts.order === 'random'
  if (n === nrPages && !random) {
    k.lastTouchPages = null
    for (let i = 0; i < nrPages;)
      i += accessRun(k, mm, addr + i * PAGE_SIZE, nrPages - i, opts.write)
    return
  }
  k.budget.charge(nrPages * 4)
  const order = new Int32Array(nrPages)
  for (let i = 0; i < nrPages; i++) order[i] = i
  if (random || n < nrPages) k.scenarioRng.shuffle(order)
  const pick = order.subarray(0, n)
  if (!random) pick.sort()
  k.lastTouchPages = pick
  for (let i = 0; i < n; i++) accessRun(k, mm, addr + pick[i] * PAGE_SIZE, 1, opts.write)
}

/**
 * One access at `addr`, extended over up to `maxPages` pages of the same PMD when the PMD maps
 * them all (a THP touched in one sweep costs one step, not 512). Returns pages accessed.
 */
function accessRun(k: Kernel, mm: Mm, addr: number, maxPages: number, write: boolean): number {
  const vma = find_vma(mm, addr)
  if (!vma) throw new SimUsageError(`SIGSEGV: address 0x${addr.toString(16)} is not mapped`)
  if (!(vma.flags & (write ? VM_WRITE : VM_READ))) {
    throw new SimUsageError(
      `SIGSEGV: ${write ? 'write to' : 'read from'} 0x${addr.toString(16)}: mapping is ${
        vma.flags & VM_READ ? 'read-only' : 'PROT_NONE'
      }`,
    )
  }
  const pmdIdx = pmdIndexOf(addr)
  for (let attempt = 0; attempt < 8; attempt++) {
    if (mm.exited) throw new TaskKilled()
    const p = mm.pmds.get(pmdIdx)
    const pm = k.pmds
    const kind = p === undefined ? PMD_NONE : pm.kind[p]
    if (vma.flags & VM_UFFD_ANY && userfault(k, mm, vma, addr, write)) continue
    if (kind === PMD_HUGE && (!write || pm.flags[p!] & E_WRITE)) {
      const first = pte_index(addr)
      const n = Math.min(maxPages, HPAGE_PMD_NR - first, (vma.end - addr) / PAGE_SIZE)
      const f = pm.val[p!]
      pm.flags[p!] |= E_YOUNG | (write ? E_DIRTY | E_SOFT_DIRTY : 0)
      touchFrames(k, mm, vma, addr, k.folios.pfn[f] + first, n, write)
      kswapdAfterAccess(k)
      return n
    }
    if (kind === PMD_HUGE_ZERO && !write) {
      const first = pte_index(addr)
      const n = Math.min(maxPages, HPAGE_PMD_NR - first, (vma.end - addr) / PAGE_SIZE)
      touchFrames(k, mm, vma, addr, -1, n, false)
      kswapdAfterAccess(k)
      return n
    }
    if (kind === PMD_TABLE) {
      const e = pm.val[p!] * HPAGE_PMD_NR + pte_index(addr)
      const pt = k.ptes
      const pk = pt.kind[e]
      if (pk === PTE_PRESENT && (!write || pt.flags[e] & E_WRITE)) {
        pt.flags[e] |= E_YOUNG | (write ? E_DIRTY | E_SOFT_DIRTY : 0)
        touchFrames(k, mm, vma, addr, k.folios.pfn[pt.val[e]] + pt.sub[e], 1, write)
        kswapdAfterAccess(k)
        return 1
      }
      if (pk === PTE_ZERO && !write) {
        touchFrames(k, mm, vma, addr, -1, 1, false)
        kswapdAfterAccess(k)
        return 1
      }
      if (pk === PTE_SWAP && !write && maxPages > 1 && k.fastPaths) {
        const n = swapinCachedRun(k, mm, vma, addr, e, maxPages)
        if (n > 0) return n
      }
    }
    handle_mm_fault(k, mm, vma, addr, write)
  }
  throw new SimInvariantError(`fault loop at 0x${addr.toString(16)} in pid ${mm.pid}`)
}

/**
 * Fast path (SimulatorOptions.fastPaths; docs/performance.md): a run of read faults, each on a
 * swap entry whose order-0 folio is in the swap cache (the pages a readahead I/O brought in, a
 * child reading what its parent swapped back in). Every fault is do_swap_page() itself, page by
 * page; what the run saves is the walk to it (find_vma, the PMD lookups, the fault dispatch) and
 * the bookkeeping after it: equal faults are recorded once with their count, and the clock moves
 * once for them. That is exact only with whole-nanosecond figures and no event falling due
 * inside the run, so the run ends (and the per-page path takes over) before any page where that
 * would not hold, where the fault would differ, or where anything is left to kswapd.
 * Returns the pages it faulted in and accessed; 0 when the first page is not such a fault.
 */
function swapinCachedRun(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  addr: number,
  e0: number,
  maxPages: number,
): number {
  if (vma.flags & VM_UFFD_ANY || k.kswapd.deferred || mm.exited) return 0
  const ev = k.events
  if (!Number.isInteger(ev.nowNs)) return 0
  const n = Math.min(maxPages, HPAGE_PMD_NR - pte_index(addr), (vma.end - addr) / PAGE_SIZE)
  const pt = k.ptes
  const fo = k.folios
  const parts = k.runParts
  const scratch = k.runScratch
  // Faults done and accessed but not yet recorded: `count` of `type`, each `ns` long with
  // `parts`; the clock owes them `count * ns`.
  let type: FaultType | '' = ''
  let ns = 0
  let count = 0
  let done = 0
  for (; done < n; done++) {
    const e = e0 + done
    if (pt.kind[e] !== PTE_SWAP) break
    const f = k.swap[pt.swapType[e]].cacheOf(pt.val[e])
    if (f < 0 || fo.order[f] !== 0) break
    const at = addr + done * PAGE_SIZE
    const clock = ev.nowNs
    // handle_mm_fault() for this page, which faultStep() would send to do_swap_page().
    faultEnter(k)
    if (do_swap_page(k, mm, vma, e, at, false) !== FAULT_DONE || ev.nowNs !== clock) {
      throw new SimInvariantError('swapinCachedRun: a swap-cache hit did not complete at once')
    }
    const fType = k.faultType || 'retry'
    const fNs = k.pendingNs
    const fParts = k.pendingParts
    let same = count > 0 && fType === type && fNs === ns
    for (let i = 0; same && i < parts.length; i++) same = fParts[i] === parts[i]
    let whole = true
    if (!same) {
      // This fault starts a new batch; its figures are kept before the last one is settled.
      scratch.set(fParts)
      settleFaultRun(k, mm, type, ns, parts, count)
      count = 0
      whole = Number.isInteger(fNs)
      for (let i = 0; whole && i < parts.length; i++) whole = Number.isInteger(scratch[i])
      type = fType
      ns = fNs
      parts.set(scratch)
    }
    count++
    // The run ends at this fault when its figures are not whole ns (it is recorded alone, as
    // the per-page path does) or an event falls due within the time owed: everything owed is
    // settled now, before the access, where the per-page path moves the clock.
    const last = !whole || ev.peekNs() <= ev.nowNs + ns * count
    if (last) settleFaultRun(k, mm, type, ns, parts, count)
    // The access the fault was for (accessRun()'s next pass finds the PTE present).
    touchFrames(k, mm, vma, at, fo.pfn[f], 1, false)
    if (last) {
      kswapdAfterAccess(k)
      return done + 1
    }
  }
  if (done === 0) return 0
  // The run ends after an access: settle, then the safe point kswapdAfterAccess() gives.
  settleFaultRun(k, mm, type, ns, parts, count)
  kswapdAfterAccess(k)
  return done
}

/**
 * What handle_mm_fault() does after each fault, for `count` equal faults at once: clear the
 * figures, record them, move the clock (running what falls due) and stop if that killed the task.
 */
function settleFaultRun(
  k: Kernel,
  mm: Mm,
  type: FaultType | '',
  ns: number,
  parts: Float64Array,
  count: number,
): void {
  k.resetPending()
  if (count === 0 || type === '') return
  k.faults.recordMany(type, ns, parts, count)
  k.events.advance(ns * count)
  if (mm.exited) throw new TaskKilled()
}

/**
 * The access a fault was for is done: a safe point for the kswapd turns that fell due meanwhile
 * (run before it, they could take back the page the fault just brought in before it is used).
 */
function kswapdAfterAccess(k: Kernel): void {
  if (k.kswapd.deferred) k.atSafePointDo(() => k.events.advance(0))
}

/**
 * userfaultfd in front of an access: a protected entry or a missing page in a registered range
 * raises an event; the monitor then unprotects the entry, or (MISSING) copies a page in.
 * Returns whether the access must look again.
 */
function userfault(k: Kernel, mm: Mm, vma: Vma, addr: number, write: boolean): boolean {
  const p = mm.pmds.get(pmdIndexOf(addr))
  const pm = k.pmds
  const kind = p === undefined ? PMD_NONE : pm.kind[p]
  let flags = 0
  let missing = kind === PMD_NONE
  if (kind === PMD_TABLE) {
    const e = pm.val[p!] * HPAGE_PMD_NR + pte_index(addr)
    flags = k.ptes.flags[e]
    missing = k.ptes.kind[e] === PTE_NONE
  } else if (kind !== PMD_NONE) {
    flags = pm.flags[p!]
  }
  if (!handle_userfault(k, mm, vma, addr, flags, missing, write)) return false
  // The fault ends in VM_FAULT_RETRY: mm_account_fault() counts no PGFAULT for it; the retry
  // after the monitor's answer is the one counted (checked on 6.18 with hugeswap real).
  k.resetPending()
  k.cost('entry', k.cpu.faultEntryNs)
  k.cost('uffd', k.cpu.uffdRoundTripNs)
  if (missing) {
    // The monitor answers with UFFDIO_COPY of one page, as the selftests' monitor does; the
    // retry finds it present and is a minor fault of its own (handle_pte_fault() sets young).
    if (mfill_atomic_pte_copy(k, mm, vma, addr) === 0) k.vm.pgfault++
  } else {
    uffdResolve(k, mm, addr)
  }
  k.faults.record(missing ? 'uffd-missing' : 'uffd-wp', k.pendingNs, k.pendingParts)
  const ns = k.pendingNs
  k.resetPending()
  k.events.advance(ns)
  return true
}

/**
 * Writes fresh content tags to, or checks them on, `n` consecutive frames from `pfn`
 * (pfn -1: the zero page, reads only).
 */
function touchFrames(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  addr: number,
  pfn: number,
  n: number,
  write: boolean,
): void {
  const tags = k.mem.pageTag
  const exp = vma.expected
  const idx = (addr - vma.start) / PAGE_SIZE
  if (write) {
    k.freshTags(n, (i, len, first) => {
      tags.fillSeq(pfn + i, len, first)
      exp.fillSeq(idx + i, len, first)
    })
    return
  }
  let i = -1
  if (n === 1) i = (pfn < 0 ? 0 : tags.get(pfn)) === exp.get(idx) ? -1 : 0
  else if (pfn >= 0) i = RunArray.firstMismatch(tags, pfn, exp, idx, n)
  else if (!exp.allEqual(idx, idx + n, 0)) for (i = 0; exp.get(idx + i) === 0; i++);
  if (i >= 0) {
    const actual = pfn < 0 ? 0 : tags.get(pfn + i)
    throw new SimInvariantError(
      `data corruption: pid ${mm.pid} read tag ${actual.toString(16)} at 0x${(addr + i * PAGE_SIZE).toString(16)}, expected ${exp.get(idx + i).toString(16)}`,
    )
  }
}
