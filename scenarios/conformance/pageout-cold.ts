import { defineScenario } from 'hugeswap'

// MADV_COLD only moves folios to the inactive list: nothing is swapped; MADV_PAGEOUT then does.
export default defineScenario({
  title: 'conformance: MADV_COLD, then MADV_PAGEOUT',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('cold')
    const r = t.mmap('4M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'cold')
    t.madvise(r.sub('2M', '2M'), 'pageout')
  },
})
