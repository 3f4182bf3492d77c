import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import ResultsChangeTable from './ResultsChangeTable.vue'
import { KERNEL_NAMES_RESULT } from '../../../../report/charts/test-fixture'
import {
  KEY_VMSTAT_EVENTS,
  MEMINFO_FIELDS,
  SERIES_EVENT_NAMES,
  VMSTAT_NAMES,
} from '../../../../report/vocabulary'
import { KEY_METRICS } from './metrics'
import { KEY_COUNTERS } from '../../composables/useCounterTable'

describe('ResultsChangeTable', () => {
  it('keeps a fallback reason’s and a scan result’s exact name, their meaning on hover', async () => {
    const wrapper = mount(ResultsChangeTable, { props: { result: KERNEL_NAMES_RESULT } })
    await wrapper.find('button.more').trigger('click')
    const row = (key: string) =>
      wrapper.findAll('tbody tr').find((tr) => tr.find('th').text() === key)
    const reason = row('hugeswap.fallbacks.F2-no-free-cluster')
    expect(reason?.find('abbr').attributes('title')).toBe(
      'no wholly free 512-slot swap cluster: folio split before swap-out',
    )
    expect(
      row('hugeswap.khugepaged.result.SCAN_EXCEED_SWAP_PTE')?.find('abbr').attributes('title'),
    ).toBe('more swap PTEs than max_ptes_swap')
    // Other metrics have no label to show.
    expect(row('proc-vmstat.thp_swpout')?.find('abbr').exists()).toBe(false)
  })

  it('lists kernel names only among its key metrics, as the counter table its key counters', () => {
    // Typed (`satisfies`), so vue-tsc refuses a typo; this holds the lists to the names too.
    const vmstat = new Set<string>(VMSTAT_NAMES)
    const meminfo = new Set<string>(MEMINFO_FIELDS)
    for (const key of KEY_METRICS) {
      const [file, name] = key.split(/\.(.*)/)
      if (file === 'proc-vmstat') expect(vmstat, key).toContain(name)
      else if (file === 'meminfo') expect(meminfo, key).toContain(name)
      else expect(file, key).toBe('hugeswap')
    }
    for (const name of KEY_COUNTERS) expect(vmstat.has(name) || meminfo.has(name), name).toBe(true)
  })

  it("shows every counter a series adds among its key metrics; the counter table starts with the reports' key counters", () => {
    for (const name of SERIES_EVENT_NAMES) expect(KEY_METRICS).toContain(`proc-vmstat.${name}`)
    expect(KEY_COUNTERS.slice(0, KEY_VMSTAT_EVENTS.length)).toEqual(KEY_VMSTAT_EVENTS)
  })
})
