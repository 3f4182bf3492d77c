import { defineScenario } from 'hugeswap'

// mremap of a mapped THP to another PMD-aligned place: the PMD moves whole.
export default defineScenario({
  title: 'conformance: mremap of a mapped THP',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('mremap')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    const moved = t.mremap(r)
    t.read(moved)
  },
})
