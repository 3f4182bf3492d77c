import { defineScenario } from 'hugeswap'

// One anonymous THP swapped out with MADV_PAGEOUT and faulted back, in all four kernel variants.
// Today (baseline) reclaim splits the PMD into 512 PTE swap entries and the folio comes back
// PTE-mapped; with PMD-level swap entries it comes back as one PMD in one fault.
export default defineScenario({
  title: 'One THP: swap out, fault back',
  seed: 1,
  machine: {
    memory: '8G',
    swap: [{ type: 'nvme', size: '16G' }],
    thp: { enabled: 'always', defrag: 'madvise' },
  },
  run(k) {
    const t = k.spawn('usemem')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    k.snapshot('faulted in')
    k.expect(t.smaps(r).AnonHugePages, 'PMD-mapped after the write fault').toBe(2048)

    t.madvise(r, 'pageout')
    k.snapshot('swapped out')
    k.expect(t.smaps(r).Swap, 'whole THP in swap').toBe(2048)
    k.expect(k.vmstat().thp_swpout, 'written in one piece').toBe(1)

    // The folio is still in the swap cache (NVMe writeback is asynchronous): the fault maps it.
    t.read(r)
    k.snapshot('faulted back')
    k.expect(t.smaps(r).AnonHugePages, 'PMD restored').toBe(k.variant.pmdSwap ? 2048 : 0)
  },
})
