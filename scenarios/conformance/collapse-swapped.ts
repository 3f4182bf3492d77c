import { defineScenario } from 'hugeswap'

// MADV_COLLAPSE of a range with swap entries: they are swapped in first.
export default defineScenario({
  title: 'conformance: MADV_COLLAPSE with swapped pages',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }], thp: { enabled: 'madvise' } },
  run(k) {
    const t = k.spawn('collapse')
    const r = t.mmap('2M')
    t.write(r)
    t.madvise(r.sub(0, '512K'), 'pageout')
    t.madvise(r, 'collapse')
    t.read(r)
  },
})
