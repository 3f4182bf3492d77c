/**
 * RunArray: a large array of 32-bit values that is mostly made of runs, kept in 512-entry chunks
 * (one PMD's worth of pages, one swap cluster). A chunk is one value repeated (CONST), a run of
 * consecutive values (SEQ: entry j holds base + j), or materialized: 512 values of its own, a
 * slab taken from a pool of blocks when an entry first differs and given back when a whole-chunk
 * fill makes it uniform again. A THP written at once, swapped out to one cluster and read back is one SEQ chunk in the
 * frames, the slots and the VMA, copied and compared in O(1), never 512 of anything.
 *
 * The model's content tags and swap-slot state live here (docs/performance.md). `flat` keeps one plain Uint32Array
 * and does every operation entry by entry: the per-page oracle the run form must equal
 * (SimulatorOptions.fastPaths = false).
 *
 * This file is ours: no kernel counterpart.
 */

import type { ByteBudget } from './budget'

const SHIFT = 9
const CHUNK = 1 << SHIFT
const MASK = CHUNK - 1
const CONST = 0
const SEQ = 1
const MAT = 2
/** Largest value a SEQ chunk may reach (values are unsigned 32-bit). */
const MAX = 0xffffffff
/**
 * Materialized chunks live in blocks of 64 (128 KB), never moved: a pool grown by doubling and
 * copying touched twice the memory it kept, and fresh memory is what costs here (a host page
 * fault per 4 KB on first touch).
 */
const BLOCK_SHIFT = 6
const BLOCK_MASK = (1 << BLOCK_SHIFT) - 1
/** Bytes of one block of slabs. */
const BLOCK_BYTES = (CHUNK << BLOCK_SHIFT) * 4

export class RunArray {
  readonly length: number
  /** The oracle form: every entry stored, every operation entry by entry. */
  private readonly flat: Uint32Array | null
  private readonly kind: Uint8Array
  private readonly base: Uint32Array
  private readonly slab: Int32Array
  private readonly blocks: Uint32Array[] = []
  private readonly freeSlabs: number[] = []
  private nextSlab = 0

  /**
   * `budget`: what the array's storage is charged to (the kernel's ByteBudget; slices and
   * concatenations inherit it). Absent: nothing is charged.
   */
  constructor(
    length: number,
    flat = false,
    readonly budget?: ByteBudget,
  ) {
    this.length = length
    const n = flat ? 0 : (length + MASK) >>> SHIFT
    budget?.charge(flat ? length * 4 : n * 9)
    this.flat = flat ? new Uint32Array(length) : null
    this.kind = new Uint8Array(n)
    this.base = new Uint32Array(n)
    this.slab = new Int32Array(n).fill(-1)
  }

  /** Bytes of storage the array holds now (its chunk headers and slabs, or its flat form). */
  get bytes(): number {
    if (this.flat) return this.flat.byteLength
    return this.kind.byteLength * 9 + this.blocks.length * BLOCK_BYTES
  }

  /** Whether this array keeps the oracle form. */
  get isFlat(): boolean {
    return this.flat !== null
  }

  /**
   * Chunks holding 512 values of their own (memory in use beyond the 9 bytes per chunk); every
   * chunk of a flat array.
   */
  get materializedChunks(): number {
    if (this.flat) return (this.length + MASK) >>> SHIFT
    return this.nextSlab - this.freeSlabs.length
  }

  // get() and set() look at the slab first: per-page paths work on materialized chunks.
  get(i: number): number {
    if (this.flat) return this.flat[i]
    const c = i >>> SHIFT
    const s = this.slab[c]
    if (s >= 0) return this.blocks[s >>> BLOCK_SHIFT][((s & BLOCK_MASK) << SHIFT) | (i & MASK)]
    return this.kind[c] === CONST ? this.base[c] : this.base[c] + (i & MASK)
  }

  set(i: number, v: number): void {
    if (this.flat) {
      this.flat[i] = v
      return
    }
    const c = i >>> SHIFT
    let s = this.slab[c]
    if (s < 0) {
      if (this.base[c] + (this.kind[c] === CONST ? 0 : i & MASK) === v) return
      s = this.materialize(c)
    }
    this.blocks[s >>> BLOCK_SHIFT][((s & BLOCK_MASK) << SHIFT) | (i & MASK)] = v
  }

  /** Entries [from, to) all hold `v`. */
  fill(from: number, to: number, v: number): void {
    if (to - from === 1) {
      this.set(from, v)
      return
    }
    if (this.flat) {
      this.flat.fill(v, from, to)
      return
    }
    for (let at = from; at < to;) {
      const c = at >>> SHIFT
      const end = Math.min(to, this.chunkEnd(c))
      if ((at & MASK) === 0 && end === this.chunkEnd(c)) this.makeUniform(c, CONST, v)
      else if (!(this.kind[c] === CONST && this.base[c] === v)) {
        const m = this.materialize(c)
        const o = this.slabAt(m)
        this.blocks[m >>> BLOCK_SHIFT].fill(v, o + (at & MASK), o + (end - (c << SHIFT)))
      }
      at = end
    }
  }

  /** Entries [from, from + n) hold first, first + 1, ... (first + n - 1 <= 0xffffffff). */
  fillSeq(from: number, n: number, first: number): void {
    if (first + n - 1 > MAX) throw new RangeError('RunArray.fillSeq: values past 2^32 - 1')
    if (this.flat) {
      for (let i = 0; i < n; i++) this.flat[from + i] = first + i
      return
    }
    const to = from + n
    for (let at = from; at < to;) {
      const c = at >>> SHIFT
      const end = Math.min(to, this.chunkEnd(c))
      const v = first + (at - from)
      const j = at & MASK
      if (j === 0 && end === this.chunkEnd(c)) this.makeUniform(c, SEQ, v)
      else if (!(this.kind[c] === SEQ && this.base[c] + j === v)) {
        const m = this.materialize(c)
        const block = this.blocks[m >>> BLOCK_SHIFT]
        const o = this.slabAt(m) + j
        for (let i = 0; i < end - at; i++) block[o + i] = v + i
      }
      at = end
    }
  }

  /**
   * dst[dstFrom + i] = src[srcFrom + i] for i < n (memmove semantics when dst === src). Whole
   * uniform chunks copy as one value.
   */
  static copy(dst: RunArray, dstFrom: number, src: RunArray, srcFrom: number, n: number): void {
    if (n === 1) {
      dst.set(dstFrom, src.get(srcFrom))
      return
    }
    if (dst.flat && src.flat) {
      dst.flat.set(src.flat.subarray(srcFrom, srcFrom + n), dstFrom)
      return
    }
    if (dst === src && srcFrom < dstFrom + n && dstFrom < srcFrom + n) {
      src = src.slice(srcFrom, srcFrom + n)
      srcFrom = 0
    }
    if (dst.flat || src.flat) {
      for (let i = 0; i < n; i++) dst.set(dstFrom + i, src.get(srcFrom + i))
      return
    }
    for (let i = 0; i < n;) {
      const d = dstFrom + i
      const s = srcFrom + i
      const sc = s >>> SHIFT
      const len = Math.min(n - i, dst.chunkEnd(d >>> SHIFT) - d, src.chunkEnd(sc) - s)
      const k = src.kind[sc]
      if (k === CONST) dst.fill(d, d + len, src.base[sc])
      else if (k === SEQ) dst.fillSeq(d, len, src.base[sc] + (s & MASK))
      else {
        const from = src.slabAt(src.slab[sc]) + (s & MASK)
        const values = src.blocks[src.slab[sc] >>> BLOCK_SHIFT].subarray(from, from + len)
        const m = dst.materialize(d >>> SHIFT)
        dst.blocks[m >>> BLOCK_SHIFT].set(values, dst.slabAt(m) + (d & MASK))
      }
      i += len
    }
  }

  /**
   * The first i < n with a[aFrom + i] !== b[bFrom + i], or -1. Uniform pieces compare as one
   * value.
   */
  static firstMismatch(a: RunArray, aFrom: number, b: RunArray, bFrom: number, n: number): number {
    if (a.flat || b.flat) {
      for (let i = 0; i < n; i++) if (a.get(aFrom + i) !== b.get(bFrom + i)) return i
      return -1
    }
    for (let i = 0; i < n;) {
      const x = aFrom + i
      const y = bFrom + i
      const ac = x >>> SHIFT
      const bc = y >>> SHIFT
      const len = Math.min(n - i, a.chunkEnd(ac) - x, b.chunkEnd(bc) - y)
      const ak = a.kind[ac]
      const bk = b.kind[bc]
      if (ak !== MAT && ak === bk) {
        const av = ak === CONST ? a.base[ac] : a.base[ac] + (x & MASK)
        const bv = bk === CONST ? b.base[bc] : b.base[bc] + (y & MASK)
        if (av !== bv) return i
      } else {
        for (let j = 0; j < len; j++) if (a.get(x + j) !== b.get(y + j)) return i + j
      }
      i += len
    }
    return -1
  }

  /** Whether entries [from, to) are all `v`. */
  allEqual(from: number, to: number, v: number): boolean {
    if (to - from === 1) return this.get(from) === v
    if (this.flat) {
      for (let i = from; i < to; i++) if (this.flat[i] !== v) return false
      return true
    }
    for (let at = from; at < to;) {
      const c = at >>> SHIFT
      const end = Math.min(to, this.chunkEnd(c))
      const k = this.kind[c]
      if (k === CONST) {
        if (this.base[c] !== v) return false
      } else if (k === SEQ) {
        // A run of consecutive values holds v at most once.
        if (end - at > 1 || this.base[c] + (at & MASK) !== v) return false
      } else {
        const block = this.blocks[this.slab[c] >>> BLOCK_SHIFT]
        const o = this.slabAt(this.slab[c])
        for (let i = at; i < end; i++) if (block[o + (i & MASK)] !== v) return false
      }
      at = end
    }
    return true
  }

  /** A new array holding entries [from, to). */
  slice(from = 0, to = this.length): RunArray {
    const out = new RunArray(to - from, this.isFlat, this.budget)
    RunArray.copy(out, 0, this, from, to - from)
    return out
  }

  /** A new array holding a's entries, then b's. */
  static concat(a: RunArray, b: RunArray): RunArray {
    const out = new RunArray(a.length + b.length, a.isFlat, a.budget)
    RunArray.copy(out, 0, a, 0, a.length)
    RunArray.copy(out, a.length, b, 0, b.length)
    return out
  }

  private chunkEnd(c: number): number {
    return Math.min(this.length, (c + 1) << SHIFT)
  }

  private makeUniform(c: number, kind: number, v: number): void {
    if (this.kind[c] === MAT) this.releaseSlab(c)
    this.kind[c] = kind
    this.base[c] = v
  }

  /** Where slab s starts in its block. */
  private slabAt(s: number): number {
    return (s & BLOCK_MASK) << SHIFT
  }

  /** Gives chunk c 512 values of its own (as it holds now); returns its slab. */
  private materialize(c: number): number {
    if (this.kind[c] === MAT) return this.slab[c]
    let s: number
    if (this.freeSlabs.length) s = this.freeSlabs.pop()!
    else {
      s = this.nextSlab++
      if (s >>> BLOCK_SHIFT >= this.blocks.length) {
        this.budget?.charge(BLOCK_BYTES)
        this.blocks.push(new Uint32Array(CHUNK << BLOCK_SHIFT))
      }
    }
    const block = this.blocks[s >>> BLOCK_SHIFT]
    const at = this.slabAt(s)
    const b = this.base[c]
    if (this.kind[c] === CONST) block.fill(b, at, at + CHUNK)
    else for (let j = 0; j < CHUNK; j++) block[at + j] = b + j
    this.kind[c] = MAT
    this.slab[c] = s
    return s
  }

  private releaseSlab(c: number): void {
    this.freeSlabs.push(this.slab[c])
    this.slab[c] = -1
  }
}
