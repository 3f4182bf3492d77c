import { defineScenario } from 'hugeswap'

// 4 KB read faults on never-written memory: the shared zero page (or a page of its own where
// the kernel forbids the zero page), then writes over it.
export default defineScenario({
  title: 'conformance: 4 KB read faults, then writes',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('fault')
    const r = t.mmap('2M', { advice: 'nohugepage' })
    t.read(r)
    t.write(r.sub(0, '1M'))
  },
})
