import { defineScenario } from 'hugeswap'

// khugepaged collapses a MADV_HUGEPAGE range populated with 4 KB pages (written before the
// advice), within max_ptes_none.
export default defineScenario({
  title: 'conformance: khugepaged collapses 4 KB pages',
  machine: {
    memory: '1G',
    swap: [{ type: 'zram', size: '1G' }],
    thp: { enabled: 'madvise', khugepaged: { max_ptes_none: 511 } },
  },
  run(k) {
    const t = k.spawn('khugepaged')
    const r = t.mmap('2M')
    t.write(r.sub(0, '1M'))
    t.madvise(r, 'hugepage')
    k.khugepaged(1)
    t.write(r)
  },
})
