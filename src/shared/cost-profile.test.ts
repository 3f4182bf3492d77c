import { describe, expect, it } from 'vitest'
import { costProfilePath, measuredCostsProblem, parseCostProfile } from './cost-profile'

describe('cost profiles', () => {
  it('live where hugeswap calibrate writes them', () => {
    expect(costProfilePath({ HOME: '/home/a' })).toBe('/home/a/.config/hugeswap/costs.json')
    expect(costProfilePath({ HOME: '/home/a', XDG_CONFIG_HOME: '/cfg/' })).toBe(
      '/cfg/hugeswap/costs.json',
    )
  })

  it('read as the figures a run takes, named by file, kernel and date', () => {
    const text = JSON.stringify({
      kind: 'hugeswap-costs',
      measured: { kernel: '6.18.44', date: '2026-12-04T21:00:00Z' },
      costs: { cpu: { faultEntryNs: 900 }, devices: { nvme: { readLatencyNs: 60000 } } },
    })
    expect(parseCostProfile(text, 'costs.json')).toEqual({
      ok: true,
      costs: {
        source: 'costs.json (kernel 6.18.44, 2026-12-04)',
        cpu: { faultEntryNs: 900 },
        devices: { nvme: { readLatencyNs: 60000 } },
      },
    })
  })

  it('say what is wrong with a file that is not one', () => {
    expect(parseCostProfile('{', 'a.json')).toMatchObject({
      ok: false,
      message: /^a.json: not JSON/,
    })
    expect(parseCostProfile('{"schema":1}', 'r.json')).toEqual({
      ok: false,
      message:
        'r.json: not a cost profile written by hugeswap calibrate (no "kind": "hugeswap-costs" with "costs")',
    })
    expect(
      parseCostProfile(JSON.stringify({ kind: 'hugeswap-costs', costs: { cpu: [1] } }), 'c.json'),
    ).toEqual({ ok: false, message: 'c.json: costs.cpu: expected an object' })
  })

  it('are checked when they cross a process boundary', () => {
    expect(measuredCostsProblem({ source: 's', compressors: { lzo: { compressNs: 1 } } })).toBe(
      undefined,
    )
    expect(measuredCostsProblem({ source: 's', extra: 1 })).toBe(
      'measuredCosts.extra: unknown field',
    )
    expect(measuredCostsProblem({ source: 's', cpu: { faultEntryNs: Infinity } })).toBe(
      'measuredCosts.cpu.faultEntryNs must be a number',
    )
    expect(measuredCostsProblem([])).toBe('measuredCosts must be an object')
  })
})
