import { defineScenario } from 'hugeswap'

// "How much page-table memory does lazy deposit save when N processes fork a THP heap under
// pressure, and what happens to swap-in fault latency?" A parent writes a THP heap and forks
// procs - 1 children that share it; memory.reclaim-style proactive reclaim pushes the whole heap
// out; then every process reads it back. The report's phase table gives the time in faults of
// the read-back phase and, per fault type, p50/p99: swap-in I/O per 4 KB page on the split
// path, one 2 MB swap-in per THP with PMD swap entries.
//
// The defaults make a 20 x 256 MB run that takes a few seconds; sweep it with
//   hugeswap sweep scenarios/fork-heap.ts --param params.procs=10,20,50
export default defineScenario({
  title: 'fork-heap: processes share a THP heap, reclaim it, read it back',
  params: { procs: 20, heapMB: 256 },
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k, { procs, heapMB }) {
    const parent = k.spawn('parent')
    const heap = parent.mmap(`${heapMB}M`, { advice: 'hugepage' })
    parent.write(heap)
    const children = []
    for (let i = 1; i < procs; i++) children.push(parent.fork())
    k.snapshot('forked')

    k.phase('reclaim')
    k.reclaim(`${heapMB}M`)
    k.snapshot('reclaimed')
    k.expect(parent.smaps(heap).Swap, 'the whole heap is in swap').toBe(heapMB * 1024)

    k.phase('read back')
    for (const c of children) c.read(heap)
    parent.read(heap)
    k.phase()
    k.snapshot('read back')
    k.expect(parent.smaps(heap).Rss, 'the heap is resident again').toBe(heapMB * 1024)
  },
})
