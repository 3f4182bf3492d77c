import { defineScenario } from 'hugeswap'

// Swap-in with little free memory: a 64 MB THP heap is paged out, a filler takes all but about
// 16 MB of the machine, and the heap is read back, so swap-in and readahead allocate under the
// watermark and reclaim the filler's oldest pages as they go.
// Runs in a VM (`hugeswap real --kernel debian`): the host cannot be 192 MB.
export default defineScenario({
  title: 'pressure: reading a swapped THP heap back with 16 MB free',
  machine: { memory: '192M', swap: [{ type: 'nvme', size: '512M' }] },
  run(k) {
    const t = k.spawn('heap')
    const h = t.mmap('64M', { advice: 'hugepage' })
    t.write(h)
    t.madvise(h, 'pageout')
    const filler = k.spawn('filler')
    const f = filler.mmap('176M', { advice: 'nohugepage' })
    filler.write(f)
    k.snapshot('filled')
    t.read(h)
  },
})
