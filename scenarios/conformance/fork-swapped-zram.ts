import { defineScenario } from 'hugeswap'

// fork() while swapped to zram: the entries are shared (swap count 2), so swap-in goes through
// the readahead path (not the synchronous one); the child reads, the parent reads.
export default defineScenario({
  title: 'conformance: fork while swapped (zram), both read',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }], vm: { page_cluster: 3 } },
  run(k) {
    const t = k.spawn('parent')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    const c = t.fork()
    c.read(r)
    t.read(r)
  },
})
