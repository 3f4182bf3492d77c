import { defineScenario } from 'hugeswap'

// A read fault in a THP-eligible range: the huge zero page (use_zero_page), then a write.
export default defineScenario({
  title: 'conformance: THP read fault, then write',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }], thp: { use_zero_page: true } },
  run(k) {
    const t = k.spawn('fault')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.read(r)
    t.write(r.sub(0, '4K'))
    t.write(r)
  },
})
