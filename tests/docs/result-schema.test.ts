/**
 * docs/result.schema.json against real results: scenarios of every kind (a plain THP, khugepaged,
 * mTHP on zram, a memory cgroup under pressure, a fallback, named phases with params) run through
 * the real pipeline and the real simulator, and every result must validate. The schema's property
 * lists must also equal the keys real results have, so that a field added to (or dropped from)
 * the result JSON without the schema and docs/result-json.md fails here, and its enumerations
 * must equal the code's own lists of names.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Ajv from 'ajv'
import { beforeAll, describe, expect, it } from 'vitest'
import type { ResultJson } from '../../src/shared/result'
import { runScenarioFile } from '../scenarios/run-scenario'
import { schemaText } from './schema-vocabulary'

const ROOT = join(import.meta.dirname, '../..')

interface ObjectSchema {
  properties: Record<string, { enum?: unknown[] } & Record<string, unknown>>
  required?: string[]
  propertyNames?: { enum: string[] }
  additionalProperties?: unknown
}
interface Schema extends ObjectSchema {
  definitions: Record<string, ObjectSchema>
}

const schema = JSON.parse(readFileSync(join(ROOT, 'docs/result.schema.json'), 'utf8')) as Schema
const doc = readFileSync(join(ROOT, 'docs/result-json.md'), 'utf8')

/** [file, params]: each brings parts of the result the others leave empty. */
const SCENARIOS: [string, Record<string, string>][] = [
  ['one-thp.ts', {}],
  ['page-tables/khugepaged-collapse.ts', {}],
  ['calibration/zram-mthp.ts', {}],
  ['pressure/cgroup-limit.ts', {}],
  ['fallbacks/F6-swapin-alloc-failed.ts', {}],
  ['fallbacks/F1-zswap-enabled.ts', {}],
  ['fork-heap.ts', { 'params.procs': '3', 'params.heapMB': '8' }],
]

const ajv = new Ajv({ allErrors: true })
ajv.addSchema(schema, 'result')
const validate = ajv.getSchema('result')!
const validateRuns = ajv.compile({ $ref: 'result#/definitions/runs' })

/** The result as a file holds it: undefined values gone. */
const results = new Map<string, ResultJson>()
beforeAll(async () => {
  for (const [file, params] of SCENARIOS) {
    const result = await runScenarioFile(file, params)
    results.set(file, JSON.parse(JSON.stringify(result)) as ResultJson)
  }
}, 300_000)

function errors(): string {
  return ajv.errorsText(validate.errors, { separator: '\n' })
}

function keysOf(objects: readonly object[]): string[] {
  return [...new Set(objects.flatMap((o) => Object.keys(o)))].sort()
}

function propertyNames(s: ObjectSchema): string[] {
  return Object.keys(s.properties).sort()
}

describe('real results validate against docs/result.schema.json', () => {
  it.each(SCENARIOS.map(([file]) => file))('%s', (file) => {
    const result = results.get(file)!
    expect(validate(result), errors()).toBe(true)
  })

  it('a --runs file validates as definitions/runs', () => {
    const runs = { schema: 1, runs: [results.get('one-thp.ts'), results.get('one-thp.ts')] }
    expect(validateRuns(runs), ajv.errorsText(validateRuns.errors)).toBe(true)
    expect(validateRuns({ schema: 1, runs: [{ schema: 1 }, { schema: 1 }] })).toBe(false)
  })
})

describe('the schema lists exactly the fields real results have', () => {
  const all = () => [...results.values()]
  const variants = () => all().flatMap((r) => r.variants)

  it('top level', () => {
    expect(propertyNames(schema)).toEqual(keysOf(all()))
    expect([...schema.required!].sort()).toEqual(keysOf(all()).filter((k) => k !== 'machine'))
  })

  it('per variant', () => {
    expect(propertyNames(schema.definitions.variant)).toEqual(keysOf(variants()))
  })

  it('scenario, machine, snapshot, faults', () => {
    // `costs` needs measured costs; `rangesTruncated` more than 2048 ranges at a snapshot.
    expect(propertyNames(schema.properties.scenario as unknown as ObjectSchema)).toEqual(
      [...keysOf(all().map((r) => r.scenario)), 'costs'].sort(),
    )
    expect(propertyNames(schema.definitions.machine)).toEqual(keysOf(all().map((r) => r.machine!)))
    expect(propertyNames(schema.definitions.snapshot)).toEqual(
      [...keysOf(variants().flatMap((v) => v.snapshots)), 'rangesTruncated'].sort(),
    )
    expect(propertyNames(schema.definitions.faults)).toEqual(
      keysOf(variants().map((v) => v.faults)),
    )
  })

  it('every schema field is described in docs/result-json.md', () => {
    const names = new Set<string>()
    const collect = (s: unknown): void => {
      if (typeof s !== 'object' || s === null) return
      const props = (s as ObjectSchema).properties
      if (props) for (const name of Object.keys(props)) names.add(name)
      for (const value of Object.values(s)) collect(value)
    }
    collect(schema)
    const missing = [...names].filter((name) => !doc.includes('`' + name + '`'))
    expect(missing).toEqual([])
  })
})

describe("the schema's names are the code's names", () => {
  it('docs/result.schema.json is written from the vocabularies (`vitest run tests/docs -u`)', async () => {
    // The variant names and features, the vmstat names and the series' per-variant rules, the
    // fallback reasons, scan results, fault types, cost components, mTHP sizes and cost profiles
    // come from the code (tests/docs/schema-vocabulary.ts): a name added there changes the file.
    const file = join(ROOT, 'docs/result.schema.json')
    await expect(
      await schemaText(schema as unknown as Record<string, unknown>, file),
    ).toMatchFileSnapshot(file)
  })
})

describe('the schema catches a lost or misspelt field', () => {
  const mutated = (change: (r: ResultJson & Record<string, unknown>) => void): boolean => {
    const r = structuredClone(results.get('one-thp.ts')!) as ResultJson & Record<string, unknown>
    change(r)
    return validate(r) as boolean
  }
  const variant = (r: ResultJson, i = 0) => r.variants[i] as unknown as Record<string, unknown>
  /** The first variant with (or without) the PMD swap series, whatever the variants' order. */
  const withPmdSwap = (r: ResultJson, on: boolean) =>
    r.variants.find((v) => v.features.pmdSwap === on)!

  it.each([
    ['a top-level field added', (r: ResultJson & Record<string, unknown>) => (r.extra = 1)],
    [
      'a variant field misspelt',
      (r: ResultJson) => {
        const v = variant(r)
        v.fallback = v.fallbacks
        delete v.fallbacks
      },
    ],
    ['a variant field lost', (r: ResultJson) => delete variant(r).endTimeNs],
    ['an unknown vmstat counter', (r: ResultJson) => (r.variants[0].vmstat.thp_swpin = 1)],
    [
      'thp_swpout_pmd without pmdSwap',
      (r: ResultJson) => (withPmdSwap(r, false).vmstat.thp_swpout_pmd = 0),
    ],
    [
      'thp_swpout_pmd missing with pmdSwap',
      (r: ResultJson) => {
        delete withPmdSwap(r, true).vmstat.thp_swpout_pmd
      },
    ],
    [
      'features that do not match the name',
      (r: ResultJson) => {
        withPmdSwap(r, false).features.pmdSwap = true
      },
    ],
    ['an unknown fallback reason', (r: ResultJson) => (r.variants[2].fallbacks['F14-rmap'] = 1)],
    ['a meminfo field lost', (r: ResultJson) => delete r.variants[0].meminfo.PageTables],
    [
      'a snapshot field misspelt',
      (r: ResultJson) => {
        const s = r.variants[0].snapshots[0] as unknown as Record<string, unknown>
        s.timeNS = s.timeNs
        delete s.timeNs
      },
    ],
  ])('%s', (_, change) => {
    expect(mutated(change as (r: ResultJson & Record<string, unknown>) => void)).toBe(false)
  })
})
