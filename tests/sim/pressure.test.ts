/**
 * Issue 12 D: memory pressure behaves as in Linux (mm/vmscan.c, mm/page_alloc.c). Each case
 * names the kernel function that decides it and runs in all four variants with the full-state
 * audit after it.
 */
import { describe, expect, it } from 'vitest'
import { createSimulator, normalizeMachine, type MachineInput } from '../../src/sim'
import { VARIANT_NAMES } from '../../src/shared/result'

const M = 1024 * 1024

function machine(variant: (typeof VARIANT_NAMES)[number], m: MachineInput) {
  return createSimulator({ variant, seed: 1, machine: normalizeMachine(m) })
}

/** Watermarks in pages as __setup_per_zone_wmarks() sets them for a machine of `pages`. */
function wmarks(minFreeKbytes: number, pages: number, scale = 10) {
  const min = Math.floor(minFreeKbytes / 4)
  const step = Math.max(min >> 2, Math.floor((pages * scale) / 10000))
  return { min, low: min + step, high: min + 2 * step }
}

describe.each(VARIANT_NAMES)('%s', (variant) => {
  it("should_reclaim_retry(): a shared THP heap and a 4 KB hog swap instead of OOM-killing (the issue's scenario)", () => {
    const sim = machine(variant, { memory: '512M', swap: [{ type: 'nvme', size: '2G' }] })
    const parent = sim.spawn('parent')
    const heap = sim.mmap(parent, 256 * M, 'hugepage')
    sim.touch(parent, heap, 256 * M, { write: true })
    for (let i = 1; i < 20; i++) sim.fork(parent)
    const hog = sim.spawn('hog')
    const g = sim.mmap(hog, 400 * M, 'nohugepage')
    sim.touch(hog, g, 400 * M, { write: true })
    sim.audit()
    const v = sim.vmstat()
    expect(v.oom_kill).toBe(0)
    // 656 MB of anonymous memory in 512 MB: at least 144 MB went to swap.
    expect(v.pswpout * 4096).toBeGreaterThan(144 * M)
    expect(v.pgscan_kswapd, 'kswapd did part of the work').toBeGreaterThan(0)
    expect(v.pgsteal_kswapd + v.pgsteal_direct).toBe(v.pgsteal_anon)
    expect(v.pgscan_kswapd + v.pgscan_direct).toBe(v.pgscan_anon)
    sim.touch(parent, heap, 256 * M, { write: false })
    sim.audit()
    expect(sim.vmstat().oom_kill).toBe(0)
  })

  it('wakeup_kswapd(): allocations below the low watermark wake kswapd, which keeps a slow writer out of direct reclaim', () => {
    const spec = normalizeMachine({ memory: '256M', swap: [{ type: 'nvme', size: '512M' }] })
    const sim = createSimulator({ variant, seed: 1, machine: spec })
    const t = sim.spawn('t')
    const a = sim.mmap(t, 320 * M, 'nohugepage')
    // 64 kB per 1 ms (64 MB/s, in bursts smaller than the gap between the low and min
    // watermarks): kswapd, on its own CPU, keeps up.
    for (let off = 0; off < 320 * M; off += 64 * 1024) {
      sim.touch(t, a + off, 64 * 1024, { write: true })
      sim.sleep(1)
    }
    sim.audit()
    const v = sim.vmstat()
    const w = wmarks(spec.vm.min_free_kbytes, (256 * M) / 4096)
    expect(v.pgscan_kswapd).toBeGreaterThan(0)
    expect(v.pgsteal_kswapd).toBeGreaterThanOrEqual(16384)
    expect(v.pageoutrun).toBeGreaterThan(0)
    expect(v.allocstall_movable + v.allocstall_normal).toBe(0)
    expect(v.pgscan_direct).toBe(0)
    expect(v.nr_free_pages).toBeGreaterThanOrEqual(w.min)
  })

  it('__alloc_pages_slowpath(): allocations faster than kswapd fall to direct reclaim (allocstall_movable, pgscan_direct)', () => {
    const sim = machine(variant, { memory: '128M', swap: [{ type: 'nvme', size: '512M' }] })
    const t = sim.spawn('t')
    const a = sim.mmap(t, 192 * M, 'nohugepage')
    sim.touch(t, a, 192 * M, { write: true })
    sim.audit()
    const v = sim.vmstat()
    expect(v.allocstall_movable).toBeGreaterThan(0)
    expect(v.pgscan_direct).toBeGreaterThan(0)
    expect(v.pgsteal_direct).toBeGreaterThan(0)
    expect(v.oom_kill).toBe(0)
    expect(sim.status(t).VmSwap).toBeGreaterThanOrEqual(64 * 1024)
  })

  it('folio_check_references(): memory touched between reclaim passes stays; untouched memory goes to swap', () => {
    const sim = machine(variant, { memory: '128M', swap: [{ type: 'nvme', size: '512M' }] })
    const t = sim.spawn('t')
    const hot = sim.mmap(t, 32 * M, 'nohugepage')
    const cold = sim.mmap(t, 32 * M, 'nohugepage')
    sim.touch(t, hot, 32 * M, { write: true })
    sim.touch(t, cold, 32 * M, { write: true })
    const hog = sim.spawn('hog')
    const g = sim.mmap(hog, 160 * M, 'nohugepage')
    for (let off = 0; off < 160 * M; off += 4 * M) {
      sim.touch(hog, g + off, 4 * M, { write: true })
      sim.touch(t, hot, 32 * M, { write: false })
    }
    sim.audit()
    const hotSwap = sim.smaps(t, hot, 32 * M).Swap
    const coldSwap = sim.smaps(t, cold, 32 * M).Swap
    expect(coldSwap).toBeGreaterThan(16 * 1024)
    expect(hotSwap).toBeLessThan(coldSwap / 4)
    expect(sim.vmstat().pgactivate, 'the hot pages were activated').toBeGreaterThan(0)
  })

  it('out_of_memory(): without swap, only the OOM killer is left (after should_reclaim_retry() gives up)', () => {
    const sim = machine(variant, { memory: '64M', swap: [] })
    const t = sim.spawn('t')
    const a = sim.mmap(t, 96 * M, 'nohugepage')
    try {
      sim.touch(t, a, 96 * M, { write: true })
    } catch {
      // The task itself was the victim.
    }
    expect(sim.vmstat().oom_kill).toBe(1)
    expect(sim.vmstat().pswpout).toBe(0)
  })

  it("memory_reclaim(): memory.reclaim is a cgroup's reclaim: only pgscan_anon and pgsteal_anon move globally (shrink_inactive_list(): !cgroup_reclaim())", () => {
    const sim = machine(variant, { memory: '256M', swap: [{ type: 'nvme', size: '512M' }] })
    const t = sim.spawn('t')
    const a = sim.mmap(t, 64 * M, 'hugepage')
    sim.touch(t, a, 64 * M, { write: true })
    sim.reclaim(32 * M)
    sim.audit()
    const v = sim.vmstat()
    expect(v.pgscan_anon).toBeGreaterThan(0)
    expect(v.pgsteal_anon).toBeGreaterThanOrEqual(8192)
    expect(v.pgscan_direct + v.pgscan_kswapd + v.pgsteal_direct + v.pgsteal_kswapd).toBe(0)
    expect(v.allocstall_movable).toBe(0)
  })

  it("copy_huge_pmd() and __copy_present_ptes(): the child maps old (pmd_mkold(), pte_mkold()), so one reference is the parent's", () => {
    // zram: writeback completes at once, so no folio is met under writeback (and activated).
    const sim = machine(variant, { memory: '256M', swap: [{ type: 'zram', size: '512M' }] })
    const t = sim.spawn('t')
    const a = sim.mmap(t, 4 * M, 'hugepage')
    const b = sim.mmap(t, 4 * M, 'nohugepage')
    sim.touch(t, a, 4 * M, { write: true })
    sim.touch(t, b, 4 * M, { write: true })
    const c = sim.fork(t)
    expect(sim.smaps(t, a, 4 * M).Referenced).toBe(4096)
    expect(sim.smaps(c, a, 4 * M).Referenced).toBe(0)
    expect(sim.smaps(c, b, 4 * M).Referenced).toBe(0)
    // One young mapping (the parent's): folio_check_references() keeps the folios inactive at
    // the first look (a young child would make it two, and activate them); reclaim takes them
    // at the second.
    sim.reclaim(8 * M)
    expect(sim.vmstat().pgactivate).toBe(0)
    expect(sim.vmstat().pswpout).toBeGreaterThan(0)
    sim.audit()
  })

  it('madvise_cold_or_pageout_pte_range() -> folio_deactivate(): MADV_COLD moves active folios to the inactive list (pgdeactivate), leaves inactive ones', () => {
    const sim = machine(variant, { memory: '256M', swap: [{ type: 'nvme', size: '512M' }] })
    const t = sim.spawn('t')
    const a = sim.mmap(t, 8 * M, 'nohugepage')
    sim.touch(t, a, 8 * M, { write: true })
    sim.madvise(t, a, 8 * M, 'cold')
    expect(sim.vmstat().pgdeactivate).toBe(0)
    // Two looks with references in between: activated.
    sim.touch(t, a, 8 * M, { write: false })
    sim.reclaim(M)
    sim.touch(t, a, 8 * M, { write: false })
    sim.reclaim(M)
    const active = sim.vmstat().pgactivate
    expect(active).toBeGreaterThan(0)
    sim.madvise(t, a, 8 * M, 'cold')
    expect(sim.vmstat().pgdeactivate).toBe(active)
    sim.audit()
  })

  it('zram_write_page(): what goes to zram stays in RAM, compressed (2186 bytes a page), until its slot is freed', () => {
    const sim = machine(variant, { memory: '256M', swap: [{ type: 'zram', size: '512M' }] })
    const t = sim.spawn('t')
    const a = sim.mmap(t, 64 * M, 'nohugepage')
    sim.touch(t, a, 64 * M, { write: true })
    const before = sim.meminfo().MemFree
    sim.madvise(t, a, 64 * M, 'pageout')
    sim.audit()
    const pool = Math.ceil((16384 * 2186) / 4096) * 4
    expect(sim.meminfo().MemFree - before).toBe(64 * 1024 - pool)
    sim.munmap(t, a, 64 * M)
    sim.audit()
    expect(sim.meminfo().SwapFree).toBe(sim.meminfo().SwapTotal)
    // The pool's pages, the data's, the range's 32 PTE tables and the PMD and PUD tables above
    // them (free_pgtables()) are all free again.
    expect(sim.meminfo().MemFree - before).toBe(64 * 1024 + 32 * 4 + 2 * 4)
  })
})
