import { defineScenario } from 'hugeswap'

// mTHP: 64 KB folios (hugepages-64kB always, PMD THP never): a 2M write in 32 faults.
export default defineScenario({
  title: 'conformance: 64 KB mTHP write faults',
  machine: {
    memory: '1G',
    swap: [{ type: 'zram', size: '1G' }],
    thp: { enabled: 'never', hugepages: { '64kB': 'always', '2048kB': 'never' } },
  },
  run(k) {
    const t = k.spawn('fault')
    const r = t.mmap('2M')
    t.write(r.sub(0, '4K'))
    t.write(r)
  },
})
