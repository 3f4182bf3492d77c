import { defineScenario } from 'hugeswap'

// MADV_WILLNEED of pages on a block device whose swap cache was dropped (swapped out, read back
// clean, swapped out again without I/O), then reads.
export default defineScenario({
  title: 'conformance: MADV_WILLNEED of swapped pages (block device)',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const t = k.spawn('willneed')
    const r = t.mmap('1M', { advice: 'nohugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    t.read(r)
    t.madvise(r, 'pageout')
    t.madvise(r.sub(0, '512K'), 'willneed')
    t.read(r)
  },
})
