import { defineScenario } from 'hugeswap'

// 4 KB write faults: a 2M mapping THP may not back (MADV_NOHUGEPAGE), written page by page.
export default defineScenario({
  title: 'conformance: 4 KB write faults',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('fault')
    const r = t.mmap('2M', { advice: 'nohugepage' })
    t.write(r.sub(0, '64K'))
    t.write(r)
  },
})
