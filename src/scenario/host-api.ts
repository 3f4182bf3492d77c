/**
 * The host side of the scenario API: one op table from the guest's `hostCall(op, argsJson)` to
 * the Simulator. Arguments arrive as untrusted JSON, so every op checks its arguments and throws
 * SimUsageError with a message naming the call (`t.madvise: ...`); the sandbox turns that into an
 * exception at the scenario's calling line. Sizes are parsed here with the simulator's parseSize.
 */
import {
  SimUsageError,
  type Advice,
  type Prot,
  type Simulator,
  type TouchOrder,
  type UffdMode,
} from '../sim/api'
import { parseSize } from '../sim/include/units'
import type { VerbOp } from './verbs'

interface RangeArg {
  start: number
  length: number
}

const ADVICE: readonly Advice[] = [
  'pageout',
  'cold',
  'willneed',
  'dontneed',
  'free',
  'hugepage',
  'nohugepage',
  'collapse',
]
const PROT: readonly Prot[] = ['none', 'r', 'rw']
const ORDER: readonly TouchOrder[] = ['sequential', 'random']
const UFFD_MODES: readonly UffdMode[] = ['missing', 'wp', 'rwp']
/** `/proc/<pid>/clear_refs` values the model knows: 1 (referenced bits), 4 (soft-dirty). */
const CLEAR_REFS: readonly number[] = [1, 4]

export type HostOp = (args: unknown[]) => unknown

/** Called before every op with a short description (`t.madvise(pageout)`), for progress. */
export type OpListener = (phase: string) => void

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], what: string): T {
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T
  const list = allowed.map((a) => `'${a}'`).join(', ')
  throw new SimUsageError(`${what}: expected one of ${list}, got ${JSON.stringify(v) ?? String(v)}`)
}

function range(v: unknown, what: string): RangeArg {
  if (
    isObject(v) &&
    Number.isSafeInteger(v.start) &&
    Number.isSafeInteger(v.length) &&
    (v.start as number) >= 0 &&
    (v.length as number) > 0
  ) {
    return { start: v.start as number, length: v.length as number }
  }
  throw new SimUsageError(`${what}: expected a range from t.mmap() (an object { start, length })`)
}

function optionalInt(v: unknown, what: string, min: number): number | undefined {
  if (v === undefined || v === null) return undefined
  if (Number.isSafeInteger(v) && (v as number) >= min) return v as number
  throw new SimUsageError(`${what}: expected a whole number >= ${min}, got ${JSON.stringify(v)}`)
}

function optionalString(v: unknown, what: string): string | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v === 'string') return v
  throw new SimUsageError(`${what}: expected a string, got ${JSON.stringify(v)}`)
}

function optionalBoolean(v: unknown, what: string): boolean | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v === 'boolean') return v
  throw new SimUsageError(`${what}: expected true or false, got ${JSON.stringify(v)}`)
}

/** A non-empty list of distinct userfaultfd modes. */
function uffdModes(v: unknown, what: string): UffdMode[] {
  const list = UFFD_MODES.map((m) => `'${m}'`).join(', ')
  if (!Array.isArray(v) || v.length === 0) {
    throw new SimUsageError(`${what}: expected a non-empty list of modes (${list})`)
  }
  const modes: UffdMode[] = []
  for (const m of v as unknown[]) {
    const mode = oneOf(m, UFFD_MODES, `${what}: mode`)
    if (modes.includes(mode)) throw new SimUsageError(`${what}: mode '${mode}' is listed twice`)
    modes.push(mode)
  }
  return modes
}

function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw new SimUsageError(`${what}: unknown option '${key}' (known: ${allowed.join(', ')})`)
    }
  }
}

function touchOptions(v: unknown, write: boolean, what: string) {
  if (v === undefined || v === null) return { write }
  if (!isObject(v)) throw new SimUsageError(`${what}: options must be an object { pages, order }`)
  checkKeys(v, ['pages', 'order'], what)
  const pages = v.pages
  if (pages !== undefined && (typeof pages !== 'number' || !Number.isFinite(pages) || pages <= 0)) {
    throw new SimUsageError(`${what}: pages must be a count >= 1 or a fraction in (0, 1)`)
  }
  if (typeof pages === 'number' && pages > 1 && !Number.isInteger(pages)) {
    throw new SimUsageError(`${what}: pages must be a whole count or a fraction in (0, 1)`)
  }
  const order = v.order === undefined ? undefined : oneOf(v.order, ORDER, `${what}: order`)
  return { write, pages: pages as number | undefined, order }
}

/** `'pageout'` etc. for the progress phase, else nothing. */
function phaseOf(op: string, args: unknown[]): string {
  const detail = args.find((a, i) => typeof a === 'string' && (i > 0 || op.startsWith('k.')))
  return typeof detail === 'string' ? `${op}(${detail.slice(0, 40)})` : op
}

/**
 * Builds the op table for one simulator. `comm` of each pid is kept here because the Simulator
 * only hands out pids.
 */
export function createHostApi(
  sim: Simulator,
  onOp?: OpListener,
  /** Runs after every operation (the audit of `hugeswap run --audit`). */
  afterOp?: () => void,
): (op: string, args: unknown[]) => unknown {
  const comms = new Map<number, string>()

  function task(v: unknown, what: string): number {
    if (typeof v === 'number' && comms.has(v)) return v
    throw new SimUsageError(`${what}: not a task of this run`)
  }

  const cgroups = new Set<number>()
  function cgroup(v: unknown, what: string): number {
    if (typeof v === 'number' && cgroups.has(v)) return v
    throw new SimUsageError(`${what}: not a cgroup of this run`)
  }
  /** memory.max: a size, or 'max' (no limit, the default). */
  function cgroupMax(v: unknown, what: string): number {
    if (v === undefined || v === 'max') return Infinity
    return parseSize(v as never, what)
  }

  // One op per verb of VERBS (verbs.ts), and no other: the type holds the table to it.
  const ops: Record<VerbOp, HostOp> = {
    'k.spawn': ([comm]) => {
      const name = optionalString(comm, 'k.spawn: comm') ?? 'task'
      const pid = sim.spawn(name)
      comms.set(pid, name)
      return { pid, comm: name }
    },
    'k.reclaim': ([size]) => sim.reclaim(parseSize(size as never, 'k.reclaim')),
    'k.cgroup': ([name, options]) => {
      if (typeof name !== 'string') throw new SimUsageError('k.cgroup: expected a name string')
      let max: unknown
      if (options !== undefined && options !== null) {
        if (!isObject(options))
          throw new SimUsageError('k.cgroup: options must be an object { max }')
        checkKeys(options, ['max'], 'k.cgroup')
        max = options.max
      }
      const id = sim.cgroupCreate(name, cgroupMax(max, 'k.cgroup: max'))
      cgroups.add(id)
      return { id, name }
    },
    'cg.spawn': ([id, comm]) => {
      const name = optionalString(comm, 'cg.spawn: comm') ?? 'task'
      const pid = sim.spawn(name, cgroup(id, 'cg.spawn'))
      comms.set(pid, name)
      return { pid, comm: name }
    },
    'cg.setMax': ([id, max]) =>
      sim.cgroupSetMax(cgroup(id, 'cg.setMax'), cgroupMax(max, 'cg.setMax')),
    'cg.reclaim': ([id, size]) =>
      sim.cgroupReclaim(cgroup(id, 'cg.reclaim'), parseSize(size as never, 'cg.reclaim')),
    'cg.stat': ([id]) => {
      const st = sim.cgroupStat(cgroup(id, 'cg.stat'))
      const max = st['memory.max']
      return {
        current: st['memory.current'],
        max: max === Infinity ? 'max' : max,
        events: {
          max: st['memory.events.max'],
          oom: st['memory.events.oom'],
          oom_kill: st['memory.events.oom_kill'],
        },
        stat: { pgscan: st['memory.stat.pgscan'], pgsteal: st['memory.stat.pgsteal'] },
      }
    },
    'k.sleep': ([ms]) => {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
        throw new SimUsageError(`k.sleep: expected milliseconds >= 0, got ${JSON.stringify(ms)}`)
      }
      sim.sleep(ms)
    },
    'k.khugepaged': ([scans]) => sim.khugepaged(optionalInt(scans, 'k.khugepaged: scans', 1)),
    'k.swapoff': ([index]) => sim.swapoff(optionalInt(index, 'k.swapoff: index', 0)),
    'k.swapon': ([index]) => sim.swapon(optionalInt(index, 'k.swapon: index', 0)),
    'k.vmstat': () => sim.vmstat(),
    'k.meminfo': () => sim.meminfo(),
    'k.zswap': ([enabled]) => {
      if (typeof enabled !== 'boolean') {
        throw new SimUsageError(`k.zswap: expected true or false, got ${JSON.stringify(enabled)}`)
      }
      sim.zswap(enabled)
    },
    'k.splitFolio': ([pid, r]) => {
      const p = task(pid, 'k.splitFolio')
      return sim.splitFolio(p, range(r, 'k.splitFolio').start)
    },
    'k.snapshot': ([label]) => {
      if (typeof label !== 'string') throw new SimUsageError('k.snapshot: expected a label string')
      sim.snapshot(label)
    },
    'k.phase': ([name]) => {
      if (name !== undefined && name !== null && typeof name !== 'string')
        throw new SimUsageError('k.phase: expected a phase name string (or nothing, to end one)')
      sim.phase(typeof name === 'string' ? name : null)
    },
    't.mmap': ([pid, size, options]) => {
      const p = task(pid, 't.mmap')
      let advice: 'hugepage' | 'nohugepage' | undefined
      if (options !== undefined && options !== null) {
        if (!isObject(options))
          throw new SimUsageError('t.mmap: options must be an object { advice }')
        checkKeys(options, ['advice'], 't.mmap')
        if (options.advice !== undefined) {
          advice = oneOf(options.advice, ['hugepage', 'nohugepage'] as const, 't.mmap: advice')
        }
      }
      const lengthBytes = parseSize(size as never, 't.mmap: size')
      if (lengthBytes <= 0) throw new SimUsageError('t.mmap: size must be > 0')
      return { start: sim.mmap(p, lengthBytes, advice), length: lengthBytes }
    },
    't.write': ([pid, r, options]) => {
      const a = range(r, 't.write')
      sim.touch(task(pid, 't.write'), a.start, a.length, touchOptions(options, true, 't.write'))
    },
    't.read': ([pid, r, options]) => {
      const a = range(r, 't.read')
      sim.touch(task(pid, 't.read'), a.start, a.length, touchOptions(options, false, 't.read'))
    },
    't.madvise': ([pid, r, advice]) => {
      const a = range(r, 't.madvise')
      sim.madvise(task(pid, 't.madvise'), a.start, a.length, oneOf(advice, ADVICE, 't.madvise'))
    },
    't.mprotect': ([pid, r, prot]) => {
      const a = range(r, 't.mprotect')
      sim.mprotect(task(pid, 't.mprotect'), a.start, a.length, oneOf(prot, PROT, 't.mprotect'))
    },
    't.munmap': ([pid, r]) => {
      const a = range(r, 't.munmap')
      sim.munmap(task(pid, 't.munmap'), a.start, a.length)
    },
    't.mremap': ([pid, r, newAddr]) => {
      const a = range(r, 't.mremap')
      const to = optionalInt(newAddr, 't.mremap: new address', 0)
      return { start: sim.mremap(task(pid, 't.mremap'), a.start, a.length, to), length: a.length }
    },
    't.fork': ([pid]) => {
      const parent = task(pid, 't.fork')
      const child = sim.fork(parent)
      const comm = comms.get(parent) ?? 'task'
      comms.set(child, comm)
      return { pid: child, comm }
    },
    't.exit': ([pid]) => sim.exit(task(pid, 't.exit')),
    't.smaps': ([pid, r]) => {
      const p = task(pid, 't.smaps')
      if (r === undefined || r === null) return sim.smaps(p)
      const a = range(r, 't.smaps')
      return sim.smaps(p, a.start, a.length)
    },
    't.status': ([pid]) => sim.status(task(pid, 't.status')),
    't.pagemap': ([pid, r]) => {
      const a = range(r, 't.pagemap')
      return sim.pagemap(task(pid, 't.pagemap'), a.start, a.length)
    },
    't.mincore': ([pid, r]) => {
      const a = range(r, 't.mincore')
      return sim.mincore(task(pid, 't.mincore'), a.start, a.length)
    },
    't.clearRefs': ([pid, value]) => {
      const p = task(pid, 't.clearRefs')
      const v = value === undefined || value === null ? 4 : value
      if (typeof v !== 'number' || !CLEAR_REFS.includes(v)) {
        throw new SimUsageError(
          `t.clearRefs: expected 1 (referenced bits) or 4 (soft-dirty bits), got ${JSON.stringify(value)}`,
        )
      }
      sim.clearRefs(p, v)
    },
    't.uffdRegister': ([pid, r, modes]) => {
      const a = range(r, 't.uffdRegister')
      const m = uffdModes(modes, 't.uffdRegister')
      sim.uffdRegister(task(pid, 't.uffdRegister'), a.start, a.length, m)
    },
    't.uffdProtect': ([pid, r, mode, protect]) => {
      const a = range(r, 't.uffdProtect')
      const m = oneOf(mode, ['wp', 'rwp'] as const, 't.uffdProtect: mode')
      const on = optionalBoolean(protect, 't.uffdProtect: protect') ?? true
      sim.uffdProtect(task(pid, 't.uffdProtect'), a.start, a.length, m, on)
    },
    't.uffdMove': ([pid, dst, src]) => {
      const d = range(dst, 't.uffdMove: dst')
      const s = range(src, 't.uffdMove: src')
      if (d.length < s.length) {
        throw new SimUsageError(
          `t.uffdMove: dst (${d.length} bytes) is shorter than src (${s.length} bytes)`,
        )
      }
      return sim.uffdMove(task(pid, 't.uffdMove'), d.start, s.start, s.length)
    },
    't.uffdEvents': ([pid]) => sim.uffdEvents(task(pid, 't.uffdEvents')),
    't.pin': ([pid, r]) => {
      const a = range(r, 't.pin')
      sim.pin(task(pid, 't.pin'), a.start, a.length, true)
    },
    't.unpin': ([pid, r]) => {
      const a = range(r, 't.unpin')
      sim.pin(task(pid, 't.unpin'), a.start, a.length, false)
    },
  }

  /** `Range.sub()`: arithmetic on a range, not a verb (no simulator call, no progress phase). */
  const rangeSub: HostOp = ([r, offset, size]) => {
    const a = range(r, 'range.sub')
    const off = parseSize(offset as never, 'range.sub: offset')
    const len = parseSize(size as never, 'range.sub: size')
    if (len <= 0 || off + len > a.length) {
      throw new SimUsageError(
        `range.sub: [${off}, ${off + len}) is not inside the range's ${a.length} bytes`,
      )
    }
    return { start: a.start + off, length: len }
  }

  return (op, args) => {
    if (op === 'range.sub') return rangeSub(args)
    const fn = Object.prototype.hasOwnProperty.call(ops, op) ? ops[op as VerbOp] : undefined
    if (!fn) throw new SimUsageError(`unknown operation '${op}'`)
    onOp?.(phaseOf(op, args))
    const result = fn(args)
    afterOp?.()
    return result
  }
}
