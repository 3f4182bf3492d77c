/**
 * JavaScript evaluated inside QuickJS before the scenario. It builds the whole scenario API (`k`,
 * tasks, ranges, expectations) as plain guest objects on top of ONE host function, so the host
 * surface is a single string-in/string-out call that a script cannot turn into a host object:
 *
 *     hostCall(op: string, argsJson: string) -> replyJson   // {v} value | {e} usage error | {fatal}
 *
 * The prelude is a function expression; the sandbox calls it with `hostCall` as an argument, so the
 * host function is never on the guest's global object at all. It returns a control object (kept
 * by the host, unreachable from the scenario) with `describe(ns)` and `run(ns, runJson)`; checks
 * go to the host as they are made (`$check`). The 'hugeswap' module (MODULE_SOURCE) picks up `defineScenario` from a hidden global
 * that it deletes on first import.
 *
 * The methods of the kernel, task and cgroup objects are generated from VERBS (verbs.ts), the
 * scenario API's one source, which hugeswap.d.ts and host-api.ts are held to.
 */
import {
  VERBS,
  VERB_OPS,
  splitOp,
  type ArgKind,
  type ReturnKind,
  type VerbObject,
  type VerbSpec,
} from './verbs'

/** How an argument of each kind crosses into the host (prelude functions below). */
const ARG_CODE: Record<ArgKind, (name: string) => string> = {
  value: (name) => name,
  range: (name) => `rangeArg(${name})`,
  task: (name) => `taskArg(${name})`,
  address: (name) => `addressArg(${name})`,
}

/** What the guest makes of the host's answer, for each kind. */
const RETURN_CODE: Record<ReturnKind, (call: string) => string> = {
  void: (call) => `${call}`,
  value: (call) => `return ${call}`,
  frozen: (call) => `return deepFreeze(${call})`,
  task: (call) => `return makeTask(${call})`,
  range: (call) => `return makeRange(${call})`,
  cgroup: (call) => `return makeCgroup(${call})`,
}

/** The first argument of every op on a task or a cgroup (prelude variables). */
const RECEIVER: Record<VerbObject, string[]> = { k: [], t: ['pid'], cg: ['id'] }

/**
 * The guest object's methods for the verbs on `object`, generated from VERBS (verbs.ts):
 * `mmap(size, options) { return makeRange(call('t.mmap', [pid, size, options])) },`.
 */
export function guestMethods(object: VerbObject): string {
  const lines: string[] = []
  for (const op of VERB_OPS) {
    const [on, method] = splitOp(op)
    if (on !== object) continue
    const spec: VerbSpec = VERBS[op]
    const params = spec.args.map(([name]) => name)
    const args = [...RECEIVER[object], ...spec.args.map(([name, kind]) => ARG_CODE[kind](name))]
    const call = `call('${op}', [${args.join(', ')}])`
    lines.push(`      ${method}(${params.join(', ')}) { ${RETURN_CODE[spec.returns](call)} },`)
  }
  return lines.join('\n')
}

/** Filename QuickJS shows for prelude frames; stack parsing skips them. */
export const PRELUDE_FILE = 'hugeswap:prelude'
/** The module name scenarios import. */
export const MODULE_NAME = 'hugeswap'

/** Source of the 'hugeswap' guest module. */
export const MODULE_SOURCE = `const api = globalThis.__hugeswap_module
delete globalThis.__hugeswap_module
export const defineScenario = api.defineScenario
export default api
`

export const GUEST_PRELUDE = String.raw`(function (hostCall, configJson) {
  'use strict'
  // Captured before the scenario runs, so a script that replaces JSON or Error cannot confuse us.
  const parse = JSON.parse
  const stringify = JSON.stringify
  const ErrorCtor = Error
  const freeze = Object.freeze
  const objectIs = Object.is
  const isArray = Array.isArray
  // What checks use, captured too: a scenario that replaces Object.keys or Function.prototype.call
  // must not be able to make a failing check pass.
  const keysOf = Object.keys
  const hasOwn = Object.prototype.hasOwnProperty
  const apply = Reflect.apply
  const abs = Math.abs
  const StringCtor = String
  const defineProp = Object.defineProperty
  /** An own property, whatever setters the prototypes carry (and a key '__proto__' stays a key). */
  function put(target, key, value) {
    defineProp(target, key, { value: value, enumerable: true, writable: true, configurable: true })
  }
  const config = parse(configJson)
  const FRAME = '(' + config.fileName + ':'

  // Determinism: no clock, and Math.random is seeded by the scenario seed (mulberry32).
  delete globalThis.Date
  let rngState = (config.seed >>> 0) ^ 0x9e3779b9
  Math.random = function random() {
    rngState = (rngState + 0x6d2b79f5) | 0
    let t = rngState
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** {line, column} of the innermost stack frame in the scenario file (JS positions). */
  function callerPosition() {
    const stack = String(new ErrorCtor().stack || '')
    for (const frame of stack.split('\n')) {
      if (frame.indexOf(FRAME) < 0) continue
      const m = /:(\d+):(\d+)\)\s*$/.exec(frame)
      if (m) return { line: +m[1], column: +m[2] }
    }
    return null
  }

  function call(op, args) {
    const reply = parse(hostCall(op, stringify(args)))
    if (reply.fatal) {
      // A simulator bug: tell the host where it happened; the host then interrupts the script.
      hostCall('$fatal', stringify([callerPosition()]))
      throw new ErrorCtor('internal error (the run is being stopped)')
    }
    if (reply.e !== undefined) {
      const err = new ErrorCtor(reply.e)
      err.name = 'SimUsageError'
      throw err
    }
    return reply.v
  }

  function fmt(value) {
    try {
      const s = stringify(value)
      return s === undefined ? String(value) : s
    } catch (e) {
      return String(value)
    }
  }

  function makeRange(r) {
    const start = r.start
    const length = r.length
    return freeze({
      start: start,
      length: length,
      bytes: length,
      sub(offset, size) {
        return makeRange(call('range.sub', [{ start: start, length: length }, offset, size]))
      },
    })
  }

  /** Ranges cross the boundary as plain {start, length}: they name addresses, not a task. */
  function rangeArg(range) {
    if (range === null || typeof range !== 'object') return range
    return { start: range.start, length: range.length }
  }

  /** An address given as a number, or as a range whose start is used. */
  function addressArg(address) {
    return typeof address === 'object' && address !== null ? address.start : address
  }

  function makeCgroup(info) {
    const id = info.id
    return freeze({
      name: info.name,
${guestMethods('cg')}
    })
  }

  function makeTask(info) {
    const pid = info.pid
    return freeze({
      pid: pid,
      comm: info.comm,
${guestMethods('t')}
    })
  }

  /** An error reported like a usage error of the call (no 'TypeError:' prefix). */
  function usage(message) {
    const err = new ErrorCtor(message)
    put(err, 'name', 'SimUsageError')
    return err
  }

  const MAX_DEPTH = 64
  const MAX_PARTS = 100000

  /**
   * A plain copy of a checked value, every property read once (a getter or a Proxy runs here and
   * nowhere else): the check compares the copies and records them, so what it reports is what
   * it compared. Functions and symbols are left out as JSON leaves them out; a bigint becomes
   * its text.
   */
  function plainCopy(value, depth, budget) {
    const type = typeof value
    if (type === 'bigint') return StringCtor(value) + 'n'
    if (type === 'function' || type === 'symbol') return undefined
    if (value === null || type !== 'object') return value
    if (--budget.parts < 0) throw usage('k.expect: the value has more than ' + MAX_PARTS + ' parts; check a smaller one')
    if (depth >= MAX_DEPTH) throw usage('k.expect: the value nests deeper than ' + MAX_DEPTH + ' levels')
    if (isArray(value)) {
      const n = value.length
      const out = []
      for (let i = 0; i < n; i++) put(out, i, plainCopy(value[i], depth + 1, budget))
      return out
    }
    const keys = keysOf(value)
    const out = {}
    for (let i = 0; i < keys.length; i++) put(out, keys[i], plainCopy(value[keys[i]], depth + 1, budget))
    return out
  }

  /** Deep equality of two plain copies. */
  function deepEqual(a, b) {
    if (objectIs(a, b)) return true
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
    if (isArray(a) !== isArray(b)) return false
    const ka = keysOf(a)
    const kb = keysOf(b)
    if (ka.length !== kb.length) return false
    for (let i = 0; i < ka.length; i++) {
      const key = ka[i]
      if (!apply(hasOwn, b, [key]) || !deepEqual(a[key], b[key])) return false
    }
    return true
  }

  function expect(actualValue, label) {
    const pos = callerPosition()
    const defaultLabel = label === undefined || label === null
    const text = defaultLabel ? '' : StringCtor(label)
    const actual = plainCopy(actualValue, 0, { parts: MAX_PARTS })
    const isNum = typeof actual === 'number'
    // The host keeps the checks ('$check'): nothing the scenario does later can change one.
    function record(matcher, expectedValue, pass) {
      const expected = plainCopy(expectedValue, 0, { parts: MAX_PARTS })
      const result = pass(expected)
      const shown = defaultLabel ? 'expect(' + fmt(actual) + ').' + matcher + '(' + fmt(expected) + ')' : text
      call('$check', [{ label: shown, pass: result === true, actual: actual, expected: expected, matcher: matcher, pos: pos, defaultLabel: defaultLabel }])
    }
    const num = (e) => isNum && typeof e === 'number'
    return freeze({
      // Identity of the values themselves (a copy of an object is never identical to it).
      toBe(expected) { record('toBe', expected, () => objectIs(actualValue, expected)) },
      toEqual(expected) { record('toEqual', expected, (e) => deepEqual(actual, e)) },
      toBeGreaterThan(expected) { record('toBeGreaterThan', expected, (e) => num(e) && actual > e) },
      toBeGreaterThanOrEqual(expected) { record('toBeGreaterThanOrEqual', expected, (e) => num(e) && actual >= e) },
      toBeLessThan(expected) { record('toBeLessThan', expected, (e) => num(e) && actual < e) },
      toBeLessThanOrEqual(expected) { record('toBeLessThanOrEqual', expected, (e) => num(e) && actual <= e) },
      toBeCloseTo(expected, tolerance) {
        const tol = tolerance === undefined ? 0.005 : tolerance
        record('toBeCloseTo', expected, (e) => num(e) && typeof tol === 'number' && abs(actual - e) <= tol)
      },
    })
  }

  /** A task argument crosses the boundary as its pid; the host checks it belongs to this run. */
  function taskArg(task) {
    return task !== null && typeof task === 'object' ? task.pid : undefined
  }

  function deepFreeze(value) {
    if (value !== null && typeof value === 'object') {
      for (const key of Object.keys(value)) deepFreeze(value[key])
      freeze(value)
    }
    return value
  }

  function makeKernel(variant, machine) {
    return freeze({
      // The name and every feature flag (VARIANT_FEATURES in src/sim/result.ts), as the host sent them.
      variant: freeze(variant),
      machine: deepFreeze(machine),
${guestMethods('k')}
      expect: expect,
    })
  }

  function logger(level) {
    return function () {
      const parts = []
      for (let i = 0; i < arguments.length; i++) {
        const a = arguments[i]
        parts.push(typeof a === 'string' ? a : fmt(a))
      }
      hostCall('$log', stringify([level, parts.join(' ')]))
    }
  }
  globalThis.console = freeze({ log: logger('log'), info: logger('info'), warn: logger('warn'), error: logger('error'), debug: logger('debug') })

  let registered = null
  function defineScenario(definition) {
    if (definition === null || typeof definition !== 'object') {
      throw new TypeError('defineScenario: expected an object such as { title, run(k) { ... } }')
    }
    registered = { definition: definition, pos: callerPosition() }
    return definition
  }
  Object.defineProperty(globalThis, '__hugeswap_module', {
    value: freeze({ defineScenario: defineScenario }),
    configurable: true,
    enumerable: false,
  })

  // Every loop body calls this first (transpile.ts markLoops). QuickJS's own interrupt, polled at
  // a loop's back-edge, reports a stale position (often the last call before the loop); so every
  // 256 iterations the mark asks the host whether the script's time is up, and if so stops the
  // script here, at the loop, with the loop's position (the host's hard interrupt comes a moment
  // later for time spent outside any loop).
  let loopTicks = 0
  Object.defineProperty(globalThis, '__hugeswap_loop', {
    value: function () {
      if (++loopTicks < 256) return
      loopTicks = 0
      if (hostCall('$tick', '[]') !== '{"fatal":1}') return
      hostCall('$fatal', stringify([callerPosition()]))
      throw new ErrorCtor('script time limit (the run is being stopped)')
    },
    configurable: false,
    enumerable: false,
    writable: false,
  })

  function definitionOf(ns) {
    const def = ns ? ns.default : undefined
    if (def === null || typeof def !== 'object') {
      throw new TypeError("the scenario has no default export: write 'export default defineScenario({ ... })'")
    }
    return def
  }

  return freeze({
    describe(ns) {
      const def = definitionOf(ns)
      const pos = registered !== null && registered.definition === def ? registered.pos : null
      return stringify({
        title: def.title,
        seed: def.seed,
        variants: def.variants,
        machine: def.machine,
        params: def.params,
        runType: typeof def.run,
        pos: pos,
      })
    },
    run(ns, runJson) {
      const def = definitionOf(ns)
      const r = parse(runJson)
      return def.run(makeKernel(r.variant, r.machine), freeze(r.params))
    },
  })
})`
