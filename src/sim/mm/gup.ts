/**
 * Long-term GUP pins (mm/gup.c pin_user_pages() with FOLL_LONGTERM): the model keeps a pin count
 * per folio. Faults the pages in first (as GUP does), so a pinned range is always present.
 */
import { SimUsageError } from '../api'
import type { Kernel } from '../kernel'
import { PMD_HUGE, PMD_TABLE, PTE_PRESENT, pte_index } from '../include/pgtable'
import { HPAGE_PMD_NR, PAGE_SIZE, PMD_SIZE } from '../include/units'
import { accessRange } from '../user/access'
import type { Mm } from './mm_types'

export function gupPin(k: Kernel, mm: Mm, start: number, end: number, pinned: boolean): void {
  if (pinned) accessRange(k, mm, start, end - start, { write: true })
  const seen = new Set<number>()
  for (let a = start; a < end; a += PAGE_SIZE) {
    const p = mm.pmds.get(Math.floor(a / PMD_SIZE))
    if (p === undefined) continue
    let f = -1
    if (k.pmds.kind[p] === PMD_HUGE) f = k.pmds.val[p]
    else if (k.pmds.kind[p] === PMD_TABLE) {
      const e = k.pmds.val[p] * HPAGE_PMD_NR + pte_index(a)
      if (k.ptes.kind[e] === PTE_PRESENT) f = k.ptes.val[e]
    }
    if (f < 0 || seen.has(f)) continue
    seen.add(f)
    const n = k.pins.get(f) ?? 0
    if (!pinned && n === 0) throw new SimUsageError('unpin: the range is not pinned')
    if (pinned) k.pins.set(f, n + 1)
    else if (n === 1) k.pins.delete(f)
    else k.pins.set(f, n - 1)
  }
}
