import { defineScenario } from 'hugeswap'

// MADV_PAGEOUT of the first half of a THP: the PMD is split; the folio is partially mapped
// in the range, so it is split before swap-out.
export default defineScenario({
  title: 'conformance: MADV_PAGEOUT of half a THP',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('pageout')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r.sub(0, '1M'), 'pageout')
    t.read(r)
  },
})
