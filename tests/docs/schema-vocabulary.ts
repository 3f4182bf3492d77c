/**
 * The parts of docs/result.schema.json that are the code's own vocabularies, written from their one
 * source: the /proc/vmstat names and which of them a series adds (src/sim/include/vmstat.ts), the
 * variants and their features, fallback reasons, khugepaged scan results, fault types and cost
 * components (src/sim/result.ts), the mTHP sizes (src/sim/api.ts) and the cost profiles
 * (src/sim/cost/profiles.ts). Everything else in the schema (its structure, the descriptions) is
 * written by hand. tests/docs/result-schema.test.ts holds the file to this output; `npx vitest run
 * tests/docs -u` rewrites it after a vocabulary changed.
 */
import { format, resolveConfig } from 'prettier'
import { COST_PROFILES } from '../../src/sim/cost/profiles'
import { MTHP_SIZES } from '../../src/sim/api'
import { SERIES_EVENTS, VMSTAT_NAMES, type SeriesEvent } from '../../src/sim/include/vmstat'
import {
  COST_COMPONENTS,
  FALLBACK_LABELS,
  FAULT_TYPES,
  SCAN_RESULT_LABELS,
  VARIANT_FEATURES,
  VARIANT_NAMES,
} from '../../src/sim/result'

type Json = Record<string, unknown>

const COUNT = { $ref: '#/definitions/count' }

/** The object at `path` below `root`; throws naming the path if the hand-written part moved. */
function at(root: Json, path: string): Json {
  let node: unknown = root
  for (const key of path.split('/')) {
    node = (node as Json | undefined)?.[key]
    if (typeof node !== 'object' || node === null) {
      throw new Error(`docs/result.schema.json: no object at ${path} (stopped at ${key})`)
    }
  }
  return node as Json
}

/** Which /proc/vmstat keys a variant's result (and each of its snapshots) must or must not have. */
function seriesRule(name: SeriesEvent): Json {
  const feature = SERIES_EVENTS[name]
  const vmstat = (rule: Json): Json => ({
    properties: { vmstat: rule, snapshots: { items: { properties: { vmstat: rule } } } },
  })
  return {
    description: `${name} exists exactly in the variants with ${feature}.`,
    if: { properties: { features: { properties: { [feature]: { const: true } } } } },
    then: vmstat({ required: [name] }),
    else: vmstat({ not: { required: [name] } }),
  }
}

/** `schema` with every generated part rewritten from the code (a deep copy; `schema` is kept). */
export function withVocabularies(schema: Json): Json {
  const s = structuredClone(schema)
  const series = Object.keys(SERIES_EVENTS) as SeriesEvent[]

  const vmstat = at(s, 'definitions/vmstat')
  vmstat.description =
    '/proc/vmstat: nr_* gauges (current values) and event counters since boot, the kernel names ' +
    'verbatim. The events a series adds exist only in the variants with its feature: ' +
    series.map((n) => `${n} (${SERIES_EVENTS[n]})`).join(', ') +
    '.'
  vmstat.properties = Object.fromEntries(VMSTAT_NAMES.map((n) => [n, COUNT]))
  vmstat.required = VMSTAT_NAMES.filter((n) => !(series as string[]).includes(n))

  // A result runs each variant at most once.
  at(s, 'properties/variants').maxItems = VARIANT_NAMES.length
  const variant = at(s, 'definitions/variant')
  at(variant, 'properties/name').enum = [...VARIANT_NAMES]
  variant.allOf = [
    {
      description: 'The name fixes the features.',
      oneOf: VARIANT_NAMES.map((name) => ({
        properties: {
          name: { const: name },
          features: {
            properties: Object.fromEntries(
              Object.entries(VARIANT_FEATURES[name]).map(([f, on]) => [f, { const: on }]),
            ),
          },
        },
      })),
    },
    ...series.map(seriesRule),
  ]
  at(variant, 'properties/fallbacks/propertyNames').enum = Object.keys(FALLBACK_LABELS)
  at(variant, 'properties/khugepaged/properties/results/propertyNames').enum =
    Object.keys(SCAN_RESULT_LABELS)
  at(variant, 'properties/mthp/propertyNames').enum = MTHP_SIZES.map((z) => `hugepages-${z}`)

  for (const path of ['faults', 'phase/properties/faults']) {
    at(s, `definitions/${path}/properties/byType/propertyNames`).enum = Object.keys(FAULT_TYPES)
  }
  at(s, 'definitions/components/propertyNames').enum = [...COST_COMPONENTS]
  at(s, 'definitions/machine/properties/thp/properties/hugepages/propertyNames').enum = [
    ...MTHP_SIZES,
  ]
  // The named profiles, then `measured` (a machine's own figures), as the docs list them.
  const profiles = Object.keys(COST_PROFILES).filter((p) => p !== 'measured')
  at(s, 'definitions/machine/properties/costs').enum = [...profiles, 'measured']
  return s
}

/** The schema file's text: `schema` with its vocabularies, formatted as the repository formats JSON. */
export async function schemaText(schema: Json, file: string): Promise<string> {
  const options = (await resolveConfig(file)) ?? {}
  return format(JSON.stringify(withVocabularies(schema)), { ...options, parser: 'json' })
}
