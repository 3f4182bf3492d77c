import { defineScenario } from 'hugeswap'

// MADV_DONTNEED of swapped-out pages frees their slots.
export default defineScenario({
  title: 'conformance: MADV_DONTNEED of swapped pages',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('dontneed')
    const r = t.mmap('2M', { advice: 'nohugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    t.madvise(r.sub(0, '1M'), 'dontneed')
    t.read(r)
  },
})
