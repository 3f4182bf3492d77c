import { defineScenario } from 'hugeswap'

// A memory hog: one process holds a 64 MB THP heap, then a second one writes 4 KB pages until
// the 256 MB machine is short of memory, so reclaim takes the first process's THPs (the oldest
// folios on the LRU) to swap; the first one then reads its heap back under that pressure.
// Runs in a VM (`hugeswap real --kernel debian`): the host cannot be 256 MB.
export default defineScenario({
  title: 'pressure: a 4 KB memory hog pushes a THP heap to NVMe swap',
  machine: { memory: '256M', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const heap = k.spawn('heap')
    const h = heap.mmap('64M', { advice: 'hugepage' })
    heap.write(h)
    const hog = k.spawn('hog')
    const g = hog.mmap('224M', { advice: 'nohugepage' })
    hog.write(g)
    k.snapshot('hog written')
    heap.read(h)
  },
})
