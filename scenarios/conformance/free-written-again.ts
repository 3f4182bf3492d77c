import { defineScenario } from 'hugeswap'

// MADV_FREE of 4 KB pages, half of them written again before MADV_PAGEOUT: those are dirty
// and must be swapped; the others are discarded.
export default defineScenario({
  title: 'conformance: MADV_FREE, rewrite half, MADV_PAGEOUT',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('free')
    const r = t.mmap('2M', { advice: 'nohugepage' })
    t.write(r)
    t.madvise(r, 'free')
    t.write(r.sub(0, '1M'))
    t.madvise(r, 'pageout')
    t.read(r)
  },
})
