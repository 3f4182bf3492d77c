import { defineScenario } from 'hugeswap'

// Swap readahead from a rotational disk with page-cluster 3. While one is swapped on, VMA-based
// readahead is off (nr_rotate_swap): swap-in reads the aligned cluster of swap offsets around the
// fault (swap_cluster_readahead()), its window from system-wide state. The swap cache is emptied
// without memory.reclaim: swapped out, read back (clean, from the swap cache), swapped out again
// (freed without I/O). Then sequential reads, and a second pass over what readahead brought in.
export default defineScenario({
  title: 'conformance: rotational-disk readahead (swap_cluster_readahead), page-cluster 3',
  machine: { memory: '1G', swap: [{ type: 'hdd', size: '1G' }], vm: { page_cluster: 3 } },
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
