import { defineScenario } from 'hugeswap'

// fork() while swapped to zram, then writes: the child copies what it writes; the parent's
// entries stay shared until it writes too.
export default defineScenario({
  title: 'conformance: fork while swapped (zram), COW on swap-in',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('parent')
    const r = t.mmap('2M', { advice: 'nohugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    const c = t.fork()
    c.write(r.sub(0, '1M'))
    t.write(r)
    c.read(r)
  },
})
