import { defineScenario } from 'hugeswap'

// Two zram devices with explicit priorities: swap-out fills the higher one.
export default defineScenario({
  title: 'conformance: two swap devices by priority',
  machine: {
    memory: '1G',
    swap: [
      { type: 'zram', size: '64M', priority: 5 },
      { type: 'zram', size: '64M', priority: 10 },
    ],
  },
  run(k) {
    const t = k.spawn('devices')
    const r = t.mmap('4M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    k.swapoff(1)
    t.read(r)
  },
})
