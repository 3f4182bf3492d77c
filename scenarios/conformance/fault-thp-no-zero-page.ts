import { defineScenario } from 'hugeswap'

// use_zero_page off: a read fault in a THP-eligible range allocates the THP itself.
export default defineScenario({
  title: 'conformance: THP read fault without the huge zero page',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }], thp: { use_zero_page: false } },
  run(k) {
    const t = k.spawn('fault')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.read(r)
    t.write(r)
  },
})
