import { defineScenario } from 'hugeswap'

// MADV_COLLAPSE of a range populated with 4 KB pages (khugepaged's rules do not apply).
export default defineScenario({
  title: 'conformance: MADV_COLLAPSE of 4 KB pages',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }], thp: { enabled: 'madvise' } },
  run(k) {
    const t = k.spawn('collapse')
    const r = t.mmap('2M')
    t.write(r.sub(0, '1M'))
    t.madvise(r, 'collapse')
    t.write(r)
  },
})
