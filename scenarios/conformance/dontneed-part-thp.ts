import { defineScenario } from 'hugeswap'

// MADV_DONTNEED of part of a mapped THP (split, pages dropped), then of the whole range.
export default defineScenario({
  title: 'conformance: MADV_DONTNEED of part of a THP',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('dontneed')
    const r = t.mmap('4M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r.sub('256K', '256K'), 'dontneed')
    t.madvise(r.sub('2M', '2M'), 'dontneed')
    t.write(r)
  },
})
