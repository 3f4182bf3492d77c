/**
 * `hugeswap sweep`: the cartesian grid of --param values, one result per point, the index and a
 * chart per metric against the first param; the pool's wall time and utilisation on stderr.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseCommandLine } from '../../src/cli/args'
import { pointName, sweepGrid, type SweepIndex } from '../../src/cli/sweep'
import type { ResultJson } from '../../src/shared/result'
import { fixture, hugeswap } from './fixtures/launcher'

let tmp: string
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hugeswap-sweep-'))
  expect((await hugeswap('--version')).status).toBe(0)
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('sweep grid', () => {
  it('is the cartesian product, first param outermost', () => {
    const grid = sweepGrid([
      { path: 'machine.swap[0].size', values: ['1G', '2G'] },
      { path: 'machine.vm.page_cluster', values: ['0', '3'] },
    ])
    expect(grid.map(pointName)).toEqual([
      'machine.swap_0_.size=1G,machine.vm.page_cluster=0',
      'machine.swap_0_.size=1G,machine.vm.page_cluster=3',
      'machine.swap_0_.size=2G,machine.vm.page_cluster=0',
      'machine.swap_0_.size=2G,machine.vm.page_cluster=3',
    ])
  })

  it('names points with safe file names', () => {
    expect(pointName({ 'machine.swap[0].type': '../x y' })).toBe('machine.swap_0_.type=.._x_y')
    expect(pointName({ title: '.hidden' })).toBe('title=.hidden')
  })

  it('parses --param lists and rejects bad ones', () => {
    expect(
      parseCommandLine(['sweep', 'x.ts', '--param', 'machine.zswap=true,false', '--out', 'd']),
    ).toEqual({
      kind: 'sweep',
      options: {
        file: 'x.ts',
        params: [{ path: 'machine.zswap', values: ['true', 'false'] }],
        out: 'd',
      },
    })
    expect(parseCommandLine(['sweep'])).toMatchObject({ message: /at least one --param/ })
    expect(parseCommandLine(['sweep', '--param', 'a'])).toMatchObject({ message: /PATH=V1,V2/ })
    expect(parseCommandLine(['sweep', '--param', 'seed=1,,2'])).toMatchObject({
      message: /empty value/,
    })
    expect(parseCommandLine(['sweep', '--param', 'seed=1', '--json', '-'])).toMatchObject({
      message: /sweep does not take --json/,
    })
  })
})

describe.concurrent('hugeswap sweep', () => {
  it('runs a 2x2 grid and writes 4 point files, the index and the charts', async ({ expect }) => {
    const dir = join(tmp, 'grid')
    const r = await hugeswap(
      'sweep',
      fixture('passing.ts'),
      '--param',
      'machine.swap[0].size=1G,2G',
      '--param',
      'machine.vm.page_cluster=0,3',
      '--out',
      dir,
    )
    expect(r.status).toBe(0)
    expect(r.stderr).toMatch(
      /^sweep: wall [\d.]+ s, 4 runs on \d+ process(es)? \(\d+ cores\): busy \d+% .*CPU \d+%/m,
    )
    // One table row per point and variant (passing.ts runs two variants).
    expect(r.stdout).toMatch(/^sweep: passing\.ts \(CLI fixture: passing\), seed 1, 4 points\n/)
    expect(r.stdout.match(/^(1G|2G) +[03] +(baseline|pmd-swap) /gm)).toHaveLength(8)
    // Every metric column names its unit; summed ns are shown as ms.
    expect(r.stdout).toContain('meminfo.PageTables (kB)')
    expect(r.stdout).toContain('faults.totalNs (ms)')

    const points = readdirSync(join(dir, 'points')).sort()
    expect(points).toEqual([
      'machine.swap_0_.size=1G,machine.vm.page_cluster=0.json',
      'machine.swap_0_.size=1G,machine.vm.page_cluster=3.json',
      'machine.swap_0_.size=2G,machine.vm.page_cluster=0.json',
      'machine.swap_0_.size=2G,machine.vm.page_cluster=3.json',
    ])
    const point = JSON.parse(readFileSync(join(dir, 'points', points[2]), 'utf8')) as ResultJson
    expect(point.schema).toBe(1)
    // The point's swap size reached the machine: 2 GiB less the swap header's page.
    expect(point.variants[0].meminfo.SwapTotal).toBe(2 * 1024 * 1024 - 4)

    const index = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as SweepIndex
    expect(index.kind).toBe('hugeswap-sweep')
    expect(index.points).toHaveLength(4)
    expect(index.points[1]).toEqual({
      params: { 'machine.swap[0].size': '1G', 'machine.vm.page_cluster': '3' },
      ok: true,
      file: `points/${points[1]}`,
      checksFailed: 0,
    })
    // Per metric, against the first param, one chart per value of the second.
    const charts = readdirSync(join(dir, 'charts'))
    for (const metric of ['proc-vmstat.pswpin', 'meminfo.PageTables', 'faults.count']) {
      for (const pc of ['0', '3']) {
        const base = `${metric}@machine.vm.page_cluster=${pc}`
        expect(charts).toContain(`${base}.svg`)
        expect(charts).toContain(`${base}.png`)
      }
    }
    expect(index.charts).toHaveLength(charts.length)
    const svg = readFileSync(
      join(dir, 'charts', 'meminfo.PageTables@machine.vm.page_cluster=0.svg'),
      'utf8',
    )
    expect(svg).toMatch(/^<svg /)
    expect(svg).toContain('machine.swap[0].size')
    // Captioned like every exported chart: what was swept, over how many points, which model.
    expect(svg).toContain('sweep of machine.swap[0].size, machine.vm.page_cluster over 4 points')
    expect(svg).toMatch(/model [^<]+</)
    const png = readFileSync(
      join(dir, 'charts', 'meminfo.PageTables@machine.vm.page_cluster=0.png'),
    )
    expect(png.subarray(1, 4).toString()).toBe('PNG')
  })

  it('exits 2 when a point cannot run, and still writes the others', async ({ expect }) => {
    const dir = join(tmp, 'bad')
    const r = await hugeswap(
      'sweep',
      fixture('passing.ts'),
      '--param',
      'machine.swap[0].size=1G,lots',
      '--metrics',
      'proc-vmstat.pswpout',
      '--out',
      dir,
    )
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^point machine\.swap_0_\.size=lots: /m)
    expect(r.stdout).toMatch(/^lots +\(could not run\)/m)
    expect(existsSync(join(dir, 'points', 'machine.swap_0_.size=1G.json'))).toBe(true)
    const index = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as SweepIndex
    expect(index.points.map((p) => p.ok)).toEqual([true, false])
    expect(readdirSync(join(dir, 'charts')).sort()).toEqual([
      'proc-vmstat.pswpout.png',
      'proc-vmstat.pswpout.svg',
    ])
  })
})
