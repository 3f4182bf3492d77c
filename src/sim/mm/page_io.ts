/**
 * Swap I/O (mm/page_io.c). Writes move each page's content tag from RAM to its slot; reads move
 * it back, so any slot mix-up shows up as a content mismatch on the next read.
 */
import { SimInvariantError } from '../api'
import { RunArray } from '../engine/runs'
import type { Kernel } from '../kernel'
import { HPAGE_PMD_ORDER } from '../include/units'
import { PG_DIRTY, PG_UPTODATE, PG_WRITEBACK } from './mm_types'
import { SLOT_ZERO, SLOT_ZRAM, SLOT_ZSWAP, type SwapInfo } from './swapfile'
import { zramPoolReserve } from './zram'

/**
 * @kernel mm/page_io.c swap_writeout() -> zswap_store() / __swap_writepage()
 * A zero-filled folio is only marked in the swap table (swpout_zero); with zswap enabled each
 * 4 KB is compressed into the pool (zswpout); otherwise one bio for the whole folio (thp_swpout,
 * pswpout). Synchronous devices complete in the caller (zram keeps the data compressed in its
 * pool, in RAM); others complete later on the event clock. Returns whether the folio must stay:
 * the write is still in flight, or it failed (zram out of memory; the folio stays dirty).
 */
export function swap_writeout(k: Kernel, f: number): boolean {
  const fo = k.folios
  const si = k.swap[fo.swapType[f]]
  const off = fo.swapOffset[f]
  const nr = fo.nrPages(f)
  const pfn = fo.pfn[f]
  const tags = k.mem.pageTag
  const zero = tags.allEqual(pfn, pfn + nr, 0)
  fo.flags[f] &= ~PG_DIRTY
  if (zero) {
    si.setSlotFlagsRange(off, nr, SLOT_ZERO)
    si.tag.fill(off, off + nr, 0)
    k.vm.swpout_zero += nr
    return false
  }
  if (k.zswapEnabled) {
    si.setSlotFlagsRange(off, nr, SLOT_ZSWAP)
    RunArray.copy(si.tag, off, tags, pfn, nr)
    k.vm.zswpout += nr
    k.mthpCount(fo.order[f], 'zswpout')
    k.cost('compress', nr * k.zswapCompressor.compressNs)
    return false
  }
  const zram = si.deviceType === 'zram'
  if (zram) {
    let fresh = 0
    for (let i = 0; i < nr; i++) if (!(si.slotFlagsOf(off + i) & SLOT_ZRAM)) fresh++
    if (!zramPoolReserve(k, si, fresh)) {
      // zram_write_page(): -ENOMEM from zs_malloc(); the folio stays dirty and is kept.
      fo.flags[f] |= PG_DIRTY
      k.warnOnce('zram-enomem', 'zram: the pool could not grow (out of memory): write failed')
      return true
    }
  }
  si.setSlotFlagsRange(off, nr, zram ? SLOT_ZRAM : 0)
  RunArray.copy(si.tag, off, tags, pfn, nr)
  if (fo.order[f] === HPAGE_PMD_ORDER) k.vm.thp_swpout++
  k.mthpCount(fo.order[f], 'swpout')
  k.vm.pswpout += nr
  si.writePages += nr
  if (si.cost.synchronous) {
    // zram: compressed page by page on this CPU, complete on return.
    k.cost('compress', nr * si.compressor.compressNs)
    k.cost('io', si.cost.writeLatencyNs + nr * si.cost.writePerPageNs)
    return false
  }
  fo.flags[f] |= PG_WRITEBACK
  k.nrWriteback++
  k.writebackPagesStarted += nr
  // One bio for the folio, queued behind whatever the device is already doing.
  const doneNs = si.queue.submit(k.events.nowNs + k.pendingNs, nr, true)
  if (doneNs > k.writebackDoneNs) k.writebackDoneNs = doneNs
  k.events.schedule(doneNs, () => folio_end_writeback(k, f))
  return true
}

/**
 * @kernel mm/page-writeback.c folio_wait_writeback(): the clock runs on until the folio's
 * writeback has completed.
 */
export function folio_wait_writeback(k: Kernel, f: number): void {
  while (k.folios.flags[f] & PG_WRITEBACK) {
    const next = k.events.peekNs()
    if (next === Infinity) throw new SimInvariantError(`folio ${f} under writeback, none in flight`)
    k.events.runUntil(next)
  }
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
export function swap_read_folio(
  k: Kernel,
  f: number,
  offset: number,
  typeIdx: number,
  wait = true,
): boolean {
  const fo = k.folios
  const si = k.swap[typeIdx]
  const nr = fo.nrPages(f)
  const pfn = fo.pfn[f]
  RunArray.copy(k.mem.pageTag, pfn, si.tag, offset, nr)
  // A slot is zero-filled or in zswap, never both (swap_writeout()).
  const zero = si.countSlotFlag(offset, nr, SLOT_ZERO)
  const zswap = si.countSlotFlag(offset, nr, SLOT_ZSWAP)
  fo.flags[f] |= PG_UPTODATE
  if (zero === nr) {
    k.vm.swpin_zero += nr
    return false
  }
  if (zswap) {
    k.vm.zswpin += zswap
    k.cost('compress', zswap * k.zswapCompressor.decompressNs)
    if (zswap === nr) return false
  }
  const pages = nr - zswap - zero
  k.vm.pswpin += pages
  k.mthpCount(fo.order[f], 'swpin')
  if (wait) swapReadIo(k, si, pages)
  else swapReadAsync(k, si, pages)
  return true
}

/**
 * The caller waits for a read of `pages` from the device: zram decompresses them on this CPU;
 * other devices take the request through their queue, and the wait is charged as I/O.
 */
export function swapReadIo(k: Kernel, si: SwapInfo, pages: number): void {
  if (pages === 0) return
  si.readPages += pages
  if (si.cost.synchronous) {
    k.cost('compress', pages * si.compressor.decompressNs)
    k.cost('io', si.cost.readLatencyNs + pages * si.cost.readPerPageNs)
    return
  }
  const now = k.events.nowNs + k.pendingNs
  k.cost('io', si.queue.submit(now, pages, false) - now)
}

/** A read the caller does not wait for (MADV_WILLNEED): the device is busy, nobody stalls. */
export function swapReadAsync(k: Kernel, si: SwapInfo, pages: number): void {
  si.readPages += pages
  if (pages === 0 || si.cost.synchronous) {
    if (si.cost.synchronous) k.cost('compress', pages * si.compressor.decompressNs)
    return
  }
  si.queue.submit(k.events.nowNs + k.pendingNs, pages, false)
}
