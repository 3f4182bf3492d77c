import { defineScenario } from 'hugeswap'

// Two unrelated processes, each with its own THP, swapped out and in alternately.
export default defineScenario({
  title: 'conformance: two processes',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const a = k.spawn('a')
    const b = k.spawn('b')
    const ra = a.mmap('2M', { advice: 'hugepage' })
    const rb = b.mmap('2M', { advice: 'hugepage' })
    a.write(ra)
    b.write(rb)
    a.madvise(ra, 'pageout')
    b.read(rb)
    a.read(ra)
    b.exit()
  },
})
