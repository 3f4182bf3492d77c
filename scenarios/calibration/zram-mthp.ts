import { defineScenario } from 'hugeswap'

// Calibration (c): Chuanhua Han / Barry Song, "mm: support large folios swap-in for sync io
// devices" (2024, anchor 4 in docs/calibration.md): ~100 MiB swapped out to zram and swapped
// back in, 64 KB mTHP against 4 KB pages, with lz4 and with zstd, on a phone (cost profile
// 'phone-zram'). Scaled down from 100 rounds to one.
//
// One machine holds all four cases: two zram devices (lz4 at the higher priority, zstd below),
// and two regions — one where 64 KB mTHP applies ('64kB': 'always', top-level THP never) and one
// marked MADV_NOHUGEPAGE, which keeps it at 4 KB pages. The lz4 round runs first; then the lz4
// device is switched off (it is empty by then) so the zstd round lands on the zstd device.
// Each phase is MADV_PAGEOUT of one region or reading it back (swap-in faults).
const SIZE = '100M'

export default defineScenario({
  title: 'Calibration: zram swap-out/swap-in, 64 KB mTHP vs 4 KB, lz4 and zstd',
  seed: 1,
  // No PMD-sized folio is involved: the four variants behave identically here.
  variants: ['baseline'],
  machine: {
    memory: '1G',
    swap: [
      { type: 'zram', size: '1G', compressor: 'lz4', priority: 10 },
      { type: 'zram', size: '1G', compressor: 'zstd', priority: 5 },
    ],
    thp: { enabled: 'never', hugepages: { '64kB': 'always' } },
    costs: 'phone-zram',
  },
  run(k) {
    const t = k.spawn('swaptest')
    const mthp = t.mmap(SIZE)
    const small = t.mmap(SIZE, { advice: 'nohugepage' })
    t.write(mthp)
    t.write(small)
    const pages = mthp.length / 4096
    k.expect(t.smaps(mthp).AnonHugePages, 'no PMD THPs (top-level enabled never)').toBe(0)
    k.snapshot('written')

    for (const comp of ['lz4', 'zstd']) {
      for (const [name, r] of [
        ['64K', mthp],
        ['4K', small],
      ] as const) {
        const before = k.vmstat()
        t.madvise(r, 'pageout')
        k.snapshot(`${comp} ${name} swap-out`)
        const mid = k.vmstat()
        k.expect(mid.pswpout - before.pswpout, `${comp} ${name}: all written`).toBe(pages)
        k.expect(mid.nr_swapcached, `${comp} ${name}: zram leaves no swap cache`).toBe(0)
        t.read(r)
        k.snapshot(`${comp} ${name} swap-in`)
        const after = k.vmstat()
        k.expect(after.pswpin - mid.pswpin, `${comp} ${name}: all read back`).toBe(pages)
        // 64 KB folios come back whole: one fault per 16 pages; 4 KB pages one fault each.
        k.expect(after.pgmajfault - mid.pgmajfault, `${comp} ${name}: swap-in faults`).toBe(
          name === '64K' ? pages / 16 : pages,
        )
      }
      if (comp === 'lz4') k.swapoff(0)
    }
  },
})
