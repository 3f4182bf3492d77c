/**
 * docs/scenario-api.md's Variants table is the user's list of kernel variants: it must name every
 * variant of VARIANT_FEATURES (src/sim/result.ts) with its flags, in the same order, and no other.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { VARIANT_FEATURES, VARIANT_NAMES } from '../../src/shared/result'

const doc = readFileSync(join(import.meta.dirname, '../../docs/scenario-api.md'), 'utf8')

it('docs/scenario-api.md lists every variant with its feature flags', () => {
  const section = doc.split(/^## Variants$/m)[1]?.split(/^## /m)[0] ?? ''
  const flags = Object.keys(VARIANT_FEATURES[VARIANT_NAMES[0]])
  const header =
    /^\| Name +\|(.*)$/m
      .exec(section)?.[1]
      .split('|')
      .map((c) => c.trim()) ?? []
  expect(header.slice(0, flags.length)).toEqual(flags.map((f) => `\`${f}\``))
  const rows = [...section.matchAll(/^\| `([^`]+)` +\|(.*)$/gm)].map(([, name, rest]) => [
    name,
    ...rest
      .split('|')
      .slice(0, flags.length)
      .map((c) => c.trim()),
  ])
  expect(rows).toEqual(
    VARIANT_NAMES.map((name) => [
      name,
      ...flags.map((f) =>
        String(VARIANT_FEATURES[name][f as keyof (typeof VARIANT_FEATURES)[typeof name]]),
      ),
    ]),
  )
})
