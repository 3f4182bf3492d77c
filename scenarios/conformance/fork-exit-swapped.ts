import { defineScenario } from 'hugeswap'

// The child exits while the entries are shared: the slots drop to one reference; the parent
// then swaps in through the synchronous path again.
export default defineScenario({
  title: 'conformance: child exits while swapped',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('parent')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    const c = t.fork()
    c.exit()
    t.read(r)
  },
})
