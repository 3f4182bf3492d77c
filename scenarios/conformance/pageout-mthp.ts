import { defineScenario } from 'hugeswap'

// 64 KB mTHP folios swapped out whole to zram and swapped back in.
export default defineScenario({
  title: 'conformance: MADV_PAGEOUT of 64 KB mTHP folios',
  machine: {
    memory: '1G',
    swap: [{ type: 'zram', size: '1G' }],
    thp: { enabled: 'never', hugepages: { '64kB': 'always', '2048kB': 'never' } },
  },
  run(k) {
    const t = k.spawn('pageout')
    const r = t.mmap('1M')
    t.write(r)
    t.madvise(r, 'pageout')
    t.read(r)
  },
})
