import { defineScenario } from 'hugeswap'

// Calibration (d): lazy page-table deposit saves one 4 KB PTE table per PMD-mapped THP, quoted
// as ~200 MB per 100 GB of THP (Usama Arif's RFC v2 cover; anchor 6 in docs/calibration.md).
// Scaled down to 1 GiB of THP (512 THPs): the saving in PTE-table bytes, times 100, is the
// model's figure per 100 GiB. Measured while PMD-mapped, after a whole swap-out and after
// swap-in, in all four variants (docs/kernel-facts.md#page-table-memory).
const SIZE_MIB = 1024

export default defineScenario({
  title: 'Calibration: lazy deposit page-table saving per 100 GB of THP',
  seed: 1,
  machine: {
    memory: '2G',
    swap: [{ type: 'zram', size: '2G', compressor: 'lz4' }],
    thp: { enabled: 'always' },
  },
  run(k) {
    const t = k.spawn('usemem')
    const r = t.mmap(`${SIZE_MIB}M`)
    const thps = SIZE_MIB / 2
    t.write(r)
    k.snapshot('PMD-mapped')
    k.expect(k.vmstat().thp_fault_alloc, 'the region is THPs').toBe(thps)
    // nr_page_table_pages also counts the PMD and PUD tables above (a handful here). Only THPs
    // are mapped: eager deposit holds one PTE table per THP, lazy deposit none.
    const tables = (label: string, perThp: boolean): void => {
      const n = k.vmstat().nr_page_table_pages
      if (perThp) k.expect(n, `${label}: a PTE table per THP`).toBeGreaterThanOrEqual(thps)
      else k.expect(n, `${label}: upper-level tables only`).toBeLessThan(8)
    }
    tables('PMD-mapped', !k.variant.lazyDeposit)

    t.madvise(r, 'pageout')
    k.snapshot('swapped out')
    k.expect(k.vmstat().thp_swpout, 'swapped out whole').toBe(thps)
    // Today's split needs a real table per THP either way; a swap PMD keeps the deposit (eager)
    // or needs none (lazy).
    tables('swapped out', !(k.variant.pmdSwap && k.variant.lazyDeposit))

    t.read(r)
    k.snapshot('swapped in')
    tables('swapped in', !(k.variant.pmdSwap && k.variant.lazyDeposit))
  },
})
