import { defineScenario } from 'hugeswap'

// munmap of part of a swapped-out range: its swap entries are freed (VmSwap drops).
export default defineScenario({
  title: 'conformance: munmap of swapped pages',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('munmap')
    const r = t.mmap('4M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    t.munmap(r.sub(0, '1M'))
    t.read(r.sub('1M', '1M'))
    t.munmap(r.sub('1M', '3M'))
  },
})
