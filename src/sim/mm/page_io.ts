/**
 * Swap I/O (mm/page_io.c). Writes move each page's content tag from RAM to its slot; reads move
 * it back, so any slot mix-up shows up as a content mismatch on the next read.
 */
import type { Kernel } from '../kernel'
import { HPAGE_PMD_ORDER } from '../include/units'
import { PG_DIRTY, PG_UPTODATE, PG_WRITEBACK } from './mm_types'
import { SLOT_ZERO, SLOT_ZSWAP } from './swapfile'

/**
 * @kernel mm/page_io.c swap_writeout() -> zswap_store() / __swap_writepage()
 * A zero-filled folio is only marked in the swap table (swpout_zero); with zswap enabled each
 * 4 KB is compressed into the pool (zswpout); otherwise one bio for the whole folio (thp_swpout,
 * pswpout). Synchronous devices complete in the caller; others complete later on the event clock.
 * Returns whether the write is still in flight.
 */
export function swap_writeout(k: Kernel, f: number): boolean {
  const fo = k.folios
  const si = k.swap[fo.swapType[f]]
  const off = fo.swapOffset[f]
  const nr = fo.nrPages(f)
  const pfn = fo.pfn[f]
  const tags = k.mem.pageTag
  let zero = true
  for (let i = 0; i < nr; i++) {
    if (tags[pfn + i] !== 0) {
      zero = false
      break
    }
  }
  fo.flags[f] &= ~PG_DIRTY
  if (zero) {
    for (let i = 0; i < nr; i++) {
      si.setSlotFlags(off + i, SLOT_ZERO)
      si.tag[off + i] = 0
    }
    k.vm.swpout_zero += nr
    return false
  }
  if (k.zswapEnabled) {
    for (let i = 0; i < nr; i++) {
      si.setSlotFlags(off + i, SLOT_ZSWAP)
      si.tag[off + i] = tags[pfn + i]
    }
    k.vm.zswpout += nr
    k.mthpCount(fo.order[f], 'zswpout')
    k.cost(nr * si.cost.writePerPageNs)
    return false
  }
  for (let i = 0; i < nr; i++) {
    si.setSlotFlags(off + i, 0)
    si.tag[off + i] = tags[pfn + i]
  }
  if (fo.order[f] === HPAGE_PMD_ORDER) k.vm.thp_swpout++
  k.mthpCount(fo.order[f], 'swpout')
  k.vm.pswpout += nr
  const ioNs = si.cost.writeLatencyNs + nr * si.cost.writePerPageNs
  if (si.cost.synchronous) {
    k.cost(ioNs)
    return false
  }
  fo.flags[f] |= PG_WRITEBACK
  k.nrWriteback++
  k.writebackPagesStarted += nr
  const doneNs = k.events.nowNs + k.pendingNs + ioNs
  if (doneNs > k.writebackDoneNs) k.writebackDoneNs = doneNs
  k.events.schedule(doneNs, () => folio_end_writeback(k, f))
  return true
}

/** @kernel mm/filemap.c folio_end_writeback() */
function folio_end_writeback(k: Kernel, f: number): void {
  const fo = k.folios
  fo.flags[f] &= ~PG_WRITEBACK
  k.nrWriteback--
  if (!fo.mapped(f)) k.lruMoveTail(f)
}

/**
 * @kernel mm/page_io.c swap_read_folio()
 * Fills the folio from its slots: zswap loads (order 0 only), zero-map hits, or one device read.
 * The caller waits for it (the fault's latency includes the I/O). Returns whether I/O was needed.
 */
export function swap_read_folio(k: Kernel, f: number, offset: number, typeIdx: number): boolean {
  const fo = k.folios
  const si = k.swap[typeIdx]
  const nr = fo.nrPages(f)
  const pfn = fo.pfn[f]
  const tags = k.mem.pageTag
  let zero = 0
  let zswap = 0
  for (let i = 0; i < nr; i++) {
    tags[pfn + i] = si.tag[offset + i]
    const fl = si.slotFlags[offset + i]
    if (fl & SLOT_ZERO) zero++
    else if (fl & SLOT_ZSWAP) zswap++
  }
  fo.flags[f] |= PG_UPTODATE
  if (zero === nr) {
    k.vm.swpin_zero += nr
    return false
  }
  if (zswap) {
    k.vm.zswpin += zswap
    k.cost(zswap * si.cost.readPerPageNs)
    if (zswap === nr) return false
  }
  k.vm.pswpin += nr - zswap - zero
  k.mthpCount(fo.order[f], 'swpin')
  k.cost(si.cost.readLatencyNs + nr * si.cost.readPerPageNs)
  return true
}
