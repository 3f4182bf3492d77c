/**
 * Golden SVGs of two charts on the four-variant fixture. A change here is a visible change of the
 * exported charts: look at the diff (or open the file) before updating with `vitest -u`; CI never
 * rewrites them.
 */
import { describe, expect, it } from 'vitest'
import { FOUR_VARIANT_RESULT } from '../../src/report/charts/test-fixture'
import { CHART_BUILDERS, renderChartSvg, type ChartId } from '../../src/report/export'

const GOLDEN: ChartId[] = ['page-tables', 'fault-cdf', 'memory-saved', 'faults-by-type']

describe('golden chart SVGs', () => {
  it.each(GOLDEN)('%s', async (id) => {
    const svg = renderChartSvg(CHART_BUILDERS[id](FOUR_VARIANT_RESULT))
    await expect(svg).toMatchFileSnapshot(`../golden/charts/${id}.svg`)
  })
})
