import { defineScenario } from 'hugeswap'

// mremap of half a mapped THP: the PMD is split, that half moves as PTEs.
export default defineScenario({
  title: 'conformance: mremap of half a mapped THP',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('mremap')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    const moved = t.mremap(r.sub('1M', '1M'))
    t.write(moved)
    t.read(r.sub(0, '1M'))
  },
})
