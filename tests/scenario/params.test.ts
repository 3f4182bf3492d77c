import { describe, expect, it } from 'vitest'
import {
  ParamError,
  applyParams,
  paramBehind,
  parseParamPath,
  type ParamTarget,
  type ParamValue,
} from '../../src/scenario/params'

const DECLARED: ParamTarget = {
  title: 'x',
  seed: 3,
  variants: ['baseline'],
  machine: {
    memory: '8G',
    zswap: false,
    swap: [{ type: 'zram', size: '1G' }],
    thp: { khugepaged: { max_ptes_swap: 64 } },
  },
  params: { procs: 20, heapMB: 256, label: 'a' },
}

function apply(params: Record<string, ParamValue>, target: ParamTarget = DECLARED) {
  return applyParams(target, params).target
}

function messageOf(params: Record<string, ParamValue>, target: ParamTarget = DECLARED): string {
  try {
    apply(params, target)
  } catch (e) {
    if (e instanceof ParamError) return e.message
    throw e
  }
  throw new Error('expected a ParamError')
}

describe('parseParamPath', () => {
  it('reads dots, [index] and .index', () => {
    expect(parseParamPath('machine.swap[0].size')).toEqual(['machine', 'swap', 0, 'size'])
    expect(parseParamPath('machine.swap.1.size')).toEqual(['machine', 'swap', 1, 'size'])
    expect(parseParamPath('variants[2]')).toEqual(['variants', 2])
    expect(parseParamPath('seed')).toEqual(['seed'])
  })

  it('rejects malformed paths, unknown roots and prototype keys', () => {
    expect(() => parseParamPath('')).toThrow(/param '': not a dotted path/)
    expect(() => parseParamPath('machine..zswap')).toThrow(/not a dotted path/)
    expect(() => parseParamPath('machine.swap[x]')).toThrow(/not a dotted path/)
    expect(() => parseParamPath('machine.thp-x')).toThrow(/'thp-x' is not a field name/)
    expect(() => parseParamPath('run')).toThrow(
      "param 'run': unknown field 'run' (known: title, seed, variants, machine, params)",
    )
    expect(() => parseParamPath('[0]')).toThrow(/not a dotted path/)
    expect(() => parseParamPath('machine.__proto__.x')).toThrow(/not a definition field/)
  })
})

describe('applyParams', () => {
  it('overrides values at their paths and leaves the declared definition alone', () => {
    const out = apply({
      'machine.zswap': true,
      'machine.swap[0].size': '4G',
      'machine.thp.khugepaged.max_ptes_swap': 0,
      seed: 9,
      title: 'swept',
    })
    expect(out).toEqual({
      title: 'swept',
      seed: 9,
      variants: ['baseline'],
      machine: {
        memory: '8G',
        zswap: true,
        swap: [{ type: 'zram', size: '4G' }],
        thp: { khugepaged: { max_ptes_swap: 0 } },
      },
      params: { procs: 20, heapMB: 256, label: 'a' },
    })
    expect(DECLARED.machine).toMatchObject({ zswap: false, swap: [{ size: '1G' }] })
  })

  it('types command-line strings like the value they replace or its default', () => {
    const out = apply({
      'machine.zswap': 'true',
      'machine.thp.khugepaged.max_ptes_swap': '128',
      'machine.thp.khugepaged.max_ptes_none': '0',
      'machine.thp.use_zero_page': 'false',
      'machine.thp_swap': 'false',
      'machine.fault_injection.pte_alloc': '0.5',
      'machine.vm.swappiness': '100',
      'machine.swap[0].priority': '-1',
      'machine.memory': '4096M',
      'machine.thp.enabled': 'never',
      seed: '12',
      title: '42',
    })
    expect(out.seed).toBe(12)
    expect(out.title).toBe('42')
    expect(out.machine).toEqual({
      memory: '4096M',
      zswap: true,
      swap: [{ type: 'zram', size: '1G', priority: -1 }],
      thp: {
        enabled: 'never',
        use_zero_page: false,
        khugepaged: { max_ptes_swap: 128, max_ptes_none: 0 },
      },
      thp_swap: false,
      fault_injection: { pte_alloc: 0.5 },
      vm: { swappiness: 100 },
    })
  })

  it('keeps strings that do not fit the type, and strings where a string or size was', () => {
    const out = apply({
      'machine.zswap': 'yes',
      'machine.vm.page_cluster': '3x',
      'machine.swap[0].size': '4096',
    })
    expect(out.machine).toMatchObject({
      zswap: 'yes',
      vm: { page_cluster: '3x' },
      swap: [{ size: '4096' }],
    })
    // With no declared memory the default is a number of bytes: a decimal string becomes one.
    expect(apply({ 'machine.memory': '4294967296' }, { ...DECLARED, machine: {} }).machine).toEqual(
      { memory: 4294967296 },
    )
  })

  it('overrides declared scenario params, typed like the declared value', () => {
    const p = apply({ 'params.procs': '50', 'params.label': '7' }).params as Record<string, unknown>
    expect(p).toEqual({ procs: 50, heapMB: 256, label: '7' })
  })

  it('refuses a scenario param the scenario did not declare, naming the declared ones', () => {
    expect(() => apply({ 'params.prcs': '50' })).toThrow(
      "param 'params.prcs': no scenario parameter 'prcs' (declared: procs, heapMB, label)",
    )
    expect(() => apply({ 'params.procs.x': '5' })).toThrow(/expected params\.NAME/)
  })

  it('splits a variants string at commas', () => {
    expect(apply({ variants: 'baseline, pmd-swap' }).variants).toEqual(['baseline', 'pmd-swap'])
    expect(apply({ 'variants[0]': 'pmd-swap' }).variants).toEqual(['pmd-swap'])
  })

  it('creates missing objects, and starts an absent swap list from the default device', () => {
    const bare: ParamTarget = {
      title: undefined,
      seed: undefined,
      variants: undefined,
      machine: undefined,
      params: undefined,
    }
    expect(
      apply({ 'machine.swap[0].size': '4G', 'machine.thp.khugepaged.max_ptes_swap': '0' }, bare)
        .machine,
    ).toEqual({
      swap: [{ type: 'nvme', size: '4G' }],
      thp: { khugepaged: { max_ptes_swap: 0 } },
    })
    expect(apply({ 'machine.swap[1].type': 'hdd' }).machine).toMatchObject({
      swap: [{ type: 'zram' }, { type: 'hdd' }],
    })
  })

  it('rejects a path through a value that is not an object, naming the path', () => {
    expect(messageOf({ 'machine.zswap.enabled': true })).toBe(
      "param 'machine.zswap.enabled': machine.zswap is a boolean, not an object or list",
    )
    expect(messageOf({ 'machine.thp_swap.x': true })).toBe(
      "param 'machine.thp_swap.x': machine.thp_swap is a boolean, not an object or list",
    )
    expect(messageOf({ 'seed.x': 1 })).toBe(
      "param 'seed.x': seed is a number, not an object or list",
    )
    expect(messageOf({ 'machine.memory[0]': 1 })).toBe(
      "param 'machine.memory[0]': machine.memory is a string, not an object or list",
    )
    expect(messageOf({ 'machine.swap.size': '4G' })).toBe(
      "param 'machine.swap.size': machine.swap is a list: use machine.swap[index]",
    )
    expect(messageOf({ 'machine.thp[0]': 1 })).toBe(
      "param 'machine.thp[0]': machine.thp is an object, not a list",
    )
    expect(messageOf({ 'machine.swap[2].size': '4G' })).toBe(
      "param 'machine.swap[2].size': machine.swap[2] is past the end of machine.swap (1 entry)",
    )
    expect(messageOf({ 'machine.x': [] as never })).toBe(
      "param 'machine.x': expected a string, number or boolean, got a list",
    )
    expect(messageOf({ machines: 1 })).toMatch(/^param 'machines': unknown field 'machines'/)
  })
})

describe('paramBehind', () => {
  it('finds the param a validation message is about', () => {
    const { info } = applyParams(DECLARED, {
      'machine.zsawp': true,
      'machine.swap[1].size': '1G',
      'machine.vm.swappiness': 300,
    })
    expect(paramBehind("machine: unknown field 'zsawp' (known: ...)", info)).toBe('machine.zsawp')
    expect(paramBehind('machine.swap[1].type: expected one of', info)).toBe('machine.swap[1].size')
    expect(paramBehind('machine.vm.swappiness: expected a whole number', info)).toBe(
      'machine.vm.swappiness',
    )
    expect(
      paramBehind('machine.thp.khugepaged.max_ptes_swap: expected a whole number', info),
    ).toBeUndefined()
    expect(paramBehind("machine.thp: unknown field 'x'", info)).toBeUndefined()
  })
})
