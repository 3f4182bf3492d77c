import { defineScenario } from 'hugeswap'

// A THP heap under a memory cgroup's limit, as production fleets run it: a job in a 192 MB
// cgroup writes a 256 MB THP heap on a machine with room to spare. Its own allocations reclaim
// from its own LRU (memory.events max, memory.stat pgscan), so its THPs go to swap while the
// rest of the machine is untouched; kswapd never wakes. Then the limit is lowered to 128 MB
// (memory.max reclaims down to it) and the heap is read back under the new limit.
export default defineScenario({
  title: 'pressure: a 256 MB THP heap in a 192 MB memory cgroup, then the limit lowered',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const other = k.spawn('other')
    const o = other.mmap('64M', { advice: 'hugepage' })
    other.write(o)
    const job = k.cgroup('job', { max: '192M' })
    const t = job.spawn('worker')
    const heap = t.mmap('256M', { advice: 'hugepage' })
    t.write(heap)
    k.snapshot('written')
    const st = job.stat()
    k.expect(st.current, 'memory.current stays under memory.max').toBeLessThanOrEqual(192 << 20)
    k.expect(st.events.max, 'the job hit its limit').toBeGreaterThan(0)
    k.expect(st.events.oom_kill, 'and swapped instead of OOM-killing').toBe(0)
    k.expect(t.status().VmSwap, 'the job swapped').toBeGreaterThan(0)
    k.expect(other.status().VmSwap, 'nobody else did').toBe(0)
    k.expect(k.vmstat().pgscan_kswapd, 'the machine had room: kswapd slept').toBe(0)
    job.setMax('128M')
    k.snapshot('limit lowered')
    t.read(heap)
    k.snapshot('read back')
    k.expect(job.stat().current, 'under the new limit').toBeLessThanOrEqual(128 << 20)
  },
})
