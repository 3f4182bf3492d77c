import { defineScenario } from 'hugeswap'

// Hugh's question under real pressure: a 256 MB THP heap shared by 20 processes after fork, then
// another process writes 400 MB of 4 KB pages into a 512 MB machine. Reclaim must age the LRU
// (the heap's PMDs were referenced once, long ago) and swap to the 2 GB NVMe device, with kswapd
// working between the low and high watermarks and direct reclaim when it falls behind; nothing
// may be OOM-killed while swap is free.
const PROCS = 20

export default defineScenario({
  title: 'pressure: a 256 MB THP heap shared by 20 processes, then a 400 MB 4 KB hog',
  machine: { memory: '512M', swap: [{ type: 'nvme', size: '2G' }] },
  run(k) {
    const parent = k.spawn('parent')
    const heap = parent.mmap('256M', { advice: 'hugepage' })
    parent.write(heap)
    for (let i = 1; i < PROCS; i++) parent.fork()
    k.snapshot('shared')
    const hog = k.spawn('hog')
    const g = hog.mmap('400M', { advice: 'nohugepage' })
    hog.write(g)
    k.snapshot('hog written')
    parent.read(heap)
    k.snapshot('heap read back')
  },
})
