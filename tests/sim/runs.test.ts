/**
 * RunArray (src/sim/engine/runs.ts) against its flat form: random operation sequences on arrays
 * of a few chunks (partial last chunk included) must read back the same everywhere, and runs
 * written whole must stay runs (no chunk materialized).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RunArray } from '../../src/sim/engine/runs'

type Op =
  | { op: 'set'; a: number; i: number; v: number }
  | { op: 'fill'; a: number; from: number; n: number; v: number }
  | { op: 'fillSeq'; a: number; from: number; n: number; v: number }
  | { op: 'copy'; a: number; b: number; from: number; to: number; n: number }
  | { op: 'mismatch'; a: number; b: number; from: number; to: number; n: number }
  | { op: 'allEqual'; a: number; from: number; n: number; v: number }
  | { op: 'slice'; a: number; from: number; n: number }
  | { op: 'concat'; a: number; b: number }

const LEN = 1700
const idx = fc.nat(LEN - 1)
const val = fc.oneof(fc.constant(0), fc.constant(7), fc.nat(3000), fc.constant(0xffffffff - 600))
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), a: fc.nat(2), i: idx, v: val }),
  fc.record({
    op: fc.constant('fill' as const),
    a: fc.nat(2),
    from: idx,
    n: fc.nat(1100),
    v: val,
  }),
  fc.record({
    op: fc.constant('fillSeq' as const),
    a: fc.nat(2),
    from: fc.oneof(idx, fc.constant(0), fc.constant(512)),
    n: fc.oneof(fc.nat(1100), fc.constant(512)),
    v: val,
  }),
  fc.record({
    op: fc.constant('copy' as const),
    a: fc.nat(2),
    b: fc.nat(2),
    from: fc.oneof(idx, fc.constant(0), fc.constant(512)),
    to: fc.oneof(idx, fc.constant(0), fc.constant(512)),
    n: fc.oneof(fc.nat(1100), fc.constant(512)),
  }),
  fc.record({
    op: fc.constant('mismatch' as const),
    a: fc.nat(2),
    b: fc.nat(2),
    from: idx,
    to: idx,
    n: fc.nat(1100),
  }),
  fc.record({
    op: fc.constant('allEqual' as const),
    a: fc.nat(2),
    from: idx,
    n: fc.nat(1100),
    v: val,
  }),
  fc.record({ op: fc.constant('slice' as const), a: fc.nat(2), from: idx, n: fc.nat(1100) }),
  fc.record({ op: fc.constant('concat' as const), a: fc.nat(2), b: fc.nat(2) }),
)

/** Applies `ops` to three arrays of one form; returns every answer and the final contents. */
function replay(ops: Op[], flat: boolean): unknown[] {
  let arrays = [0, 1, 2].map(() => new RunArray(LEN, flat))
  const out: unknown[] = []
  for (const o of ops) {
    const a = arrays[o.a]
    const clampN = (from: number, n: number, len = a.length) => Math.min(n, len - from)
    switch (o.op) {
      case 'set':
        if (o.i < a.length) a.set(o.i, o.v)
        break
      case 'fill':
        if (o.from < a.length) a.fill(o.from, o.from + clampN(o.from, o.n), o.v)
        break
      case 'fillSeq': {
        if (o.from >= a.length) break
        const n = Math.min(clampN(o.from, o.n), 0xffffffff - o.v + 1)
        a.fillSeq(o.from, n, Math.max(1, o.v))
        break
      }
      case 'copy': {
        const b = arrays[o.b]
        if (o.from >= b.length || o.to >= a.length) break
        const n = Math.min(clampN(o.from, o.n, b.length), clampN(o.to, o.n))
        RunArray.copy(a, o.to, b, o.from, n)
        break
      }
      case 'mismatch': {
        const b = arrays[o.b]
        if (o.from >= a.length || o.to >= b.length) break
        const n = Math.min(clampN(o.from, o.n), clampN(o.to, o.n, b.length))
        out.push(RunArray.firstMismatch(a, o.from, b, o.to, n))
        break
      }
      case 'allEqual':
        if (o.from < a.length) out.push(a.allEqual(o.from, o.from + clampN(o.from, o.n), o.v))
        break
      case 'slice':
        if (o.from < a.length && o.n > 0) {
          arrays = arrays.map((x, i) =>
            i === o.a ? a.slice(o.from, o.from + clampN(o.from, o.n)) : x,
          )
        }
        break
      case 'concat':
        if (a.length + arrays[o.b].length < 6000) {
          arrays = arrays.map((x, i) => (i === o.a ? RunArray.concat(a, arrays[o.b]) : x))
        }
        break
    }
  }
  for (const a of arrays) out.push(Array.from({ length: a.length }, (_, i) => a.get(i)))
  return out
}

describe('RunArray', () => {
  it('answers as its flat form does, whatever the operations', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 60 }), (ops) => {
        expect(replay(ops, false)).toEqual(replay(ops, true))
      }),
      { numRuns: 400, seed: 20261205 },
    )
  })

  it('keeps whole-chunk runs as runs: a THP written, swapped out and read back', () => {
    const frames = new RunArray(4096)
    const slots = new RunArray(4096)
    const expected = new RunArray(2048)
    frames.fillSeq(1024, 512, 100)
    expected.fillSeq(512, 512, 100)
    RunArray.copy(slots, 2048, frames, 1024, 512)
    frames.fill(1024, 1536, 0)
    RunArray.copy(frames, 3584, slots, 2048, 512)
    expect(RunArray.firstMismatch(frames, 3584, expected, 512, 512)).toBe(-1)
    expect(frames.get(3584 + 511)).toBe(611)
    expect(frames.allEqual(1024, 1536, 0)).toBe(true)
    expect(frames.materializedChunks + slots.materializedChunks).toBe(0)
    expect(expected.slice().materializedChunks).toBe(0)
  })

  it('materializes a chunk when one entry differs, and gives it back when a fill covers it', () => {
    const a = new RunArray(1024)
    a.fillSeq(0, 512, 1)
    a.set(3, 99)
    expect(a.materializedChunks).toBe(1)
    expect([a.get(2), a.get(3), a.get(4)]).toEqual([3, 99, 5])
    a.fill(0, 512, 0)
    expect(a.materializedChunks).toBe(0)
  })
})
