import { describe, expect, it } from 'vitest'
import { parseRealReportFile } from '../../src/shared/real-report'
import { agreementByStep } from '../../src/report/charts/real'

const report = {
  scenario: { file: 's.ts', title: 't', seed: 1 },
  kernel: { release: '6.18.1', where: 'this host' },
  model: { id: 'm', variant: 'baseline', why: 'w' },
  machine: { settings: [], notGiven: [] },
  replayed: 1,
  total: 1,
  strayVmas: [],
  comparison: {
    observables: 3,
    judged: 2,
    agreeing: 1,
    steps: [
      {
        index: 0,
        describe: 't0.write(r0, 2M)',
        modelNs: 1,
        kernelNs: 2,
        notes: [],
        rows: [
          {
            observable: 'vmstat.pswpout',
            kind: 'delta',
            model: 1,
            kernel: 1,
            judged: true,
            agree: true,
          },
          {
            observable: 'vmstat.pswpin',
            kind: 'delta',
            model: 1,
            kernel: 2,
            judged: true,
            agree: false,
          },
          {
            observable: 'vmstat.nr_free_pages',
            kind: 'delta',
            model: 1,
            kernel: 9,
            judged: false,
            agree: false,
          },
        ],
      },
    ],
  },
}

describe('parseRealReportFile', () => {
  it('takes a report and refuses what is not one, saying why', () => {
    const ok = parseRealReportFile(
      JSON.stringify({ schema: 1, kind: 'hugeswap-real', reports: [report] }),
    )
    expect(ok.ok).toBe(true)
    expect(parseRealReportFile('{')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^not JSON/),
    })
    expect(parseRealReportFile('{"schema":1,"variants":[]}')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/not a hugeswap real report/),
    })
    expect(parseRealReportFile('{"schema":2,"kind":"hugeswap-real","reports":[]}')).toMatchObject({
      ok: false,
      message: 'unknown schema 2 (this app reads 1)',
    })
    expect(
      parseRealReportFile(
        JSON.stringify({ schema: 1, kind: 'hugeswap-real', reports: [{ scenario: {} }] }),
      ),
    ).toMatchObject({ ok: false, message: 'reports[0]: missing scenario, kernel or comparison' })
  })
})

describe('agreementByStep', () => {
  it('counts judged rows only', () => {
    expect(agreementByStep(report as never)).toEqual([
      { step: '0: t0.write(r0, 2M)', agree: 1, differ: 1 },
    ])
  })
})
