import { defineScenario } from 'hugeswap'

// fork() of a PMD-mapped THP: both map it read-only; the child's write copies the whole THP
// (or splits the PMD), then the parent's write reuses it.
export default defineScenario({
  title: 'conformance: fork of a mapped THP, COW in both',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('parent')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    const c = t.fork()
    c.write(r.sub(0, '4K'))
    t.write(r.sub('1M', '4K'))
    c.write(r)
    t.write(r)
  },
})
