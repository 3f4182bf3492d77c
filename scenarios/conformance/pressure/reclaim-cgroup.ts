import { defineScenario } from 'hugeswap'

// Proactive reclaim of a small machine's memory cgroup (memory.reclaim): 96 MB of THPs, then
// k.reclaim('64M') swaps the oldest out through shrink_folio_list(), then the process reads
// everything back. The host's memory controller is on cgroup v1 (no memory.reclaim); the VM
// mounts cgroup v2.
export default defineScenario({
  title: 'pressure: memory.reclaim of 64 MB of a 96 MB THP heap',
  machine: { memory: '256M', swap: [{ type: 'nvme', size: '512M' }] },
  run(k) {
    const t = k.spawn('worker')
    const r = t.mmap('96M', { advice: 'hugepage' })
    t.write(r)
    k.reclaim('64M')
    t.read(r)
  },
})
