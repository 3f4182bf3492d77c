/**
 * mincore(2) (mm/mincore.c): per 4 KB page, resident or not. A present page is resident; a
 * swapped page is resident while its slot's folio is in the swap cache (mincore_swap()). The
 * series answers per slot from a swap PMD without faulting or splitting it.
 */
import type { Kernel } from '../kernel'
import {
  PMD_HUGE,
  PMD_HUGE_ZERO,
  PMD_SWAP,
  PMD_TABLE,
  PTE_PRESENT,
  PTE_SWAP,
  PTE_ZERO,
  pte_index,
} from '../include/pgtable'
import { HPAGE_PMD_NR, PAGE_SIZE, PMD_SIZE } from '../include/units'
import type { Mm } from './mm_types'

/** @kernel mm/mincore.c do_mincore() */
export function do_mincore(k: Kernel, mm: Mm, start: number, end: number): boolean[] {
  const out: boolean[] = []
  const pm = k.pmds
  const pt = k.ptes
  for (let addr = start; addr < end; addr += PAGE_SIZE) {
    const p = mm.pmds.get(Math.floor(addr / PMD_SIZE))
    const i = pte_index(addr)
    if (p === undefined) {
      out.push(false)
      continue
    }
    const kind = pm.kind[p]
    if (kind === PMD_HUGE || kind === PMD_HUGE_ZERO) out.push(true)
    else if (kind === PMD_SWAP) out.push(k.swap[pm.swapType[p]].cacheOf(pm.val[p] + i) >= 0)
    else if (kind === PMD_TABLE) {
      const e = pm.val[p] * HPAGE_PMD_NR + i
      const pk = pt.kind[e]
      if (pk === PTE_PRESENT || pk === PTE_ZERO) out.push(true)
      else if (pk === PTE_SWAP) out.push(k.swap[pt.swapType[e]].cacheOf(pt.val[e]) >= 0)
      else out.push(false)
    } else out.push(false)
  }
  k.walk('mincore', Math.ceil((end - start) / PMD_SIZE))
  return out
}
