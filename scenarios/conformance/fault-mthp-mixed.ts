import { defineScenario } from 'hugeswap'

// mTHP orders side by side: 16 KB and 64 KB always; a sparse write takes the largest that fits.
export default defineScenario({
  title: 'conformance: mTHP 16K and 64K, sparse writes',
  machine: {
    memory: '1G',
    swap: [{ type: 'zram', size: '1G' }],
    thp: { enabled: 'never', hugepages: { '16kB': 'always', '64kB': 'always', '2048kB': 'never' } },
  },
  run(k) {
    const t = k.spawn('fault')
    const r = t.mmap('2M')
    t.write(r.sub('4K', '4K'))
    t.write(r.sub('64K', '64K'))
    t.write(r)
  },
})
