import { computed, type Ref } from 'vue'
import type { ResultJson } from '../../../shared/result'
import { KEY_VMSTAT_EVENTS, type CounterName } from '../../../report/vocabulary'

/**
 * The counters a THP-swap reviewer reads first, in this order: the key /proc/vmstat events every
 * report shows, then the meminfo fields of the THP and swap paths. The rest follow in kernel order.
 */
export const KEY_COUNTERS: readonly CounterName[] = [
  ...KEY_VMSTAT_EVENTS,
  'AnonHugePages',
  'PageTables',
  'SwapFree',
  'SwapCached',
  'AnonPages',
]

export interface CounterRow {
  name: string
  source: 'vmstat' | 'meminfo'
  /** meminfo values are kB. */
  unit: '' | 'kB'
  /** One value per variant, in result order; undefined where a variant lacks the counter. */
  values: (number | undefined)[]
  /** Some variant differs from the first one. */
  differs: boolean
  key: boolean
}

/** Every vmstat and meminfo counter of a result as rows, key counters first. Pure. */
export function counterRows(result: ResultJson): CounterRow[] {
  const rows: CounterRow[] = []
  const seen = new Set<string>()
  const add = (name: string, source: CounterRow['source']): void => {
    const id = `${source}:${name}`
    if (seen.has(id)) return
    seen.add(id)
    const values = result.variants.map((v) => v[source][name])
    rows.push({
      name,
      source,
      unit: source === 'meminfo' ? 'kB' : '',
      values,
      differs: values.some((x) => x !== values[0]),
      key: (KEY_COUNTERS as readonly string[]).includes(name),
    })
  }
  for (const name of KEY_COUNTERS) {
    for (const source of ['vmstat', 'meminfo'] as const) {
      if (result.variants.some((v) => name in v[source])) add(name, source)
    }
  }
  for (const source of ['vmstat', 'meminfo'] as const) {
    for (const v of result.variants) for (const name of Object.keys(v[source])) add(name, source)
  }
  return rows
}

/** Rows for the table: key counters, plus everything else when `showAll` is on. */
export function useCounterTable(result: Ref<ResultJson>, showAll: Ref<boolean>) {
  const all = computed(() => counterRows(result.value))
  const rows = computed(() => (showAll.value ? all.value : all.value.filter((r) => r.key)))
  const hidden = computed(() => all.value.length - all.value.filter((r) => r.key).length)
  return { rows, hidden }
}
