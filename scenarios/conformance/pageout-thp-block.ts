import { defineScenario } from 'hugeswap'

// MADV_PAGEOUT of two THPs to a block device: asynchronous writeback keeps the folios in the
// swap cache; writing them back maps them from there.
export default defineScenario({
  title: 'conformance: MADV_PAGEOUT of THPs to a block device, written back',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const t = k.spawn('pageout')
    const r = t.mmap('4M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    t.write(r)
  },
})
