/**
 * The scenario API's one source: every verb a scenario can call on the kernel (`k`), a task (`t`)
 * or a cgroup (`cg`), what its arguments are, what it returns, and which Simulator methods carry
 * it out. Every other form of the API is made from this table or checked against it:
 *
 * - the guest objects' methods (`k.spawn()`, `t.mmap()`, ...) are generated from it into the
 *   QuickJS prelude (guest-prelude.ts `guestMethods()`);
 * - host-api.ts's op table is typed `Record<VerbOp, ...>`, so the compiler wants one host op per
 *   verb and no other;
 * - hugeswap.d.ts (what users and Monaco see) is held to it by tests/scenario/typings.test.ts:
 *   the same methods on `Kernel`, `Task` and `Cgroup`, the same parameter names, the same kind of
 *   return value;
 * - the `sim` methods must exist on `Simulator` (the compiler checks `keyof Simulator`), and
 *   tests/scenario/verbs.test.ts calls every verb and checks it calls exactly those;
 * - `hugeswap export-selftest` and `hugeswap real` record every method of SIM_VERBS, and their
 *   translators are exhaustive over SimVerb.
 *
 * Adding a verb: a row here, a method in hugeswap.d.ts, a host op in host-api.ts, the Simulator
 * method (api.ts, index.ts) and the exporter's translation; the compiler or a test points at each.
 */
import type { Simulator } from '../sim/api'

/** The object a verb is called on: the kernel, a task, a cgroup. */
export type VerbObject = 'k' | 't' | 'cg'

/**
 * How one argument crosses into the host: as it is (`value`, JSON), a Range as its
 * `{ start, length }` (`range`), a Task as its pid (`task`), or an address given as a number or a
 * Range whose start is used (`address`).
 */
export type ArgKind = 'value' | 'range' | 'task' | 'address'

/**
 * What the guest makes of the host's answer: nothing (`void`), the value as it is (`value`), the
 * value frozen deeply (`frozen`), or a guest Task, Range or Cgroup object.
 */
export type ReturnKind = 'void' | 'value' | 'frozen' | 'task' | 'range' | 'cgroup'

export interface VerbSpec {
  /** The parameters, named as in hugeswap.d.ts; the task's pid or the cgroup's id comes first. */
  readonly args: readonly (readonly [name: string, kind: ArgKind])[]
  readonly returns: ReturnKind
  /** The Simulator methods the host op calls (SIM_VERBS is their union). */
  readonly sim: readonly (keyof Simulator)[]
}

const v = 'value'
const r = 'range'

export const VERBS = {
  'k.spawn': { args: [['comm', v]], returns: 'task', sim: ['spawn'] },
  'k.reclaim': { args: [['size', v]], returns: 'value', sim: ['reclaim'] },
  'k.cgroup': {
    args: [
      ['name', v],
      ['options', v],
    ],
    returns: 'cgroup',
    sim: ['cgroupCreate'],
  },
  'k.sleep': { args: [['ms', v]], returns: 'void', sim: ['sleep'] },
  'k.khugepaged': { args: [['scans', v]], returns: 'void', sim: ['khugepaged'] },
  'k.swapoff': { args: [['index', v]], returns: 'void', sim: ['swapoff'] },
  'k.swapon': { args: [['index', v]], returns: 'void', sim: ['swapon'] },
  'k.zswap': { args: [['enabled', v]], returns: 'void', sim: ['zswap'] },
  'k.splitFolio': {
    args: [
      ['task', 'task'],
      ['range', r],
    ],
    returns: 'value',
    sim: ['splitFolio'],
  },
  'k.vmstat': { args: [], returns: 'value', sim: ['vmstat'] },
  'k.meminfo': { args: [], returns: 'value', sim: ['meminfo'] },
  'k.snapshot': { args: [['label', v]], returns: 'void', sim: ['snapshot'] },
  'k.phase': { args: [['name', v]], returns: 'void', sim: ['phase'] },
  'cg.spawn': { args: [['comm', v]], returns: 'task', sim: ['spawn'] },
  'cg.setMax': { args: [['max', v]], returns: 'void', sim: ['cgroupSetMax'] },
  'cg.reclaim': { args: [['size', v]], returns: 'value', sim: ['cgroupReclaim'] },
  'cg.stat': { args: [], returns: 'frozen', sim: ['cgroupStat'] },
  't.mmap': {
    args: [
      ['size', v],
      ['options', v],
    ],
    returns: 'range',
    sim: ['mmap'],
  },
  't.write': {
    args: [
      ['range', r],
      ['options', v],
    ],
    returns: 'void',
    sim: ['touch'],
  },
  't.read': {
    args: [
      ['range', r],
      ['options', v],
    ],
    returns: 'void',
    sim: ['touch'],
  },
  't.madvise': {
    args: [
      ['range', r],
      ['advice', v],
    ],
    returns: 'void',
    sim: ['madvise'],
  },
  't.mprotect': {
    args: [
      ['range', r],
      ['prot', v],
    ],
    returns: 'void',
    sim: ['mprotect'],
  },
  't.munmap': { args: [['range', r]], returns: 'void', sim: ['munmap'] },
  't.mremap': {
    args: [
      ['range', r],
      ['newAddress', 'address'],
    ],
    returns: 'range',
    sim: ['mremap'],
  },
  't.fork': { args: [], returns: 'task', sim: ['fork'] },
  't.exit': { args: [], returns: 'void', sim: ['exit'] },
  't.smaps': { args: [['range', r]], returns: 'value', sim: ['smaps'] },
  't.status': { args: [], returns: 'value', sim: ['status'] },
  't.pagemap': { args: [['range', r]], returns: 'value', sim: ['pagemap'] },
  't.mincore': { args: [['range', r]], returns: 'value', sim: ['mincore'] },
  't.clearRefs': { args: [['value', v]], returns: 'void', sim: ['clearRefs'] },
  't.uffdRegister': {
    args: [
      ['range', r],
      ['modes', v],
    ],
    returns: 'void',
    sim: ['uffdRegister'],
  },
  't.uffdProtect': {
    args: [
      ['range', r],
      ['mode', v],
      ['protect', v],
    ],
    returns: 'void',
    sim: ['uffdProtect'],
  },
  't.uffdMove': {
    args: [
      ['dst', r],
      ['src', r],
    ],
    returns: 'value',
    sim: ['uffdMove'],
  },
  't.uffdEvents': { args: [], returns: 'value', sim: ['uffdEvents'] },
  't.pin': { args: [['range', r]], returns: 'void', sim: ['pin'] },
  't.unpin': { args: [['range', r]], returns: 'void', sim: ['pin'] },
} as const satisfies Record<`${VerbObject}.${string}`, VerbSpec>

/** Every verb's op name, as the guest sends it to the host (`t.mmap`). */
export type VerbOp = keyof typeof VERBS

/** The Simulator methods scenario verbs call. */
export type SimVerb = (typeof VERBS)[VerbOp]['sim'][number]

export const VERB_OPS = Object.keys(VERBS) as VerbOp[]

/** The Simulator methods scenario verbs call, each once, in the table's order. */
export const SIM_VERBS: readonly SimVerb[] = [
  ...new Set(VERB_OPS.flatMap((op) => VERBS[op].sim as readonly SimVerb[])),
]

/** `['t', 'mmap']` for `'t.mmap'`. */
export function splitOp(op: VerbOp): [VerbObject, string] {
  const dot = op.indexOf('.')
  return [op.slice(0, dot) as VerbObject, op.slice(dot + 1)]
}
