import { describe, expect, it } from 'vitest'
import { VARIANT_NAMES } from '../../shared/result'
import {
  boxedGrid,
  legendLayout,
  variantColor,
  variantLineStyle,
  variantSquares,
  variantSquareStyles,
  wrapAtHyphens,
  wrapVariantName,
} from './variants'

describe('chart layout helpers', () => {
  it('keeps a grid’s labels and axis names inside its box', () => {
    expect(boxedGrid({ left: 12, top: '59%' })).toEqual({
      left: 12,
      top: '59%',
      outerBoundsMode: 'same',
      outerBoundsContain: 'all',
    })
  })

  it('starts the plot’s box below a legend of one or two rows', () => {
    expect(legendLayout(2).plotTop).toBe(62)
    expect(legendLayout(4).plotTop).toBe(84)
  })

  it('breaks kebab-case names after their hyphens', () => {
    expect(wrapAtHyphens('F16-stable-writes-writeback')).toBe('F16-stable-\nwrites-writeback')
    expect(wrapAtHyphens('lazy-deposit-pte-alloc-failed')).toBe('lazy-deposit-\npte-alloc-failed')
    expect(wrapAtHyphens('F2-no-free-cluster')).toBe('F2-no-free-\ncluster')
    expect(wrapAtHyphens('swap_cluster_alloc')).toBe('swap_cluster_alloc')
    expect(wrapAtHyphens('short')).toBe('short')
  })

  it('puts the combined variant on two lines', () => {
    expect(wrapVariantName('pmd-swap+lazy-deposit')).toBe('pmd-swap+\nlazy-deposit')
    expect(wrapVariantName('baseline')).toBe('baseline')
  })

  it('names variants by coloured squares in rich text', () => {
    expect(variantSquares([0, 2])).toBe('{v0|■}{v2|■}')
    expect(variantSquareStyles([{ name: 'baseline' }, { name: 'pmd-swap' }])).toEqual({
      v0: { color: '#5470c6', fontSize: 10, lineHeight: 13 },
      v1: { color: '#ee6666', fontSize: 10, lineHeight: 13 },
    })
  })
})

describe('variant looks', () => {
  const look = (name: string, names?: readonly string[]) => {
    const l = variantLineStyle(name, names)
    return {
      color: variantColor(name, names),
      dash: JSON.stringify(l.lineStyle.type),
      symbol: l.symbol,
    }
  }
  const distinct = (names: readonly string[]) => {
    const looks = names.map((n) => look(n, names))
    for (const key of ['color', 'dash', 'symbol'] as const) {
      expect(new Set(looks.map((l) => l[key])).size, key).toBe(names.length)
    }
    expect(looks.map((l) => l.color)).not.toContain('#888888')
  }

  it('gives every variant its own colour, dash pattern and point symbol', () => {
    distinct(VARIANT_NAMES)
  })

  it('gives a variant added later a spare look and leaves the others as they were', () => {
    const five = [VARIANT_NAMES[0], 'a-later-variant', ...VARIANT_NAMES.slice(1)]
    distinct(five)
    // A variant with a look of its own (one it has even in an empty list) keeps it.
    const named = VARIANT_NAMES.filter((n) => variantColor(n, []) !== '#888888')
    expect(named.length).toBeGreaterThan(0)
    for (const name of named) expect(look(name, five)).toEqual(look(name))
    expect(variantColor('no-such-variant')).toBe('#888888')
  })
})
