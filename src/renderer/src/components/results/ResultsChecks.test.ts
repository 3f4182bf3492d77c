import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import ResultsChecks from './ResultsChecks.vue'
import { SAMPLE_RESULT } from '../../../../report/charts/test-fixture'

describe('ResultsChecks', () => {
  it('lists checks per variant and spells out failures with their location', () => {
    const wrapper = mount(ResultsChecks, { props: { result: SAMPLE_RESULT } })
    const items = wrapper.findAll('[data-testid="check"]')
    expect(items.map((li) => li.classes()[0])).toEqual(['pass', 'fail', 'pass', 'pass'])
    expect(items[1].text()).toContain('AnonHugePages back')
    expect(items[1].text()).toContain('got 0, toBe 2048')
    expect(items[1].text()).toContain('one-thp.ts:14:5')
  })
})
