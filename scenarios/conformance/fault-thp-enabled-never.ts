import { defineScenario } from 'hugeswap'

// enabled=never: even MADV_HUGEPAGE gets 4 KB pages.
export default defineScenario({
  title: 'conformance: THP enabled=never',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }], thp: { enabled: 'never' } },
  run(k) {
    const t = k.spawn('fault')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
  },
})
