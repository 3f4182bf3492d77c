import { defineScenario } from 'hugeswap'

// Swap readahead on zram with page-cluster 3: entries shared after fork (swap count 2) take
// the readahead path instead of the synchronous one; the child reads them in order.
export default defineScenario({
  title: 'conformance: zram readahead of shared entries, page-cluster 3',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }], vm: { page_cluster: 3 } },
  run(k) {
    const t = k.spawn('parent')
    const r = t.mmap('1M', { advice: 'nohugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    const c = t.fork()
    c.read(r)
    t.read(r)
  },
})
