import { defineScenario } from 'hugeswap'

// A rotational disk (hdd) as swap: THP and 4 KB pages swapped out and back.
export default defineScenario({
  title: 'conformance: swap on a rotational disk',
  machine: { memory: '1G', swap: [{ type: 'hdd', size: '512M' }] },
  run(k) {
    const t = k.spawn('hdd')
    const huge = t.mmap('2M', { advice: 'hugepage' })
    const small = t.mmap('512K', { advice: 'nohugepage' })
    t.write(huge)
    t.write(small)
    t.madvise(huge, 'pageout')
    t.madvise(small, 'pageout')
    t.read(huge)
    t.read(small)
  },
})
