import { defineScenario } from 'hugeswap'

// zswap on in front of zram: pages go to zswap (zswpout), come back from it (zswpin).
export default defineScenario({
  title: 'conformance: zswap on',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }], zswap: true },
  run(k) {
    const t = k.spawn('zswap')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    t.read(r)
  },
})
