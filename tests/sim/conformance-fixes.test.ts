/**
 * Differences `hugeswap real` found between the model and a 6.18 kernel, each pinned here so it
 * stays fixed (docs/conformance.md has the runs).
 */
import { describe, expect, it } from 'vitest'
import { createSimulator, normalizeMachine, type MachineInput } from '../../src/sim'

const M2 = 2 * 1024 * 1024

function setup(machine: MachineInput = {}) {
  const sim = createSimulator({
    variant: 'baseline',
    seed: 1,
    machine: normalizeMachine({ memory: '1G', swap: [{ type: 'nvme', size: '1G' }], ...machine }),
  })
  const pid = sim.spawn('t')
  return { sim, pid }
}

const deltaOf = (sim: ReturnType<typeof setup>['sim'], name: string, fn: () => void): number => {
  const before = sim.vmstat()[name] ?? 0
  fn()
  return (sim.vmstat()[name] ?? 0) - before
}

describe('held against a real kernel', () => {
  it('a write to a swap entry shared after fork is one fault (do_wp_page() inside do_swap_page())', () => {
    const { sim, pid } = setup()
    const addr = sim.mmap(pid, M2, 'hugepage')
    sim.touch(pid, addr, M2, { write: true })
    sim.madvise(pid, addr, M2, 'pageout')
    sim.fork(pid)
    // The large folio is still in the swap cache (NVMe writeback): every page is copied.
    expect(deltaOf(sim, 'pgfault', () => sim.touch(pid, addr, M2, { write: true }))).toBe(512)
  })

  it('a userfaultfd-wp write fault counts one pgfault: the one that waited returned VM_FAULT_RETRY', () => {
    const { sim, pid } = setup()
    const addr = sim.mmap(pid, 16 * 4096, 'nohugepage')
    sim.touch(pid, addr, 16 * 4096, { write: true })
    sim.uffdRegister(pid, addr, 16 * 4096, ['wp'])
    sim.uffdProtect(pid, addr, 16 * 4096, 'wp', true)
    // mm/memory.c mm_account_fault(): "Incomplete faults will be accounted upon completion."
    expect(deltaOf(sim, 'pgfault', () => sim.touch(pid, addr, 16 * 4096, { write: true }))).toBe(16)
    expect(sim.uffdEvents(pid)).toHaveLength(16)
  })

  it('a large folio in the swap cache is never queued for deferred split', () => {
    const { sim, pid } = setup()
    const addr = sim.mmap(pid, M2, 'hugepage')
    sim.touch(pid, addr, M2, { write: true })
    sim.madvise(pid, addr, M2, 'pageout')
    sim.fork(pid)
    expect(
      deltaOf(sim, 'thp_deferred_split_page', () => sim.touch(pid, addr, 4096, { write: true })),
    ).toBe(0)
  })

  it('MADV_PAGEOUT counts no pgscan_anon or pgsteal_anon (reclaim_pages())', () => {
    const { sim, pid } = setup({ swap: [{ type: 'zram', size: '1G' }] })
    const addr = sim.mmap(pid, M2, 'nohugepage')
    sim.touch(pid, addr, M2, { write: true })
    const before = sim.vmstat()
    sim.madvise(pid, addr, M2, 'pageout')
    const after = sim.vmstat()
    expect(after.pswpout - before.pswpout).toBe(512)
    expect(after.pgscan_anon - before.pgscan_anon).toBe(0)
    expect(after.pgsteal_anon - before.pgsteal_anon).toBe(0)
  })

  it('mm_forbids_zeropage(): a read fault maps a page (or a THP) of its own', () => {
    for (const [advice, huge] of [
      ['nohugepage', false],
      ['hugepage', true],
    ] as const) {
      const { sim, pid } = setup({ mm_forbids_zeropage: true })
      const addr = sim.mmap(pid, M2, advice)
      const thp = deltaOf(sim, 'thp_fault_alloc', () => sim.touch(pid, addr, M2, { write: false }))
      expect(thp).toBe(huge ? 1 : 0)
      expect(sim.smaps(pid, addr, M2).Rss).toBe(2048)
      expect(sim.status(pid).RssAnon).toBe(2048)
    }
    const { sim, pid } = setup()
    const addr = sim.mmap(pid, M2, 'nohugepage')
    sim.touch(pid, addr, M2, { write: false })
    expect(sim.smaps(pid, addr, M2).Rss).toBe(0)
  })

  it('a THP whose other mapper exited is reused by a write: one fault, no split', () => {
    const { sim, pid } = setup()
    const addr = sim.mmap(pid, M2, 'hugepage')
    sim.touch(pid, addr, M2, { write: true })
    const child = sim.fork(pid)
    sim.exit(pid)
    const splits = sim.vmstat().thp_split_pmd
    expect(deltaOf(sim, 'pgfault', () => sim.touch(child, addr, M2, { write: true }))).toBe(1)
    expect(sim.vmstat().thp_split_pmd).toBe(splits)
    expect(sim.smaps(child, addr, M2).AnonHugePages).toBe(2048)
  })

  it('mprotect back to the old protection merges the VMAs: MADV_PAGEOUT sees the whole THP', () => {
    const { sim, pid } = setup()
    const addr = sim.mmap(pid, M2, 'hugepage')
    sim.touch(pid, addr, M2, { write: true })
    sim.mprotect(pid, addr, M2 / 2, 'r')
    sim.mprotect(pid, addr, M2 / 2, 'rw')
    expect(deltaOf(sim, 'thp_swpout', () => sim.madvise(pid, addr, M2, 'pageout'))).toBe(1)
  })

  it('MADV_PAGEOUT of a THP a VMA boundary cuts splits it first (and queues it)', () => {
    const { sim, pid } = setup()
    const addr = sim.mmap(pid, M2, 'hugepage')
    sim.touch(pid, addr, M2, { write: true })
    sim.mprotect(pid, addr + M2 / 2, M2 / 2, 'r')
    const before = sim.vmstat()
    sim.madvise(pid, addr, M2, 'pageout')
    const after = sim.vmstat()
    expect(after.thp_swpout - before.thp_swpout).toBe(0)
    expect(after.thp_split_page - before.thp_split_page).toBe(1)
    expect(after.thp_deferred_split_page - before.thp_deferred_split_page).toBe(1)
    expect(after.pswpout - before.pswpout).toBe(512)
  })

  it('MADV_FREE then MADV_PAGEOUT of a THP: split at the PMD, dropped through the PTEs', () => {
    const { sim, pid } = setup()
    const addr = sim.mmap(pid, M2, 'hugepage')
    sim.touch(pid, addr, M2, { write: true })
    sim.madvise(pid, addr, M2, 'free')
    const pte = sim.status(pid).VmPTE
    expect(deltaOf(sim, 'thp_split_pmd', () => sim.madvise(pid, addr, M2, 'pageout'))).toBe(1)
    expect(sim.status(pid).VmPTE).toBe(pte)
    expect(sim.smaps(pid, addr, M2).Rss).toBe(0)
    // The PTE table stays: the next faults are 4 KB ones.
    expect(deltaOf(sim, 'pgfault', () => sim.touch(pid, addr, M2, { write: true }))).toBe(512)
  })

  it("kernel_base 'v6.18': zram swaps a shared slot in through readahead", () => {
    for (const base of ['v6.18', 'mm-2026'] as const) {
      const { sim, pid } = setup({
        swap: [{ type: 'zram', size: '1G' }],
        kernel_base: base,
        vm: { page_cluster: 3 },
      })
      const addr = sim.mmap(pid, M2, 'nohugepage')
      sim.touch(pid, addr, M2, { write: true })
      sim.madvise(pid, addr, M2, 'pageout')
      const child = sim.fork(pid)
      const ra = deltaOf(sim, 'swap_ra', () => sim.touch(child, addr, M2, { write: false }))
      expect(ra > 0).toBe(base === 'v6.18')
    }
  })

  it('a slot with one user swaps in from zram without staying in the swap cache', () => {
    for (const base of ['v6.18', 'mm-2026'] as const) {
      const { sim, pid } = setup({ swap: [{ type: 'zram', size: '1G' }], kernel_base: base })
      const addr = sim.mmap(pid, M2, 'nohugepage')
      sim.touch(pid, addr, M2, { write: true })
      sim.madvise(pid, addr, M2, 'pageout')
      sim.touch(pid, addr, M2, { write: false })
      expect(sim.meminfo().SwapCached).toBe(0)
    }
  })

  it('swap readahead starts at 4 hits (GET_SWAP_RA_VAL): 65 major faults for 512 pages', () => {
    const { sim, pid } = setup({
      swap: [{ type: 'zram', size: '1G' }],
      kernel_base: 'v6.18',
      vm: { page_cluster: 3 },
    })
    const addr = sim.mmap(pid, M2, 'nohugepage')
    sim.touch(pid, addr, M2, { write: true })
    sim.madvise(pid, addr, M2, 'pageout')
    const child = sim.fork(pid)
    expect(deltaOf(sim, 'pgmajfault', () => sim.touch(child, addr, M2, { write: false }))).toBe(65)
  })

  it('slot 0 holds the swap header: SwapTotal is the device less 4 kB, slots start at 1', () => {
    const { sim, pid } = setup()
    // /proc/swaps and /proc/meminfo on 6.18 for a 1 GiB device: 1048572 kB.
    expect(sim.meminfo().SwapTotal).toBe(1024 * 1024 - 4)
    expect(sim.meminfo().SwapFree).toBe(1024 * 1024 - 4)
    const small = sim.mmap(pid, 4 * 4096, 'nohugepage')
    sim.touch(pid, small, 4 * 4096, { write: true })
    sim.madvise(pid, small, 4 * 4096, 'pageout')
    expect(sim.pagemap(pid, small, 4 * 4096).map((e) => e.swapOffset)).toEqual([1, 2, 3, 4])
    // A PMD-order allocation takes a wholly free cluster: cluster 0 has the header.
    const huge = sim.mmap(pid, M2, 'hugepage')
    sim.touch(pid, huge, M2, { write: true })
    sim.madvise(pid, huge, M2, 'pageout')
    expect(sim.pagemap(pid, huge, 4096)[0]!.swapOffset).toBe(512)
  })

  it('a rotational device turns VMA readahead off: swap-in reads the aligned cluster of offsets', () => {
    // readahead-hdd.ts on 6.18 (host loop device, rotational): the first 512K read back takes
    // 19 major faults and reads 135 pages (7 beyond the range: their slots neighbour its last).
    const { sim, pid } = setup({ swap: [{ type: 'hdd', size: '1G' }], vm: { page_cluster: 3 } })
    const addr = sim.mmap(pid, 256 * 4096, 'nohugepage')
    sim.touch(pid, addr, 256 * 4096, { write: true })
    // As the trace does between steps: writeback done, then read back from the swap cache and
    // paged out again (clean: freed without I/O).
    sim.madvise(pid, addr, 256 * 4096, 'pageout')
    sim.settleIo()
    sim.touch(pid, addr, 256 * 4096, { write: false })
    sim.madvise(pid, addr, 256 * 4096, 'pageout')
    sim.settleIo()
    const before = sim.vmstat()
    sim.touch(pid, addr, 128 * 4096, { write: false })
    const after = sim.vmstat()
    const d = (name: string): number => (after[name] ?? 0) - (before[name] ?? 0)
    expect([d('pgmajfault'), d('pswpin'), d('swap_ra'), d('swap_ra_hit')]).toEqual([
      19, 135, 116, 109,
    ])
  })

  it('UFFDIO_MOVE refuses a swap entry whose swap-cache folio is large (EBUSY), and reports a short move', () => {
    // uffd-move-swapped-thp.ts on 6.18: move.move = -EBUSY, nothing moves, no split.
    const { sim, pid } = setup()
    const src = sim.mmap(pid, M2, 'hugepage')
    sim.touch(pid, src, M2, { write: true })
    sim.madvise(pid, src, M2, 'pageout')
    sim.settleIo()
    const dst = sim.mmap(pid, M2, 'hugepage')
    sim.uffdRegister(pid, dst, M2, ['wp'])
    expect(
      deltaOf(sim, 'thp_split_page', () => expect(sim.uffdMove(pid, dst, src, M2)).toBe(-16)),
    ).toBe(0)
    expect(sim.pagemap(pid, src, M2).every((e) => e.swapped)).toBe(true)
    // 64 KB present at the start, a hole after it: the present pages move, then ENOENT stops it.
    const small = sim.mmap(pid, 32 * 4096, 'nohugepage')
    sim.touch(pid, small, 16 * 4096, { write: true })
    const to = sim.mmap(pid, 32 * 4096, 'nohugepage')
    sim.uffdRegister(pid, to, 32 * 4096, ['wp'])
    expect(sim.uffdMove(pid, to, small, 32 * 4096)).toBe(16 * 4096)
    expect(sim.uffdMove(pid, to + 16 * 4096, small + 16 * 4096, 16 * 4096)).toBe(-2)
  })

  it('a userfaultfd MISSING fault is answered by UFFDIO_COPY: a 4 KB page, one minor fault, no THP', () => {
    // uffd-missing.ts on 6.18: 16 pages written in a MADV_HUGEPAGE range take 16 pgfaults,
    // 64 kB of RssAnon and a PTE table; the monitor saw 16 events.
    const { sim, pid } = setup()
    const addr = sim.mmap(pid, M2, 'hugepage')
    sim.uffdRegister(pid, addr, M2, ['missing'])
    expect(deltaOf(sim, 'pgfault', () => sim.touch(pid, addr, 16 * 4096, { write: true }))).toBe(16)
    expect(sim.smaps(pid, addr, M2)).toMatchObject({ Rss: 64, AnonHugePages: 0 })
    expect(sim.uffdEvents(pid).filter((e) => e.missing)).toHaveLength(16)
    // Populated pages raise nothing more.
    expect(deltaOf(sim, 'pgfault', () => sim.touch(pid, addr, 16 * 4096, { write: true }))).toBe(0)
  })
})
