import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import ResultsCounterTable from './ResultsCounterTable.vue'
import { SAMPLE_RESULT } from '../../../../report/charts/test-fixture'
import { counterRows } from '../../composables/useCounterTable'

describe('ResultsCounterTable', () => {
  it('puts the key THP-swap counters first, one column per variant', () => {
    const wrapper = mount(ResultsCounterTable, { props: { result: SAMPLE_RESULT } })
    const head = wrapper.findAll('thead th').map((th) => th.text())
    expect(head).toEqual(['counter', 'baseline', 'pmd-swap'])
    const names = wrapper.findAll('tbody th').map((th) => th.text())
    expect(names.slice(0, 4)).toEqual(['thp_swpout', 'thp_split_pmd', 'thp_swpout_pmd', 'pswpout'])
    expect(names).toContain('AnonHugePages kB')
    // non-key counters stay hidden until asked for
    expect(names).not.toContain('nr_anon_pages')
  })

  it('marks counters that differ between variants and shows missing ones as a dash', () => {
    const wrapper = mount(ResultsCounterTable, { props: { result: SAMPLE_RESULT } })
    const pmdRow = wrapper
      .findAll('tbody tr')
      .find((tr) => tr.find('th').text() === 'thp_swpout_pmd')
    expect(pmdRow?.classes()).toContain('differs')
    expect(pmdRow?.findAll('td').map((td) => td.text())).toEqual(['–', '1'])
    const swpout = wrapper.findAll('tbody tr').find((tr) => tr.find('th').text() === 'thp_swpout')
    expect(swpout?.classes()).not.toContain('differs')
  })

  it('shows every counter on request', async () => {
    const wrapper = mount(ResultsCounterTable, { props: { result: SAMPLE_RESULT } })
    await wrapper.find('button.more').trigger('click')
    const names = wrapper.findAll('tbody th').map((th) => th.text())
    expect(names).toContain('nr_anon_pages')
    expect(names.length).toBe(counterRows(SAMPLE_RESULT).length)
  })
})
