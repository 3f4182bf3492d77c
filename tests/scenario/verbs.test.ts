/**
 * VERBS (src/scenario/verbs.ts) is the scenario API's one source. These tests hold the forms the
 * compiler cannot see to it: the interfaces users see in hugeswap.d.ts, the guest objects the
 * prelude builds, and the Simulator methods each host op really calls.
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { createHostApi } from '../../src/scenario/host-api'
import { guestMethods } from '../../src/scenario/guest-prelude'
import {
  SIM_VERBS,
  VERBS,
  VERB_OPS,
  splitOp,
  type ReturnKind,
  type VerbObject,
  type VerbOp,
} from '../../src/scenario/verbs'
import { createSimulator, normalizeMachine } from '../../src/sim'
import type { Simulator } from '../../src/sim/api'

const root = resolve(import.meta.dirname, '../..')

/** The interface in hugeswap.d.ts that each verb object is. */
const INTERFACE: Record<VerbObject, string> = { k: 'Kernel', t: 'Task', cg: 'Cgroup' }
/** Methods of those interfaces that are not verbs: they never reach the host. */
const NOT_VERBS: Record<VerbObject, string[]> = { k: ['expect'], t: [], cg: [] }

interface DeclaredMethod {
  params: string[]
  returns: string
}

/** The method signatures of `name` in hugeswap.d.ts, read from its syntax tree. */
function declaredMethods(name: string): Map<string, DeclaredMethod> {
  const file = join(root, 'src/scenario/hugeswap.d.ts')
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true)
  const out = new Map<string, DeclaredMethod>()
  const visit = (node: ts.Node): void => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === name) {
      for (const member of node.members) {
        if (!ts.isMethodSignature(member)) continue
        out.set(member.name.getText(source), {
          params: member.parameters.map((p) => p.name.getText(source)),
          returns: member.type?.getText(source) ?? 'any',
        })
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return out
}

/** The kind of value a declared return type is, as VERBS spells it. */
function returnKind(type: string): ReturnKind | 'value or frozen' {
  if (type === 'void') return 'void'
  if (type === 'Task') return 'task'
  if (type === 'Range') return 'range'
  if (type === 'Cgroup') return 'cgroup'
  return 'value or frozen'
}

describe('VERBS, the one source of the scenario API', () => {
  for (const object of ['k', 't', 'cg'] as const) {
    it(`matches hugeswap.d.ts's ${INTERFACE[object]}: methods, parameter names, return kinds`, () => {
      const declared = declaredMethods(INTERFACE[object])
      expect(declared.size).toBeGreaterThan(0)
      const verbs = VERB_OPS.filter((op) => splitOp(op)[0] === object)
      const table = Object.fromEntries(
        verbs.map((op) => {
          const spec = VERBS[op]
          const kind =
            spec.returns === 'value' || spec.returns === 'frozen' ? 'value or frozen' : spec.returns
          return [splitOp(op)[1], { params: spec.args.map(([n]) => n), returns: kind }]
        }),
      )
      const typings = Object.fromEntries(
        [...declared]
          .filter(([m]) => !NOT_VERBS[object].includes(m))
          .map(([m, d]) => [m, { params: d.params, returns: returnKind(d.returns) }]),
      )
      expect(typings).toEqual(table)
    })
  }

  it('docs/scenario-api.md documents every verb in its tables', () => {
    const doc = readFileSync(join(root, 'docs/scenario-api.md'), 'utf8')
    const rows = new Set(
      [...doc.matchAll(/^\| `(k|t|cg)\.(\w+)\(/gm)].map((m) => `${m[1]}.${m[2]}`),
    )
    expect(VERB_OPS.filter((op) => !rows.has(op))).toEqual([])
  })

  it('the prelude gives every guest object a method per verb and no other', () => {
    for (const object of ['k', 't', 'cg'] as const) {
      const methods = [...guestMethods(object).matchAll(/^\s+(\w+)\(/gm)].map((m) => m[1])
      expect(methods).toEqual(
        VERB_OPS.filter((op) => splitOp(op)[0] === object).map((op) => splitOp(op)[1]),
      )
    }
  })

  it('each host op calls exactly the Simulator methods VERBS names', () => {
    const sim = createSimulator({
      variant: 'pmd-swap',
      machine: normalizeMachine({ memory: '1G', swap: [{ type: 'zram', size: '1G' }] }),
      seed: 1,
    })
    let calls: string[] = []
    const recording = new Proxy(sim, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown
        if (typeof value !== 'function') return value
        return (...args: unknown[]) => {
          if (typeof prop === 'string') calls.push(prop)
          return (value as (...a: unknown[]) => unknown).apply(target, args)
        }
      },
    }) as Simulator
    const host = createHostApi(recording)
    const call = (op: VerbOp, args: unknown[]): unknown => host(op, args)

    // One call of every verb, in an order where each makes sense; a verb missing here fails to
    // compile (the Record covers VerbOp).
    const state = { pid: 0, cg: 0, range: { start: 0, length: 0 }, other: { start: 0, length: 0 } }
    const EXAMPLES: Record<VerbOp, () => unknown[]> = {
      'k.spawn': () => ['a'],
      'k.cgroup': () => ['grp', { max: '512M' }],
      'cg.spawn': () => [state.cg, 'b'],
      'cg.setMax': () => [state.cg, '256M'],
      'cg.stat': () => [state.cg],
      't.mmap': () => [state.pid, '4M', { advice: 'hugepage' }],
      't.write': () => [state.pid, state.range],
      't.read': () => [state.pid, state.range, { pages: 4 }],
      't.madvise': () => [state.pid, state.range, 'pageout'],
      'cg.reclaim': () => [state.cg, '1M'],
      'k.reclaim': () => ['1M'],
      't.mprotect': () => [state.pid, state.range, 'rw'],
      't.mremap': () => [state.pid, state.range],
      't.smaps': () => [state.pid, state.range],
      't.status': () => [state.pid],
      't.pagemap': () => [state.pid, state.range],
      't.mincore': () => [state.pid, state.range],
      't.clearRefs': () => [state.pid, 4],
      't.uffdRegister': () => [state.pid, state.range, ['missing', 'wp']],
      't.uffdProtect': () => [state.pid, state.range, 'wp', false],
      't.uffdMove': () => [state.pid, state.other, { start: state.range.start, length: 4096 }],
      't.uffdEvents': () => [state.pid],
      't.pin': () => [state.pid, state.range],
      't.unpin': () => [state.pid, state.range],
      'k.splitFolio': () => [state.pid, state.range],
      't.munmap': () => [state.pid, state.range],
      't.fork': () => [state.pid],
      'k.sleep': () => [10],
      'k.khugepaged': () => [1],
      'k.zswap': () => [false],
      'k.swapoff': () => [0],
      'k.swapon': () => [0],
      'k.vmstat': () => [],
      'k.meminfo': () => [],
      'k.snapshot': () => ['s'],
      'k.phase': () => ['p'],
      't.exit': () => [state.pid],
    }
    for (const op of Object.keys(EXAMPLES) as VerbOp[]) {
      calls = []
      const result = call(op, EXAMPLES[op]()) as Record<string, unknown>
      const called = new Set(calls)
      if (op === 'k.spawn') state.pid = result.pid as number
      if (op === 'k.cgroup') state.cg = result.id as number
      if (op === 't.mmap') {
        state.range = result as typeof state.range
        state.other = call('t.mmap', [state.pid, '2M']) as typeof state.range
        call('t.uffdRegister', [state.pid, state.other, ['missing']])
      }
      if (op === 't.mremap') state.range = result as typeof state.range
      expect(called, op).toEqual(new Set(VERBS[op].sim))
    }
    expect(new Set(SIM_VERBS)).toEqual(new Set(VERB_OPS.flatMap((op) => VERBS[op].sim)))
  })
})
