import { defineScenario } from 'hugeswap'

// khugepaged meets more swap PTEs than max_ptes_swap: no collapse (thp_scan_exceed_swap_pte).
export default defineScenario({
  title: 'conformance: khugepaged and max_ptes_swap',
  machine: {
    memory: '1G',
    swap: [{ type: 'zram', size: '1G' }],
    thp: { enabled: 'madvise', khugepaged: { max_ptes_swap: 64 } },
  },
  run(k) {
    const t = k.spawn('khugepaged')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    k.khugepaged(1)
    t.read(r)
  },
})
