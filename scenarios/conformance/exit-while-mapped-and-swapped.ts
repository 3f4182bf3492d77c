import { defineScenario } from 'hugeswap'

// exit() with a mapped THP, 4 KB pages and swapped pages: everything is freed.
export default defineScenario({
  title: 'conformance: exit with mapped and swapped memory',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const keep = k.spawn('observer')
    const t = k.spawn('exiting')
    const r = t.mmap('4M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r.sub('2M', '2M'), 'pageout')
    t.exit()
    const r2 = keep.mmap('2M', { advice: 'hugepage' })
    keep.write(r2)
  },
})
