/**
 * Issue 12: the model's state stays sound. Each case is the smallest sequence that broke it,
 * named after the kernel function that decides it, run in all four variants with the full-state
 * audit after it and a conservation check once every task has exited.
 */
import { describe, expect, it } from 'vitest'
import { createSimulator, normalizeMachine, type MachineInput } from '../../src/sim'
import { VARIANT_NAMES } from '../../src/shared/result'

const K4 = 4096
const M2 = 2 * 1024 * 1024

function setup(variant: (typeof VARIANT_NAMES)[number], machine: MachineInput = {}) {
  const sim = createSimulator({
    variant,
    seed: 1,
    machine: normalizeMachine({ memory: '1G', swap: [{ type: 'nvme', size: '1G' }], ...machine }),
  })
  return { sim, pid: sim.spawn('t') }
}

/** Reclaim of everything, twice around writeback: what an asynchronous device still writes. */
function reclaimAll(sim: ReturnType<typeof setup>['sim'], bytes = 1 << 30): void {
  sim.reclaim(bytes)
  sim.settleIo()
  sim.reclaim(bytes)
}

/** Every task gone and reclaim done: nothing of theirs may be left behind. */
function expectNothingLeft(sim: ReturnType<typeof setup>['sim'], freeAtStart: number): void {
  sim.audit()
  const m = sim.meminfo()
  expect(m.AnonPages, 'AnonPages').toBe(0)
  expect(m.SwapCached, 'SwapCached').toBe(0)
  expect(m.SwapFree, 'SwapFree').toBe(m.SwapTotal)
  expect(m.MemFree, 'MemFree').toBe(freeAtStart)
}

describe.each(VARIANT_NAMES)('%s', (variant) => {
  it('A1 rmap_walk_anon(): a VMA that starts inside a THP still finds its pages (vma_address() clamps to vm_start)', () => {
    const { sim, pid } = setup(variant)
    const free = sim.meminfo().MemFree
    const addr = sim.mmap(pid, M2, 'hugepage')
    sim.touch(pid, addr, M2, { write: true })
    sim.munmap(pid, addr, K4)
    reclaimAll(sim, 4 * M2)
    sim.audit()
    expect(sim.status(pid).VmSwap).toBe(2044)
    expect(sim.meminfo().AnonPages).toBe(0)
    sim.touch(pid, addr + K4, M2 - K4, { write: false })
    sim.audit()
    expect(sim.status(pid).RssAnon).toBe(2044)
    sim.exit(pid)
    reclaimAll(sim)
    expectNothingLeft(sim, free)
  })

  it('A1 rmap_walk_anon(): munmap across two THPs, reclaim, exit: nothing left, no negative AnonPages', () => {
    const { sim, pid } = setup(variant)
    const free = sim.meminfo().MemFree
    const addr = sim.mmap(pid, 2 * M2, 'hugepage')
    sim.touch(pid, addr, 2 * M2, { write: true })
    sim.munmap(pid, addr + M2 - 64 * K4, 128 * K4)
    reclaimAll(sim, 8 * M2)
    sim.audit()
    expect(sim.meminfo().AnonPages).toBe(0)
    sim.exit(pid)
    reclaimAll(sim)
    expectNothingLeft(sim, free)
  })

  it('A2 madvise_free_pte_range(): a swap-cache folio whose slot another mapping holds is skipped, not lazy-freed', () => {
    // free-shared-swapcache.ts agrees with 6.18; the model used to drop the folio and abort
    // the parent's read with "data corruption".
    const { sim, pid } = setup(variant)
    const addr = sim.mmap(pid, 64 * K4, 'nohugepage')
    sim.touch(pid, addr, 64 * K4, { write: true })
    sim.madvise(pid, addr, 64 * K4, 'pageout')
    sim.settleIo()
    sim.touch(pid, addr, 64 * K4, { write: false })
    sim.madvise(pid, addr, 64 * K4, 'pageout')
    const child = sim.fork(pid)
    sim.touch(child, addr, 64 * K4, { write: false })
    sim.madvise(child, addr, 64 * K4, 'free')
    sim.madvise(child, addr, 64 * K4, 'pageout')
    sim.settleIo()
    sim.audit()
    sim.touch(pid, addr, 64 * K4, { write: false })
    sim.touch(child, addr, 64 * K4, { write: false })
    sim.audit()
  })

  it.each(['fault', 'swapoff'] as const)(
    'A3 do_swap_page(): a large folio read ahead but not mappable whole leaves the swap cache (%s)',
    (how) => {
      const { sim, pid } = setup(variant)
      const free = sim.meminfo().MemFree
      const addr = sim.mmap(pid, M2, 'hugepage')
      sim.touch(pid, addr, M2, { write: true })
      sim.madvise(pid, addr, M2, 'pageout')
      sim.settleIo()
      sim.reclaim(4 * M2)
      // WILLNEED reads the swap PMD's 512 slots into one large folio (the series), then a 4 KB
      // MADV_DONTNEED splits the swap PMD: the folio can no longer be mapped whole.
      sim.madvise(pid, addr, M2, 'willneed')
      sim.settleIo()
      sim.madvise(pid, addr, K4, 'dontneed')
      if (how === 'fault') sim.touch(pid, addr + K4, M2 - K4, { write: false })
      else sim.swapoff(0)
      sim.audit()
      expect(sim.status(pid).RssAnon).toBe(2044)
      expect(sim.meminfo().AnonPages).toBe(2044)
      sim.exit(pid)
      reclaimAll(sim)
      expectNothingLeft(sim, free)
    },
  )

  it.each([
    ['4 KB pages', 'nohugepage', 64 * K4],
    ['a THP', 'hugepage', M2],
  ] as const)(
    'A4 unuse_pte_range(): swapoff waits for the writeback of %s (folio_wait_writeback())',
    (_what, advice, bytes) => {
      const { sim, pid } = setup(variant)
      const free = sim.meminfo().MemFree
      const addr = sim.mmap(pid, bytes, advice)
      sim.touch(pid, addr, bytes, { write: true })
      sim.madvise(pid, addr, bytes, 'pageout')
      // No settling: the writes are still in flight when swapoff starts. The audit then finds
      // any folio left under writeback outside the swap cache.
      sim.swapoff(0)
      sim.audit()
      expect(sim.status(pid).VmSwap).toBe(0)
      sim.touch(pid, addr, bytes, { write: false })
      sim.audit()
      sim.exit(pid)
      sim.swapon(0)
      expectNothingLeft(sim, free)
    },
  )

  it('A5 copy_present_page(): fork gives the child its own copy of a pinned exclusive THP', () => {
    const { sim, pid } = setup(variant)
    const free = sim.meminfo().MemFree
    const addr = sim.mmap(pid, M2, 'hugepage')
    sim.touch(pid, addr, M2, { write: true })
    sim.pin(pid, addr, M2, true)
    const child = sim.fork(pid)
    sim.audit()
    const mine = sim.pagemap(pid, addr, M2).map((e) => e.pfn)
    const theirs = sim.pagemap(child, addr, M2).map((e) => e.pfn)
    expect(theirs.filter((pfn, i) => pfn === mine[i])).toEqual([])
    // The parent's pages stay exclusive and writable: writing them takes no fault.
    const before = sim.vmstat().pgfault ?? 0
    sim.touch(pid, addr, M2, { write: true })
    expect((sim.vmstat().pgfault ?? 0) - before).toBe(0)
    sim.touch(child, addr, M2, { write: false })
    sim.audit()
    sim.pin(pid, addr, M2, false)
    sim.exit(child)
    sim.exit(pid)
    expectNothingLeft(sim, free)
  })

  it('A6 free_swap_cache(): a swapped THP both sides of a fork read back leaves the swap cache when both exit', () => {
    for (const type of ['nvme', 'zram'] as const) {
      const { sim, pid } = setup(variant, { swap: [{ type, size: '1G' }] })
      const free = sim.meminfo().MemFree
      const addr = sim.mmap(pid, M2, 'hugepage')
      sim.touch(pid, addr, M2, { write: true })
      sim.madvise(pid, addr, M2, 'pageout')
      sim.settleIo()
      sim.reclaim(4 * M2)
      const child = sim.fork(pid)
      sim.touch(pid, addr, M2, { write: false })
      sim.touch(child, addr, M2, { write: false })
      sim.exit(child)
      sim.exit(pid)
      sim.audit()
      expect(sim.meminfo().SwapCached, type).toBe(0)
      sim.reclaim(1 << 30)
      sim.settleIo()
      expectNothingLeft(sim, free)
    }
  })

  it('A6 free_swap_cache(): fork, the child exits, pageout, the parent writes: nothing leaks', () => {
    const { sim, pid } = setup(variant)
    const free = sim.meminfo().MemFree
    const addr = sim.mmap(pid, M2, 'hugepage')
    sim.touch(pid, addr, M2, { write: true })
    const child = sim.fork(pid)
    sim.exit(child)
    sim.madvise(pid, addr, M2, 'pageout')
    sim.settleIo()
    sim.touch(pid, addr, M2, { write: true })
    sim.audit()
    sim.exit(pid)
    reclaimAll(sim)
    expectNothingLeft(sim, free)
  })

  it("B4 dup_userfaultfd(): fork does not copy the registration; the child's writes reach no monitor", () => {
    // uffd-wp-fork.ts on 6.18: 0 events for the child, 16 for the parent.
    const { sim, pid } = setup(variant, { swap: [{ type: 'zram', size: '1G' }] })
    const addr = sim.mmap(pid, 64 * K4, 'nohugepage')
    sim.touch(pid, addr, 64 * K4, { write: true })
    sim.uffdRegister(pid, addr, 64 * K4, ['wp'])
    sim.uffdProtect(pid, addr, 64 * K4, 'wp', true)
    sim.madvise(pid, addr, 32 * K4, 'pageout')
    const child = sim.fork(pid)
    sim.touch(child, addr, 64 * K4, { write: true })
    expect(sim.uffdEvents(child)).toEqual([])
    sim.touch(pid, addr, 16 * K4, { write: true })
    expect(sim.uffdEvents(pid)).toHaveLength(16)
    sim.audit()
  })

  it('B2 __wp_can_reuse_large_anon_folio(): after the child exits, writes reuse a PTE-mapped THP in place', () => {
    // reuse-pte-mapped-thp.ts on 6.18: 128 write faults, no page copied, no deferred split.
    const { sim, pid } = setup(variant)
    const addr = sim.mmap(pid, M2, 'hugepage')
    sim.touch(pid, addr, M2, { write: true })
    sim.mprotect(pid, addr + M2 / 2, K4, 'r')
    sim.mprotect(pid, addr + M2 / 2, K4, 'rw')
    const child = sim.fork(pid)
    sim.exit(child)
    const before = sim.vmstat()
    const anon = sim.meminfo().AnonPages
    sim.touch(pid, addr, 128 * K4, { write: true })
    const after = sim.vmstat()
    expect((after.pgfault ?? 0) - (before.pgfault ?? 0)).toBe(128)
    expect((after.thp_deferred_split_page ?? 0) - (before.thp_deferred_split_page ?? 0)).toBe(0)
    expect(sim.meminfo().AnonPages).toBe(anon)
    sim.audit()
  })

  it('B1 do_huge_zero_wp_pmd(): a write to the huge zero page maps a new THP; the split is only the fallback', () => {
    const delta = (machine: MachineInput) => {
      const { sim, pid } = setup(variant, machine)
      const addr = sim.mmap(pid, M2, 'hugepage')
      sim.touch(pid, addr, M2, { write: false })
      const before = sim.vmstat()
      expect(before.thp_zero_page_alloc).toBe(1)
      sim.touch(pid, addr, K4, { write: true })
      const after = sim.vmstat()
      sim.audit()
      const d = (n: string): number => (after[n] ?? 0) - (before[n] ?? 0)
      return {
        pgfault: d('pgfault'),
        thp_fault_alloc: d('thp_fault_alloc'),
        thp_fault_fallback: d('thp_fault_fallback'),
        thp_split_pmd: d('thp_split_pmd'),
        AnonHugePages: sim.smaps(pid, addr, M2).AnonHugePages,
      }
    }
    const zero = { mm_forbids_zeropage: false, thp: { use_zero_page: true } }
    expect(delta(zero)).toEqual({
      pgfault: 1,
      thp_fault_alloc: 1,
      thp_fault_fallback: 0,
      thp_split_pmd: 0,
      AnonHugePages: 2048,
    })
    // No THP to be had: split, and the write takes a 4 KB page.
    expect(delta({ ...zero, fault_injection: { thp_fault_alloc: 1 } })).toEqual({
      pgfault: 1,
      thp_fault_alloc: 0,
      thp_fault_fallback: 1,
      thp_split_pmd: 1,
      AnonHugePages: 0,
    })
  })

  it('C get_huge_zero_folio(): the huge zero folio takes 2 MB while an mm holds it, and the shrinker frees it after', () => {
    const { sim, pid } = setup(variant, {
      mm_forbids_zeropage: false,
      thp: { use_zero_page: true },
    })
    const free = sim.meminfo().MemFree
    const addr = sim.mmap(pid, M2, 'hugepage')
    sim.touch(pid, addr, M2, { write: false })
    expect(sim.vmstat().thp_zero_page_alloc).toBe(1)
    expect(free - sim.meminfo().MemFree).toBeGreaterThanOrEqual(2048)
    sim.exit(pid)
    sim.reclaim(M2)
    expectNothingLeft(sim, free)
  })

  it('A1 rmap_walk_anon(): the second half of a THP moved by mremap is swapped out too', () => {
    const { sim, pid } = setup(variant)
    const addr = sim.mmap(pid, M2, 'hugepage')
    sim.touch(pid, addr, M2, { write: true })
    const moved = sim.mremap(pid, addr + M2 / 2, M2 / 2)
    reclaimAll(sim, 4 * M2)
    sim.audit()
    expect(sim.status(pid).VmSwap).toBe(2048)
    sim.touch(pid, moved, M2 / 2, { write: false })
    sim.touch(pid, addr, M2 / 2, { write: false })
    sim.audit()
  })

  it('C pagemap_pte_hole() and pte_to_pagemap_entry(): a new VMA reads soft-dirty everywhere, holes included (VM_SOFTDIRTY), until CLEAR_REFS_SOFT_DIRTY; zero-page mappings read present', () => {
    const { sim, pid } = setup(variant, { thp: { use_zero_page: true } })
    const a = sim.mmap(pid, 2 * M2, 'hugepage')
    sim.touch(pid, a, M2, { write: false }) // the huge zero page
    let pm = sim.pagemap(pid, a, 2 * M2)
    expect(pm[0]).toMatchObject({
      present: true,
      swapped: false,
      softDirty: true,
      exclusive: false,
    })
    expect(pm[512]).toMatchObject({ present: false, softDirty: true })
    sim.clearRefs(pid, 4)
    pm = sim.pagemap(pid, a, 2 * M2)
    expect(pm[0].softDirty).toBe(false)
    expect(pm[512]).toMatchObject({ present: false, softDirty: false })
    const b = sim.mmap(pid, 16 * K4, 'nohugepage')
    sim.touch(pid, b, K4, { write: false }) // the 4 KB zero page
    pm = sim.pagemap(pid, b, 16 * K4)
    expect(pm[0]).toMatchObject({ present: true, softDirty: true, exclusive: false })
    expect(pm[1]).toMatchObject({ present: false, softDirty: true })
    sim.audit()
  })

  it('C unuse_pte(): swapoff maps what it brings back old (pte_mkold()), so reclaim does not take swapoff for a use', () => {
    const { sim, pid } = setup(variant)
    const a = sim.mmap(pid, 64 * K4, 'nohugepage')
    sim.touch(pid, a, 64 * K4, { write: true })
    sim.madvise(pid, a, 64 * K4, 'pageout')
    sim.settleIo()
    sim.swapoff(0)
    sim.audit()
    expect(sim.smaps(pid, a, 64 * K4)).toMatchObject({ Rss: 256, Swap: 0, Referenced: 0 })
  })
})
