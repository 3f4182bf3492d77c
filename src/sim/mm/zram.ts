/**
 * zram's memory (drivers/block/zram/zram_drv.c, mm/zsmalloc.c): a page written to a zram swap
 * device is compressed and kept in RAM, in zsmalloc pages the pool takes from the page allocator
 * as it grows (from reclaim's context: below the watermarks if it must) and gives back as
 * objects are freed. Every page of the model compresses alike (machine.swap[i].pool_bytes_per_page,
 * by default ZRAM_OBJECT_BYTES); same-filled pages take no pool memory (zram stores only the
 * pattern).
 */
import type { Kernel } from '../kernel'
import { PAGE_SIZE } from '../include/units'
import type { SwapInfo } from './swapfile'

/**
 * Bytes one 4 KB page takes in the pool by default, measured: 16384 pages of what `hugeswap real` writes
 * (half random bytes, half zeros; trace-c.ts) written to a zram device with lzo-rle (the default
 * of 6.1 and 6.18) on this project's 6.18 host: mm_stat compr_data_size 35225600 bytes,
 * mem_used_total 35815424 bytes, so 2186 bytes a page with zsmalloc's overhead.
 */
export const ZRAM_OBJECT_BYTES = 2186

function poolPagesFor(si: SwapInfo, stored: number): number {
  return Math.ceil((stored * si.poolBytesPerPage) / PAGE_SIZE)
}

/**
 * Room in the pool for `pages` more stored pages: takes page frames (a kernel allocation that
 * may dip into the reserves under reclaim, charged to no cgroup). Returns false if memory ran
 * out: zram_write_page() then fails with -ENOMEM and the folio stays dirty in the swap cache.
 */
export function zramPoolReserve(k: Kernel, si: SwapInfo, pages: number): boolean {
  const want = poolPagesFor(si, si.zramStored + pages)
  const charge = k.mem.chargeTo
  k.mem.chargeTo = 0
  const wasInReclaim = k.inReclaim
  k.inReclaim = true
  try {
    while (si.zramPool.length < want) {
      const pfn = k.mem.alloc(0)
      if (pfn < 0) return false
      si.zramPool.push(pfn)
    }
    return true
  } finally {
    k.inReclaim = wasInReclaim
    k.mem.chargeTo = charge
  }
}

/** zs_free() emptying zspages: gives back the pages no stored object needs any more. */
export function zramPoolShrink(k: Kernel): void {
  for (const si of k.swap) {
    if (!si.zramPool.length) continue
    const need = poolPagesFor(si, si.zramStored)
    while (si.zramPool.length > need) k.mem.free(si.zramPool.pop()!, 0)
  }
}
