import { defineScenario } from 'hugeswap'

// Swap on a file in a filesystem: a THP swapped out whole or split, and read back.
export default defineScenario({
  title: 'conformance: a swap file',
  machine: { memory: '1G', swap: [{ type: 'file', size: '256M' }] },
  run(k) {
    const t = k.spawn('swapfile')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    t.read(r)
  },
})
