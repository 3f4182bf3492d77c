import { defineScenario } from 'hugeswap'

// The parent exits first: the child keeps the THP (mapped) and the 4 KB pages (swapped).
export default defineScenario({
  title: 'conformance: parent exits, child keeps everything',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('parent')
    const huge = t.mmap('2M', { advice: 'hugepage' })
    const small = t.mmap('1M', { advice: 'nohugepage' })
    t.write(huge)
    t.write(small)
    t.madvise(small, 'pageout')
    const c = t.fork()
    t.exit()
    c.read(small)
    c.write(huge)
  },
})
