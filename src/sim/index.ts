/**
 * createSimulator(): one simulated machine running one kernel variant. The scenario layer binds
 * `k`, tasks and ranges to the methods here. Each method is one system call or /proc read; it
 * validates its arguments (SimUsageError with a message for the scenario's author), runs the
 * kernel rooms under mm/, and advances the simulated clock by what it cost.
 */
import {
  MODEL_LIMITS,
  SimLimitError,
  SimUsageError,
  type Advice,
  type PagemapEntry,
  type Prot,
  type Simulator,
  type SimulatorOptions,
  type SimulatorResult,
  type TouchOptions,
  type VariantInfo,
} from './api'
import { auditKernel } from './audit'
import { Kernel } from './kernel'
import { PAGE_SIZE, formatSize } from './include/units'
import {
  khugepagedEnterMm,
  khugepagedRunUntil,
  khugepaged_do_scan,
  khugepaged_enter,
} from './mm/khugepaged'
import { dup_mmap } from './mm/fork'
import { do_madvise } from './mm/madvise'
import { TaskKilled } from './mm/memory'
import { accessRange } from './user/access'
import { MMAP_BASE, do_mmap, do_munmap, exit_mmap } from './mm/mmap'
import { do_mprotect } from './mm/mprotect'
import { do_mremap } from './mm/mremap'
import { swapoff, swapon } from './mm/swapoff'
import { move_pages, uffdEvents, uffd_protect, uffd_register } from './mm/userfaultfd'
import type { Mm } from './mm/mm_types'
import { memory_reclaim } from './mm/vmscan'
import { zramPoolShrink } from './mm/zram'
import { memcgCreate, memcgUsage, memory_max_write } from './mm/memcontrol'
import { clear_refs, pagemap, rangeStates, smaps, status } from './mm/task_mmu'
import { meminfo_proc_show, vmstat_show } from './mm/vmstat'
import { do_mincore } from './mm/mincore'
import { gupPin } from './mm/gup'
import { splitFolioAt } from './mm/huge_memory'
import { LatencySet, phaseFaults } from './engine/faults'
import {
  VARIANT_FEATURES,
  type PageTableSample,
  type Phase,
  type RangeState,
  type Snapshot,
} from './result'

export { normalizeMachine, DEFAULT_MACHINE } from './machine'
export { MODEL_ID } from './version'
export * from './api'
export { VARIANT_NAMES } from './result'

/** What /proc shows of one task, read without running an operation (see `inspect`). */
export interface TaskInspection {
  /** /proc/PID/status fields, kB. */
  status: Record<string, number>
  /** smaps fields (kB) of each asked range, in the order asked. */
  smaps: Record<string, number>[]
}

/** A Simulator that can also check its whole state the slow way (tests call it after every step). */
export interface AuditableSimulator extends Simulator {
  audit(): void
  /**
   * Reads a task's status and the smaps of some ranges as an observer outside the scenario
   * would: no operation runs, so the clock does not move and khugepaged does not wake (the
   * public smaps() is an operation of the task and costs simulated time). null once the task
   * has exited or was OOM-killed. `hugeswap real` observes the model with it after every step.
   * A range's smaps sums the task's VMAs that lie wholly inside it, as a reader of
   * /proc/PID/smaps (one record per VMA) sums them: another task's mapping at the same
   * addresses, cut by the range, is not half counted.
   */
  inspect(pid: number, ranges: readonly (readonly [number, number])[]): TaskInspection | null
  /** The simulated clock, ns since boot. */
  nowNs(): number
  /**
   * Lets the clock run until every writeback in flight has completed, as an observer waiting
   * between two steps would (no operation, no khugepaged pass). hugeswap real settles both the
   * model and the kernel this way before it observes a step.
   */
  settleIo(): void
  /**
   * zswap has been enabled at some time since boot (zswap_never_enabled() is false), whether or
   * not it is on now: what a kernel shows once anything enabled it.
   */
  markZswapEverEnabled(): void
  /**
   * The pages of the last touch, as indexes into its range in touch order, when it touched a
   * subset or in random order (which the scenario RNG chose); null after a whole sweep.
   */
  lastTouchPages(): Int32Array | null
  /**
   * Per-page state held entry by entry, in 512-entry chunks: materialized RunArray chunks (frame
   * tags, VMA references, swap slots) plus PTE tables with stored entries. THP-level work on
   * PMD-mapped or PMD-swapped THPs must leave it at 0 (docs/performance.md).
   */
  perPageChunks(): number
}

export function createSimulator(opts: SimulatorOptions): AuditableSimulator {
  const features = VARIANT_FEATURES[opts.variant]
  if (!features) throw new SimUsageError(`unknown variant '${opts.variant}'`)
  const variant: VariantInfo = { name: opts.variant, ...features }
  const k = new Kernel(opts.machine, variant, opts.seed, opts.fastPaths ?? true, opts.modelBytes)
  const snapshots: Snapshot[] = []
  const phases = new PhaseLog(k)
  const timeline: PageTableSample[] = [{ timeNs: 0, bytes: 0 }]

  /** The live mm of `pid`, or null (with a warning) if the task was OOM-killed. */
  const task = (pid: number, what: string): Mm | null => {
    const mm = k.mms.get(pid)
    if (!mm) throw new SimUsageError(`${what}: no task with pid ${pid}`)
    if (mm.oomKilled) {
      k.warn(`${what}: pid ${pid} (${mm.comm}) was OOM-killed; call ignored`)
      return null
    }
    if (mm.exited) throw new SimUsageError(`${what}: pid ${pid} (${mm.comm}) has exited`)
    // What this task's operation allocates is charged to its memory cgroup.
    k.chargeTo = mm.memcg
    return mm
  }

  const cgroupOf = (id: number, what: string) => {
    const cg = Number.isInteger(id) && id > 0 ? k.memcgs[id] : undefined
    if (!cg) throw new SimUsageError(`${what}: no cgroup with id ${String(id)}`)
    return cg
  }
  const cgroupMax = (bytes: number, what: string): number => {
    if (bytes === Infinity) return Infinity
    if (!Number.isInteger(bytes) || bytes < 0) {
      throw new SimUsageError(`${what}: memory.max is a size in bytes or Infinity ("max")`)
    }
    return bytes
  }

  const range = (addr: number, length: number, what: string): [number, number] => {
    if (
      !Number.isInteger(addr) ||
      !Number.isInteger(length) ||
      addr % PAGE_SIZE ||
      length % PAGE_SIZE
    ) {
      throw new SimUsageError(`${what}: address and length must be multiples of 4K`)
    }
    if (length <= 0) throw new SimUsageError(`${what}: empty range`)
    return [addr, addr + length]
  }

  /** A range a per-page query answers entry by entry: at most MODEL_LIMITS.maxQueryPages. */
  const queryRange = (addr: number, length: number, what: string): [number, number] => {
    const r = range(addr, length, what)
    const pages = length / PAGE_SIZE
    if (pages > MODEL_LIMITS.maxQueryPages) {
      throw new SimUsageError(
        `${what}: ${pages} pages is more than one query answers (${MODEL_LIMITS.maxQueryPages}: ` +
          `${formatSize(MODEL_LIMITS.maxQueryPages * PAGE_SIZE)} of address space); ask for the range in parts`,
      )
    }
    return r
  }

  /** Snapshots and phase marks: each adds to the result, so a run has at most maxMarks. */
  let marks = 0
  const mark = (what: string, label: unknown): void => {
    if (String(label).length > MODEL_LIMITS.maxLabelLength) {
      throw new SimUsageError(
        `${what}: a label of at most ${MODEL_LIMITS.maxLabelLength} characters (got ${String(label).length})`,
      )
    }
    if (++marks > MODEL_LIMITS.maxMarks) {
      throw new SimUsageError(
        `${what}: at most ${MODEL_LIMITS.maxMarks} snapshots and phases per run (each is kept in the result)`,
      )
    }
  }

  /** fork() and spawn fail with EAGAIN once MODEL_LIMITS.maxTasks processes are alive. */
  const checkTasks = (what: string): void => {
    if (k.nrTasks < MODEL_LIMITS.maxTasks) return
    throw new SimUsageError(
      `${what}: EAGAIN: ${k.nrTasks} processes are alive, the most there can be (pid_max ${MODEL_LIMITS.maxTasks})`,
    )
  }

  /** Runs one operation: its cost advances the clock; an OOM kill of the caller ends it. */
  const op = <T>(fn: () => T, onKilled: T): T => {
    k.resetPending()
    let halfDone = false
    try {
      return fn()
    } catch (e) {
      if (e instanceof TaskKilled) {
        k.warn('the task was OOM-killed during the operation; the rest of it was skipped')
        return onKilled
      }
      // The run stops here: nothing of the half-done operation is accounted.
      halfDone = e instanceof SimLimitError
      throw e
    } finally {
      if (!halfDone) settleOp()
    }
  }

  /** What follows every operation: its cost moves the clock, the page-table timeline a point. */
  const settleOp = (): void => {
    k.chargeTo = 0
    zramPoolShrink(k)
    const cost = k.pendingNs
    k.resetPending()
    advance(cost)
    k.noteTableBytes()
    const bytes = k.pteTableBytes()
    if (timeline[timeline.length - 1].bytes !== bytes)
      timeline.push({ timeNs: k.events.nowNs, bytes })
  }

  /**
   * Moves the clock forward by `ns`, waking khugepaged at each scan_sleep_millisecs tick on the
   * way (khugepagedRunUntil()).
   */
  const advance = (ns: number): void => k.atSafePointDo(() => advanceSafely(ns))
  const advanceSafely = (ns: number): void => khugepagedRunUntil(k, k.events.nowNs + ns)
  const enterKhugepaged = (mm: Mm): void => khugepagedEnterMm(k, mm)

  const rangeSnapshot = (): { ranges: RangeState[]; rangesTruncated?: boolean } => {
    const { ranges, truncated } = rangeStates(k)
    return truncated ? { ranges, rangesTruncated: true } : { ranges }
  }

  const vmstat = (): Record<string, number> => vmstat_show(k)
  const meminfo = (): Record<string, number> => meminfo_proc_show(k)

  const sim: AuditableSimulator = {
    variant,
    audit: () => auditKernel(k),
    inspect(pid, ranges) {
      const mm = k.mms.get(pid)
      if (!mm || mm.exited || mm.oomKilled) return null
      // Between operations nothing is pending; the walks below add cost and walker counts that
      // an outside observer does not cause, so both are put back.
      const walkers = JSON.stringify(k.walkers)
      const out = {
        status: status(k, mm),
        smaps: ranges.map(([s, e]) => {
          // An empty walk: every field, at zero.
          const sum = smaps(k, mm, 0, 0)
          for (const v of mm.vmas) {
            if (v.start < s || v.end > e) continue
            for (const [key, n] of Object.entries(smaps(k, mm, v.start, v.end))) {
              sum[key] = (sum[key] ?? 0) + n
            }
          }
          return sum
        }),
      }
      k.resetPending()
      for (const key of Object.keys(k.walkers)) delete k.walkers[key]
      Object.assign(k.walkers, JSON.parse(walkers) as typeof k.walkers)
      return out
    },
    nowNs: () => k.events.nowNs,
    markZswapEverEnabled() {
      k.zswapEverEnabled = true
    },
    settleIo() {
      if (k.nrWriteback > 0) advance(Math.max(0, k.writebackDoneNs - k.events.nowNs))
    },
    lastTouchPages: () => k.lastTouchPages,
    perPageChunks: () => {
      let n = k.mem.pageTag.materializedChunks + k.ptes.nrStored
      for (const si of k.swap) n += si.materializedChunks()
      for (const mm of k.mms.values()) for (const v of mm.vmas) n += v.expected.materializedChunks
      return n
    },
    spawn(comm, cgroup = 0) {
      if (!Number.isInteger(cgroup) || !k.memcgs[cgroup]) {
        throw new SimUsageError(`spawn: no cgroup with id ${String(cgroup)}`)
      }
      checkTasks('spawn')
      const pid = k.nextPid++
      k.nrTasks++
      k.mms.set(pid, {
        memcg: cgroup,
        upper: new Map(),
        uffdQueue: [],
        pid,
        comm: String(comm).slice(0, 15),
        vmas: [],
        pmds: new Map(),
        anonRss: 0,
        swapEnts: 0,
        nrPtes: 0,
        mmapCursor: MMAP_BASE,
        exited: false,
        oomKilled: false,
      })
      return pid
    },
    mmap(pid, length, advice) {
      const mm = task(pid, 'mmap')
      if (!mm) return 0
      return op(() => {
        const addr = do_mmap(k, mm, length, advice)
        enterKhugepaged(mm)
        return addr
      }, 0)
    },
    touch(pid, addr, length, o: TouchOptions) {
      const mm = task(pid, o.write ? 'write' : 'read')
      if (!mm) return
      range(addr, length, o.write ? 'write' : 'read')
      op(() => accessRange(k, mm, addr, length, o), undefined)
    },
    madvise(pid, addr, length, advice: Advice) {
      const mm = task(pid, 'madvise')
      if (!mm) return
      const [s, e] = range(addr, length, 'madvise')
      op(() => {
        do_madvise(k, mm, s, e, advice)
        if (advice === 'hugepage') enterKhugepaged(mm)
      }, undefined)
    },
    mprotect(pid, addr, length, prot: Prot) {
      const mm = task(pid, 'mprotect')
      if (!mm) return
      const [s, e] = range(addr, length, 'mprotect')
      op(() => do_mprotect(k, mm, s, e, prot), undefined)
    },
    munmap(pid, addr, length) {
      const mm = task(pid, 'munmap')
      if (!mm) return
      const [s, e] = range(addr, length, 'munmap')
      op(() => do_munmap(k, mm, s, e), undefined)
    },
    mremap(pid, addr, length, newAddr) {
      const mm = task(pid, 'mremap')
      if (!mm) return 0
      range(addr, length, 'mremap')
      return op(() => do_mremap(k, mm, addr, length, newAddr), 0)
    },
    fork(pid) {
      const parent = task(pid, 'fork')
      if (!parent) return 0
      // The child starts in its parent's cgroup (cgroup_post_fork()).
      checkTasks('fork')
      const child = sim.spawn(parent.comm, parent.memcg)
      const mm = k.mms.get(child)!
      k.chargeTo = parent.memcg
      op(() => {
        dup_mmap(k, parent, mm)
        if (k.khugepaged.mmSlots.includes(parent.pid)) khugepaged_enter(k, mm)
      }, undefined)
      return child
    },
    exit(pid) {
      const mm = task(pid, 'exit')
      if (!mm) return
      op(() => exit_mmap(k, mm), undefined)
    },
    smaps(pid, addr, length) {
      const mm = task(pid, 'smaps')
      if (!mm) return {}
      if (addr === undefined) {
        const lo = mm.vmas.length ? mm.vmas[0].start : 0
        const hi = mm.vmas.length ? mm.vmas[mm.vmas.length - 1].end : 0
        return op(() => smaps(k, mm, lo, hi), {})
      }
      const [s, e] = range(addr, length ?? PAGE_SIZE, 'smaps')
      return op(() => smaps(k, mm, s, e), {})
    },
    status(pid) {
      const mm = task(pid, 'status')
      if (!mm) return {}
      return status(k, mm)
    },
    pagemap(pid, addr, length): PagemapEntry[] {
      const mm = task(pid, 'pagemap')
      if (!mm) return []
      const [s, e] = queryRange(addr, length, 'pagemap')
      return op(() => pagemap(k, mm, s, e), [])
    },
    cgroupCreate(name, maxBytes) {
      if (typeof name !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(name)) {
        throw new SimUsageError(
          `cgroup: a name is 1 to 64 letters, digits, '.', '_' or '-' (got ${JSON.stringify(name)})`,
        )
      }
      return memcgCreate(k, name, cgroupMax(maxBytes, 'cgroup'))
    },
    cgroupSetMax(id, maxBytes) {
      const cg = cgroupOf(id, 'memory.max')
      op(() => {
        k.chargeTo = cg.id
        memory_max_write(k, cg.id, cgroupMax(maxBytes, 'memory.max'))
      }, undefined)
    },
    cgroupReclaim(id, bytes) {
      const cg = cgroupOf(id, 'memory.reclaim')
      if (!Number.isInteger(bytes) || bytes <= 0)
        throw new SimUsageError('memory.reclaim: expected a positive size')
      const done = op(() => memory_reclaim(k, bytes, cg), 0)
      if (done < bytes)
        k.warn(`${cg.name}/memory.reclaim: -EAGAIN: reclaimed ${done} of ${bytes} bytes`)
      return done
    },
    cgroupStat(id) {
      const cg = cgroupOf(id, 'cgroup stat')
      return {
        'memory.current': memcgUsage(k, cg.id) * PAGE_SIZE,
        'memory.max': cg.max === Infinity ? Infinity : cg.max * PAGE_SIZE,
        'memory.events.max': cg.events.max,
        'memory.events.oom': cg.events.oom,
        'memory.events.oom_kill': cg.events.oom_kill,
        'memory.stat.pgscan': cg.stat.pgscan,
        'memory.stat.pgsteal': cg.stat.pgsteal,
      }
    },
    reclaim(bytes) {
      if (!Number.isInteger(bytes) || bytes <= 0)
        throw new SimUsageError('reclaim: expected a positive size')
      const done = op(() => memory_reclaim(k, bytes), 0)
      // memory.reclaim answers -EAGAIN when it falls short; the scenario gets the bytes it did.
      if (done < bytes) k.warn(`memory.reclaim: -EAGAIN: reclaimed ${done} of ${bytes} bytes`)
      return done
    },
    sleep(ms) {
      if (!(ms >= 0))
        throw new SimUsageError('sleep: expected a non-negative number of milliseconds')
      op(() => advance(ms * 1e6), undefined)
    },
    mincore(pid, addr, length) {
      const mm = task(pid, 'mincore')
      if (!mm) return []
      const [s, e] = queryRange(addr, length, 'mincore')
      return op(() => do_mincore(k, mm, s, e), [])
    },
    clearRefs(pid, value) {
      const mm = task(pid, 'clear_refs')
      if (!mm) return
      if (value !== 1 && value !== 4) {
        throw new SimUsageError(
          `clear_refs: ${value} is not modelled (1: referenced, 4: soft-dirty)`,
        )
      }
      op(() => clear_refs(k, mm, value), undefined)
    },
    uffdRegister(pid, addr, length, modes) {
      const mm = task(pid, 'userfaultfd')
      if (!mm) return
      const [s, e] = range(addr, length, 'userfaultfd')
      op(() => uffd_register(mm, s, e, modes), undefined)
    },
    uffdProtect(pid, addr, length, mode, protect) {
      const mm = task(pid, 'userfaultfd')
      if (!mm) return
      const [s, e] = range(addr, length, 'userfaultfd')
      op(() => uffd_protect(k, mm, s, e, mode, protect), undefined)
    },
    uffdMove(pid, dst, src, length) {
      const mm = task(pid, 'UFFDIO_MOVE')
      if (!mm) return 0
      range(dst, length, 'UFFDIO_MOVE')
      range(src, length, 'UFFDIO_MOVE')
      return op(() => move_pages(k, mm, dst, src, length), 0)
    },
    uffdEvents(pid) {
      const mm = task(pid, 'userfaultfd')
      return mm ? uffdEvents(mm) : []
    },
    pin(pid, addr, length, pinned) {
      const mm = task(pid, 'pin')
      if (!mm) return
      const [s, e] = range(addr, length, 'pin')
      op(() => gupPin(k, mm, s, e, pinned), undefined)
    },
    zswap(enabled) {
      k.zswapEnabled = Boolean(enabled)
      if (enabled) k.zswapEverEnabled = true
    },
    splitFolio(pid, addr) {
      const mm = task(pid, 'splitFolio')
      if (!mm) return false
      range(addr, PAGE_SIZE, 'splitFolio')
      return op(() => splitFolioAt(k, mm, addr), false)
    },
    khugepaged(scans = 1) {
      if (!Number.isInteger(scans) || scans < 1) {
        throw new SimUsageError('khugepaged: expected a whole number of scan passes >= 1')
      }
      op(() => {
        for (let i = 0; i < scans; i++) khugepaged_do_scan(k)
        k.resetPending()
      }, undefined)
    },
    swapoff(index = 0) {
      op(() => swapoff(k, index), undefined)
    },
    swapon(index = 0) {
      op(() => swapon(k, index), undefined)
    },
    vmstat,
    meminfo,
    snapshot(label) {
      mark('snapshot', label)
      snapshots.push({
        label: String(label),
        timeNs: k.events.nowNs,
        vmstat: vmstat(),
        meminfo: meminfo(),
        pageTables: { ...k.ledger },
        pageTableBytes: k.pteTableBytes(),
        faults: {
          count: k.faults.count,
          totalNs: k.faults.totalNs,
          componentsNs: k.faults.componentTotals(),
        },
        io: k.swap.map((si) => ({ readPages: si.readPages, writePages: si.writePages })),
        ...rangeSnapshot(),
      })
      timeline.push({ timeNs: k.events.nowNs, bytes: k.pteTableBytes(), label: String(label) })
      phases.snapshot(String(label))
    },
    phase(name) {
      if (name !== null) mark('phase', name)
      phases.named(name === null ? null : String(name))
    },
    warn(message) {
      k.warn(String(message))
    },
    finish(): SimulatorResult {
      return {
        name: variant.name,
        features,
        vmstat: vmstat(),
        meminfo: meminfo(),
        snapshots,
        pageTables: { ...k.ledger },
        pageTableTimeline: timeline,
        faults: k.faults.stats(),
        walkers: sortKeys(k.walkers),
        fallbacks: sortKeys(k.fallbacks as Record<string, number>),
        warnings:
          k.warningsDropped > 0
            ? [...k.warnings, `... and ${k.warningsDropped} more warnings, not kept`]
            : k.warnings,
        phases: phases.finish(),
        endTimeNs: k.events.nowNs,
        mthp: sortKeys(
          Object.fromEntries(
            Object.entries(k.mthp).map(([size, stats]) => [size, sortKeys(stats ?? {})]),
          ),
        ),
        khugepaged: {
          pages_collapsed: k.khugepaged.pages_collapsed,
          full_scans: k.khugepaged.full_scans,
          results: sortKeys(k.khugepaged.results as Record<string, number>),
        },
      }
    },
  }
  return sim
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {}
  for (const key of Object.keys(o).sort()) out[key] = o[key]
  return out
}

/**
 * The run's phases (result.ts Phase): the recorder's segments, cut at every snapshot and k.phase()
 * call, merged into named phases if the scenario named any, else one phase per snapshot interval.
 */
class PhaseLog {
  private readonly segments: {
    startNs: number
    endNs: number
    sets: Map<string, LatencySet>
    /** Index into `names` of the named phase this segment belongs to; -1 outside every one. */
    phase: number
  }[] = []
  /** Snapshot intervals: the segment each snapshot closed, with its label. */
  private readonly cuts: { segment: number; label: string }[] = []
  private readonly names: string[] = []
  private current = -1
  private startNs = 0

  constructor(private readonly k: Kernel) {}

  private cut(): number {
    const endNs = this.k.events.nowNs
    this.segments.push({
      startNs: this.startNs,
      endNs,
      sets: this.k.faults.endSegment(),
      phase: this.current,
    })
    this.startNs = endNs
    return this.segments.length - 1
  }

  snapshot(label: string): void {
    this.cuts.push({ segment: this.cut(), label })
  }

  named(name: string | null): void {
    this.cut()
    if (name === null) {
      this.current = -1
    } else {
      this.names.push(name)
      this.current = this.names.length - 1
    }
  }

  finish(): Phase[] {
    const last = this.cut()
    const phase = (name: string, from: number, to: number): Phase => ({
      name,
      startNs: this.segments[from].startNs,
      endNs: this.segments[to].endNs,
      faults: phaseFaults(this.segments.slice(from, to + 1).map((s) => s.sets)),
    })
    if (this.names.length > 0) {
      // A named phase runs from its k.phase() call to the next one, across snapshots: its
      // segments are consecutive, so one pass finds each phase's first and last.
      const span = this.names.map(() => [-1, -1])
      this.segments.forEach((s, i) => {
        if (s.phase < 0) return
        if (span[s.phase][0] < 0) span[s.phase][0] = i
        span[s.phase][1] = i
      })
      return this.names.map((name, p) => phase(name, span[p][0], span[p][1]))
    }
    const out: Phase[] = []
    let from = 0
    let prev = 'start'
    for (const { segment, label } of this.cuts) {
      out.push(phase(`${prev} -> ${label}`, from, segment))
      from = segment + 1
      prev = label
    }
    const tail = phase(`${prev} -> end`, from, last)
    if (tail.faults.count > 0 || out.length === 0) out.push(tail)
    return out
  }
}
