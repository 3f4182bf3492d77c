import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import RunError from './RunError.vue'

describe('RunError', () => {
  it('shows FILE:LINE:COL: message and the kind', () => {
    const wrapper = mount(RunError, {
      props: {
        error: {
          kind: 'syntax',
          message: 'Unexpected token',
          file: 'one-thp.ts',
          line: 12,
          column: 7,
        },
      },
    })
    expect(wrapper.get('[data-testid="run-error"]').attributes('role')).toBe('alert')
    expect(wrapper.find('h2').text()).toBe('Syntax error')
    expect(wrapper.find('pre').text()).toBe('one-thp.ts:12:7: Unexpected token')
  })

  it('shows a bare message when there is no location', () => {
    const wrapper = mount(RunError, {
      props: { error: { kind: 'timeout', message: 'Time limit of 10000 ms' } },
    })
    expect(wrapper.find('h2').text()).toBe('Time limit')
    expect(wrapper.find('pre').text()).toBe('Time limit of 10000 ms')
  })
})
