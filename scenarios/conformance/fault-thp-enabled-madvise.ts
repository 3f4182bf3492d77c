import { defineScenario } from 'hugeswap'

// enabled=madvise: only the MADV_HUGEPAGE mapping gets a THP.
export default defineScenario({
  title: 'conformance: THP enabled=madvise',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }], thp: { enabled: 'madvise' } },
  run(k) {
    const t = k.spawn('fault')
    const plain = t.mmap('2M')
    const huge = t.mmap('2M', { advice: 'hugepage' })
    t.write(plain)
    t.write(huge)
  },
})
