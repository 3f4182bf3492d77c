/**
 * The workbench's export and the CLI's `--out DIR` write the same bytes for every chart, and the
 * PNGs are stable: resvg sees only the vendored font.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeOutDir } from '../../src/cli/out-dir'
import { FOUR_VARIANT_RESULT, SAMPLE_RESULT } from '../../src/report/charts/test-fixture'
import { CHART_IDS, captionLines, renderChartSvg, type ChartId } from '../../src/report/export'
import type { ResultJson } from '../../src/shared/result'
import { fontFiles, packageRoot, svgToPng } from '../../src/cli/png'
import { pageTablesOption } from '../../src/report/charts/page-tables'

// The renderer's module, loaded by path: tsconfig.node.json (this test's project) does not list
// src/renderer, and the point is to run the renderer's own file, not a copy of its one line.
const CHART_EXPORT = '../../src/renderer/src/services/chart-export'
const { exportChartSvg } = (await import(/* @vite-ignore */ CHART_EXPORT)) as {
  exportChartSvg: (result: ResultJson, id: ChartId) => string
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

describe.each([
  ['four variants', FOUR_VARIANT_RESULT],
  ['two variants', SAMPLE_RESULT],
])('--out DIR and the workbench export (%s)', (_, result) => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hugeswap-export-'))
    await writeOutDir(dir, result, JSON.stringify(result))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('writes every chart as .svg and .png', async () => {
    const names = (await readdir(dir)).sort()
    for (const id of CHART_IDS)
      expect(names).toEqual(expect.arrayContaining([`${id}.svg`, `${id}.png`]))
    expect(names).toEqual(expect.arrayContaining(['results.json', 'results.csv', 'report.txt']))
  })

  it.each(CHART_IDS)('%s.svg is the bytes of exportChartSvg', async (id) => {
    const cli = await readFile(join(dir, `${id}.svg`), 'utf8')
    expect(cli).toMatch(/^<svg /)
    expect(cli).toBe(exportChartSvg(result, id))
  })

  it.each(CHART_IDS)('%s.png is a PNG of that SVG', async (id) => {
    const png = await readFile(join(dir, `${id}.png`))
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE)
    expect(Buffer.from(svgToPng(exportChartSvg(result, id))).equals(png)).toBe(true)
  })
})

describe('renderChartSvg', () => {
  it('gives the same bytes however many charts were rendered before', () => {
    const option = pageTablesOption(FOUR_VARIANT_RESULT)
    const first = renderChartSvg(option)
    renderChartSvg(option)
    expect(renderChartSvg(option)).toBe(first)
    expect(first).not.toMatch(/zr[1-9]\d*-/)
  })

  it('names the vendored font and has a white background', () => {
    const svg = renderChartSvg(pageTablesOption(FOUR_VARIANT_RESULT))
    expect(svg).toContain('font-family:DejaVu Sans')
    expect(svg).not.toContain('sans-serif')
    expect(svg).toMatch(/<rect width="900" height="560" x="0" y="0" fill="#ffffff"/)
  })

  it('honours the size', () => {
    expect(renderChartSvg(pageTablesOption(SAMPLE_RESULT), { width: 400, height: 300 })).toMatch(
      /^<svg width="400" height="300" /,
    )
  })
})

describe('svgToPng', () => {
  it('is the same bytes on every render and starts with the PNG signature', () => {
    const svg = exportChartSvg(FOUR_VARIANT_RESULT, 'fault-cdf')
    const a = svgToPng(svg)
    const b = svgToPng(svg)
    expect([...a.subarray(0, 8)]).toEqual(PNG_SIGNATURE)
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true)
  })

  it('renders at 2x by default', () => {
    const svg = exportChartSvg(SAMPLE_RESULT, 'page-tables')
    const png = Buffer.from(svgToPng(svg))
    // The chart (900 x 560) with its caption below: the export is taller than the chart.
    const height = Number(/^<svg width="900" height="(\d+)"/.exec(svg)?.[1])
    expect(height).toBeGreaterThan(560 + 20)
    // IHDR: width and height, big-endian, at bytes 16..23
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1800, 2 * height])
  })

  it('finds the vendored fonts from src/report', async () => {
    expect(JSON.parse(await readFile(join(packageRoot(), 'package.json'), 'utf8')).name).toBe(
      'hugeswap',
    )
    for (const file of fontFiles()) expect((await readFile(file)).length).toBeGreaterThan(100_000)
  })

  it('captions every export with what ran, and banners a broken run above the chart', () => {
    const svg = exportChartSvg(SAMPLE_RESULT, 'page-tables')
    for (const line of captionLines(SAMPLE_RESULT))
      expect(svg).toContain(line.replace(/&/g, '&amp;'))
    expect(captionLines(SAMPLE_RESULT)[0]).toContain(`seed ${SAMPLE_RESULT.scenario.seed}`)
    expect(captionLines(SAMPLE_RESULT)[0]).toContain(SAMPLE_RESULT.tool.model)
    const clean = structuredClone(SAMPLE_RESULT)
    for (const v of clean.variants) for (const c of v.checks) c.pass = true
    expect(exportChartSvg(clean, 'page-tables')).not.toContain('BROKEN RUN')
    const broken = structuredClone(clean)
    broken.variants[0].vmstat.oom_kill = 1
    const top = exportChartSvg(broken, 'page-tables')
    expect(top).toContain('*** BROKEN RUN: read this before quoting any figure below ***')
    expect(top.indexOf('BROKEN RUN')).toBeLessThan(top.indexOf('<svg x="0"'))
  })

  it('walks up to the package root from a bundle in out/cli/', () => {
    expect(packageRoot(join(packageRoot(), 'out', 'cli', 'index.js'))).toBe(packageRoot())
  })
})
