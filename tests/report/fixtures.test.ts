/**
 * The hand-made results the report tests and golden files are drawn from speak the simulator's
 * vocabulary: kernel counter names only, each series' event only in the variants with its feature
 * (as a real run has it), and fallback reasons, khugepaged scan results and fault types the
 * simulator can report. A fixture with an invented name would put it into golden reports that
 * look like real output.
 */
import { describe, expect, it } from 'vitest'
import {
  FOUR_VARIANT_RESULT,
  KERNEL_NAMES_RESULT,
  SAMPLE_RESULT,
} from '../../src/report/charts/test-fixture'
import {
  FALLBACK_LABELS,
  FAULT_TYPES,
  SCAN_RESULT_LABELS,
  type ResultJson,
  type Snapshot,
} from '../../src/shared/result'
import {
  MEMINFO_FIELDS,
  SERIES_EVENTS,
  VMSTAT_NAMES,
  vmEventExists,
  type SeriesEvent,
} from '../../src/sim/include/vmstat'
import { RESULT_FIXTURE, RESULT_FIXTURE_RUN2 } from '../cli/result-fixture'

const FIXTURES: [string, ResultJson][] = [
  ['SAMPLE_RESULT', SAMPLE_RESULT],
  ['FOUR_VARIANT_RESULT', FOUR_VARIANT_RESULT],
  ['KERNEL_NAMES_RESULT', KERNEL_NAMES_RESULT],
  ['RESULT_FIXTURE', RESULT_FIXTURE],
  ['RESULT_FIXTURE_RUN2', RESULT_FIXTURE_RUN2],
]

/** Every name of `fixture` outside the vocabulary, as `variant: where name`. */
function strangers(fixture: ResultJson): string[] {
  const out: string[] = []
  const vmstat = new Set<string>(VMSTAT_NAMES)
  const meminfo = new Set<string>(MEMINFO_FIELDS)
  const unknown = (v: string, where: string, names: Iterable<string>, known: Set<string>) => {
    for (const name of names) if (!known.has(name)) out.push(`${v}: ${where} ${name}`)
  }
  for (const v of fixture.variants) {
    const counted: [string, { vmstat: object; meminfo: object }][] = [
      ['', v],
      ...v.snapshots.map((s): [string, Snapshot] => [`${s.label}: `, s]),
    ]
    for (const [where, s] of counted) {
      unknown(v.name, `${where}vmstat`, Object.keys(s.vmstat), vmstat)
      unknown(v.name, `${where}meminfo`, Object.keys(s.meminfo), meminfo)
      for (const name of Object.keys(SERIES_EVENTS) as SeriesEvent[]) {
        if (name in s.vmstat && !vmEventExists(name, v.features)) {
          out.push(`${v.name}: ${where}vmstat ${name} without ${SERIES_EVENTS[name]}`)
        }
      }
    }
    unknown(v.name, 'fallback', Object.keys(v.fallbacks), new Set(Object.keys(FALLBACK_LABELS)))
    unknown(v.name, 'fault type', Object.keys(v.faults.byType), new Set(Object.keys(FAULT_TYPES)))
    const scans = Object.keys(v.khugepaged?.results ?? {})
    unknown(v.name, 'scan result', scans, new Set(Object.keys(SCAN_RESULT_LABELS)))
  }
  return out
}

describe('test fixtures use the simulator vocabulary', () => {
  it.each(FIXTURES)('%s', (_, fixture) => {
    expect(strangers(fixture)).toEqual([])
  })

  it('catches an invented name and a series event in the wrong variant', () => {
    const bad = structuredClone(SAMPLE_RESULT)
    bad.variants[0].fallbacks = { split_for_swap: 1 }
    bad.variants[0].vmstat = { ...bad.variants[0].vmstat, thp_swpout_pmd: 0, thp_swapout: 1 }
    expect(strangers(bad)).toEqual([
      'baseline: vmstat thp_swapout',
      'baseline: vmstat thp_swpout_pmd without pmdSwap',
      'baseline: fallback split_for_swap',
    ])
  })
})
