import { defineScenario } from 'hugeswap'

// MADV_WILLNEED over swapped-out pages on zram reads them into the swap cache ahead of use.
export default defineScenario({
  title: 'conformance: MADV_WILLNEED of swapped pages (zram)',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('willneed')
    const r = t.mmap('2M', { advice: 'nohugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    t.madvise(r.sub(0, '1M'), 'willneed')
    t.read(r)
  },
})
