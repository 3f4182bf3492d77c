import { defineScenario } from 'hugeswap'

// PMD-mapped THPs from write faults: two of them, each in one fault.
export default defineScenario({
  title: 'conformance: THP write faults',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('fault')
    const r = t.mmap('4M', { advice: 'hugepage' })
    t.write(r)
  },
})
