import { defineScenario } from 'hugeswap'

// Swap readahead from a block device with page-cluster 1. The swap cache is emptied without
// memory.reclaim: swapped out, read back (clean, from the swap cache), swapped out again (freed
// without I/O). Then sequential reads, and a second pass over what readahead brought in.
export default defineScenario({
  title: 'conformance: block-device readahead, page-cluster 1',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }], vm: { page_cluster: 1 } },
  run(k) {
    const t = k.spawn('readahead')
    const r = t.mmap('1M', { advice: 'nohugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    t.read(r)
    t.madvise(r, 'pageout')
    t.read(r.sub(0, '512K'))
    t.read(r)
  },
})
