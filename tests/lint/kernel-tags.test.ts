/**
 * `local/kernel-tags` (eslint/rules/kernel-tags.mjs): in src/sim/mm a snake_case function names
 * a kernel function and says which in its JSDoc (`@kernel <file> <function>()` or
 * `@kernel-series <link>`); camelCase is the model's own. Linted with the repository's config,
 * so the rule is also known to be on for src/sim/mm at any depth.
 */
import { describe, expect, it } from 'vitest'
import { lint, rules } from './lint'

const RULE = 'local/kernel-tags'

describe('kernel-tags', () => {
  it.each([
    [
      'tagged',
      '/** @kernel mm/memory.c do_swap_page() */\nexport function do_swap_page(): void {}\n',
    ],
    [
      'tagged in a longer JSDoc',
      '/**\n * Swap-in of a PTE.\n *\n * @kernel mm/memory.c do_swap_page(): the fault path\n */\nexport function do_swap_page(): void {}\n',
    ],
    [
      'tagged with the series',
      '/** @kernel-series https://lore.kernel.org/x set_pmd_swap_entry() */\nfunction set_pmd_swap_entry(): void {}\nset_pmd_swap_entry()\n',
    ],
    ['camelCase', 'export function swapInRun(): void {}\n'],
    ['one word', 'export function shrink(): void {}\n'],
    ['a CONSTANT_CASE function', 'export function DO_IT(): void {}\n'],
    [
      'a tagged const arrow',
      '/** @kernel mm/swap.c folio_put() */\nexport const folio_put = (): void => {}\n',
    ],
    ['a snake_case value that is not a function', 'export const nr_pages = 512\n'],
    [
      'overloads tagged on the first',
      '/** @kernel mm/memory.c zap_pte_range() */\nexport function zap_pte_range(a: number): void\nexport function zap_pte_range(a: string): void\nexport function zap_pte_range(_a: unknown): void {}\n',
    ],
  ])('passes: %s', async (_what, code) => {
    expect(await lint('src/sim/mm/x.ts', code)).toEqual([])
  })

  it.each([
    ['no JSDoc', 'export function do_swap_page(): void {}\n'],
    [
      'a JSDoc without the tag',
      '/** Reads the page in. */\nexport function do_swap_page(): void {}\n',
    ],
    [
      'a line comment',
      '// @kernel mm/memory.c do_swap_page()\nexport function do_swap_page(): void {}\n',
    ],
    ['an empty tag', '/** @kernel */\nexport function do_swap_page(): void {}\n'],
    ['not exported', 'function swap_one(): void {}\nswap_one()\n'],
    ['leading underscores', 'export function __split_huge_pmd(): void {}\n'],
    ['a const arrow', 'export const folio_put = (): void => {}\n'],
    ['a const function expression', 'export const folio_put = function (): void {}\n'],
    [
      'nested in another function',
      '/** @kernel mm/a.c outer_fn() */\nexport function outer_fn(): void {\n  function inner_fn(): void {}\n  inner_fn()\n}\n',
    ],
  ])('fails: %s', async (_what, code) => {
    expect(await rules('src/sim/mm/x.ts', code)).toEqual([RULE])
  })

  it('names the function', async () => {
    expect(await lint('src/sim/mm/a/b/x.ts', 'export function do_swap_page(): void {}\n')).toEqual([
      expect.stringMatching(/^local\/kernel-tags: do_swap_page has a kernel name but no `@kernel/),
    ])
  })

  it('applies to src/sim/mm only', async () => {
    expect(await lint('src/sim/engine/x.ts', 'export function heap_push(): void {}\n')).toEqual([])
    expect(await lint('src/report/x.ts', 'export function heap_push(): void {}\n')).toEqual([])
  })
})
