import { defineScenario } from 'hugeswap'

// Calibration (b): the shape of Huang Ying's "Swapout/swapin THP in one piece" -V3 (2018,
// anchor 3 in docs/calibration.md): a working set of THPs is swapped out whole, the swap cache
// holds none of it, and it is read back; throughput both ways. Scaled down: 4 tasks x 128 MiB.
//
// The device is the RAM-like synchronous one of swap-w-seq.ts: zram whose "compressor" costs a
// 4 KB memcpy (300 ns) each way, standing in for PMEM emulated in DRAM, which by 2018 was a
// SWP_SYNCHRONOUS_IO device (swap-in bypasses the swap cache, no readahead) — the same class as
// zram in the model. Tasks run one after another (the model has no concurrency).
const TASKS = 4
const PER_TASK = 128 // MiB

export default defineScenario({
  title: 'Calibration: swap out and swap in a THP working set (RAM-like synchronous device)',
  seed: 1,
  machine: {
    memory: '1G',
    swap: [
      { type: 'zram', size: '2G', compressor: 'lz4', stable_writes: false, pool_bytes_per_page: 0 },
    ],
    thp: { enabled: 'always', defrag: 'always' },
    costs: { compressors: { lz4: { compressNs: 300, decompressNs: 300 } } },
  },
  run(k) {
    const tasks = Array.from({ length: TASKS }, (_, i) => k.spawn(`usemem${i}`))
    const regions = tasks.map((t) => t.mmap(`${PER_TASK}M`))
    tasks.forEach((t, i) => t.write(regions[i]))
    k.snapshot('written')
    const thps = (TASKS * PER_TASK) / 2
    k.expect(k.vmstat().thp_fault_alloc, 'the working set is THPs').toBe(thps)

    tasks.forEach((t, i) => t.madvise(regions[i], 'pageout'))
    k.snapshot('swapped out')
    const out = k.vmstat()
    k.expect(out.thp_swpout, 'every THP written in one piece').toBe(thps)
    k.expect(out.nr_swapcached, 'synchronous device: nothing left in the swap cache').toBe(0)
    if (k.variant.pmdSwap) k.expect(out.thp_swpout_pmd, 'a swap PMD per THP').toBe(thps)
    else k.expect(out.thp_split_pmd, 'a PMD split per THP').toBe(thps)

    tasks.forEach((t, i) => t.read(regions[i]))
    k.snapshot('swapped in')
    const back = k.vmstat()
    k.expect(back.pswpin - out.pswpin, 'everything read back').toBe(thps * 512)
    // Today's kernel maps 4 KB pages on swap-in from a synchronous device (mTHP sizes off);
    // the series maps whole THPs again.
    k.expect(k.meminfo().AnonHugePages, 'PMD-mapped after swap-in').toBe(
      k.variant.pmdSwap ? TASKS * PER_TASK * 1024 : 0,
    )
  },
})
