/**
 * No chart writes text over other text or off its edges: every chart of the fixtures, at the export
 * size and in a narrow workbench card (460 px wide, the card heights of ResultsCharts.vue).
 *
 * Text boxes come from zrender's own layout, widened by 15 %: zrender measures text with a table a
 * little narrower than DejaVu Sans, the font the charts are drawn in.
 */
import { describe, expect, it } from 'vitest'
import { init } from 'echarts/core'
import type { EChartsOption } from 'echarts'
import {
  FOUR_VARIANT_RESULT,
  KERNEL_NAMES_RESULT,
  SAMPLE_RESULT,
} from '../../src/report/charts/test-fixture'
import { memorySavedOption } from '../../src/report/charts/memory-saved'
import {
  CHART_BUILDERS,
  CHART_HEIGHT,
  CHART_IDS,
  CHART_WIDTH,
  chartCardHeight,
  renderChartSvg,
} from '../../src/report/export'

const DEJAVU_WIDER = 1.15
const NARROW_WIDTH = 460

type Quad = [number, number][]

interface TextEl {
  style: {
    text?: string
    font?: string
    textAlign?: string
    textBaseline?: string
    x?: number
    y?: number
  }
  transform?: number[]
  parent?: unknown
  invisible?: boolean
  getBoundingRect(): { width: number; height: number }
  __clipPaths?: {
    getBoundingRect(): { clone(): Rect }
    transform?: number[]
  }[]
}
interface Rect {
  x: number
  y: number
  width: number
  height: number
  applyTransform(m: number[]): void
}

/** The corners of a text's box on the canvas, widened as DejaVu Sans draws it. */
function quadOf(el: TextEl): Quad {
  const { width, height } = el.getBoundingRect()
  const w = (width * DEJAVU_WIDER) | 0
  const size = Number(/(\d+(?:\.\d+)?)px/.exec(el.style.font ?? '')?.[1] ?? 12)
  const h = Math.min(height, size)
  const x = el.style.x ?? 0
  const y = el.style.y ?? 0
  const align = el.style.textAlign ?? 'left'
  const base = el.style.textBaseline ?? 'alphabetic'
  const x0 = align === 'center' ? x - w / 2 : align === 'right' || align === 'end' ? x - w : x
  const y0 =
    base === 'top' ? y : base === 'middle' ? y - h / 2 : base === 'bottom' ? y - h : y - 0.8 * h
  const m = el.transform ?? [1, 0, 0, 1, 0, 0]
  const corners: Quad = [
    [x0, y0],
    [x0 + w, y0],
    [x0 + w, y0 + h],
    [x0, y0 + h],
  ]
  return corners.map(([px, py]) => [m[0] * px + m[2] * py + m[4], m[1] * px + m[3] * py + m[5]])
}

/** How deep two convex quads overlap (separating axes), 0 when apart. */
function overlap(a: Quad, b: Quad): number {
  let depth = Infinity
  for (const q of [a, b]) {
    for (let i = 0; i < 4; i++) {
      const [x1, y1] = q[i]
      const [x2, y2] = q[(i + 1) % 4]
      const len = Math.hypot(y1 - y2, x2 - x1) || 1
      const [nx, ny] = [(y1 - y2) / len, (x2 - x1) / len]
      const pa = a.map(([x, y]) => x * nx + y * ny)
      const pb = b.map(([x, y]) => x * nx + y * ny)
      const d =
        Math.min(Math.max(...pa), Math.max(...pb)) - Math.max(Math.min(...pa), Math.min(...pb))
      if (d <= 0) return 0
      depth = Math.min(depth, d)
    }
  }
  return depth
}

/** Text outside a clip path (a scrolling legend's hidden page) is not drawn. */
function clippedAway(el: TextEl, quad: Quad): boolean {
  const cx = quad.reduce((sum, p) => sum + p[0], 0) / 4
  const cy = quad.reduce((sum, p) => sum + p[1], 0) / 4
  return (el.__clipPaths ?? []).some((clip) => {
    const r = clip.getBoundingRect().clone()
    if (clip.transform) r.applyTransform(clip.transform)
    return cx < r.x || cx > r.x + r.width || cy < r.y || cy > r.y + r.height
  })
}

/** Overlapping pairs and text off the canvas, as readable strings. */
function textProblems(option: EChartsOption, width: number, height: number): string[] {
  const chart = init(null, null, { renderer: 'svg', ssr: true, width, height })
  try {
    chart.setOption({ ...option, animation: false })
    const zr = chart.getZr() as unknown as {
      storage: { getDisplayList(update: boolean): TextEl[] }
    }
    const texts = zr.storage
      .getDisplayList(true)
      .filter((el) => typeof el.style?.text === 'string' && el.style.text.trim() !== '')
      .filter((el) => !el.invisible)
      .map((el) => ({ el, text: el.style.text as string, quad: quadOf(el) }))
      .filter(({ el, quad }) => !clippedAway(el, quad))
    const problems: string[] = []
    texts.forEach((t, i) => {
      if (t.quad.some(([x, y]) => x < -1 || y < -1 || x > width + 1 || y > height + 1)) {
        problems.push(`off the chart: ${t.text}`)
      }
      for (const u of texts.slice(i + 1)) {
        // Lines of one multi-line text are laid out together.
        if (t.el.parent !== undefined && t.el.parent === u.el.parent) continue
        const depth = overlap(t.quad, u.quad)
        if (depth > 1) problems.push(`${JSON.stringify(t.text)} over ${JSON.stringify(u.text)}`)
      }
    })
    return problems
  } finally {
    chart.dispose()
  }
}

describe.each([
  ['four variants', FOUR_VARIANT_RESULT],
  ['two variants', SAMPLE_RESULT],
  // Labelled fallback reasons under their keys, eight counter panels.
  ['kernel names', KERNEL_NAMES_RESULT],
])('chart text is legible (%s)', (_, result) => {
  it.each(CHART_IDS)('%s at the export size', (id) => {
    expect(textProblems(CHART_BUILDERS[id](result), CHART_WIDTH, CHART_HEIGHT)).toEqual([])
  })

  it.each(CHART_IDS)('%s in a narrow card', (id) => {
    expect(textProblems(CHART_BUILDERS[id](result), NARROW_WIDTH, chartCardHeight(id))).toEqual([])
  })
})

describe('labelLayout', () => {
  it('is registered: bar labels that would collide give way in a narrow chart', () => {
    const option = memorySavedOption(FOUR_VARIANT_RESULT)
    const percents = (svg: string): number => svg.split('>100%<').length - 1
    // swapped out, faulted back and end for pmd-swap+lazy-deposit, swapped out for pmd-swap
    expect(percents(renderChartSvg(option))).toBe(4)
    expect(percents(renderChartSvg(option, { width: 300, height: 340 }))).toBe(3)
  })
})
