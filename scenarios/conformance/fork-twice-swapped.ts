import { defineScenario } from 'hugeswap'

// Three tasks share the swap entries (two forks); each reads a different part.
export default defineScenario({
  title: 'conformance: three tasks share swapped pages',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }], vm: { page_cluster: 2 } },
  run(k) {
    const t = k.spawn('parent')
    const r = t.mmap('2M', { advice: 'nohugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    const a = t.fork()
    const b = t.fork()
    a.read(r.sub(0, '1M'))
    b.read(r.sub('512K', '1M'))
    t.read(r)
    a.exit()
    b.exit()
  },
})
