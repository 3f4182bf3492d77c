import { defineScenario } from 'hugeswap'

// swapoff of the device holding the scenario's pages: every page comes back in, then swapon.
export default defineScenario({
  title: 'conformance: swapoff of the own device',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '512M' }] },
  run(k) {
    const t = k.spawn('swapoff')
    const r = t.mmap('4M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r.sub(0, '3M'), 'pageout')
    k.swapoff(0)
    k.swapon(0)
    t.madvise(r, 'pageout')
    t.read(r)
  },
})
