import { defineScenario } from 'hugeswap'

// MADV_PAGEOUT of 4 KB pages to zram, some of them twice.
export default defineScenario({
  title: 'conformance: MADV_PAGEOUT of 4 KB pages',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('pageout')
    const r = t.mmap('2M', { advice: 'nohugepage' })
    t.write(r)
    t.madvise(r.sub(0, '1M'), 'pageout')
    t.madvise(r, 'pageout')
    t.read(r.sub('512K', '1M'))
  },
})
