import { defineScenario } from 'hugeswap'

// Memory pressure on a small machine: one process writes 320 MB of THPs into 256 MB of RAM with
// an NVMe swap device, so the allocations of its faults go into direct reclaim (and, on a
// kernel, kswapd wakes below the low watermark), which swaps out its oldest THPs; then it reads
// everything back. Runs in a VM (`hugeswap real --kernel debian`): the host cannot be 256 MB.
export default defineScenario({
  title: 'pressure: 320 MB of THPs in 256 MB of RAM, NVMe swap',
  machine: { memory: '256M', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const t = k.spawn('writer')
    const r = t.mmap('320M', { advice: 'hugepage' })
    t.write(r)
    k.snapshot('written')
    t.read(r)
  },
})
