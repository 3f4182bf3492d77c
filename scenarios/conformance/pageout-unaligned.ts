import { defineScenario } from 'hugeswap'

// MADV_PAGEOUT of an unaligned range across two THPs (from 1M to 3M).
export default defineScenario({
  title: 'conformance: MADV_PAGEOUT across two THPs, unaligned',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('pageout')
    const r = t.mmap('4M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r.sub('1M', '2M'), 'pageout')
    t.read(r)
  },
})
