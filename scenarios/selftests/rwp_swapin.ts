import { defineScenario, type Kernel, type Range, type Task, type VmstatCounter } from 'hugeswap'

// pmd_swap.c `rwp_swapin` (latest revision): the swapped range is registered and protected with
// userfaultfd RWP; the first read must deliver an RWP page fault (the uffd bit is kept on the swap
// entry), and after UFFDIO_RWPROTECT clears it the pattern is intact.
export default defineScenario({
  title: 'pmd_swap selftest: rwp_swapin',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const t = k.spawn('pmd_swap')
    const r = allocFillSwapThp(k, t)
    t.uffdRegister(r, ['rwp'])
    t.uffdProtect(r, 'rwp')
    k.expect(allSwapped(t, r), 'still swapped after UFFDIO_RWPROTECT').toBe(true)
    t.read(r.sub(0, '4K'))
    const events = t.uffdEvents()
    k.expect(events.length, 'one page fault message').toBe(1)
    k.expect(events[0]?.rwp, 'UFFD_PAGEFAULT_FLAG_RWP').toBe(true)
    k.expect(events[0]?.write, 'a read fault').toBe(false)
    k.expect(events[0]?.addr, 'at the first byte').toBe(r.start)
    t.uffdProtect(r, 'rwp', false)
    t.read(r)
  },
})

// FIXTURE_SETUP(pmd_swap): alloc_fill_swap_thp() maps a PMD-aligned 2M with MADV_HUGEPAGE, fills
// it, requires AnonHugePages 2048, then MADV_PAGEOUT must swap every page out and (series, zswap
// never enabled) raise thp_swpout_pmd. Elsewhere reclaim splits the PMD as today's kernel does.
function allocFillSwapThp(k: Kernel, t: Task): Range {
  const r = t.mmap('2M', { advice: 'hugepage' })
  t.write(r)
  k.expect(t.smaps(r).AnonHugePages, 'setup: check_huge_anon before MADV_PAGEOUT').toBe(2048)
  const before = k.vmstat()
  t.madvise(r, 'pageout')
  const after = k.vmstat()
  const pmd = pmdSwapOut(k)
  const delta = (name: VmstatCounter): number => (after[name] ?? 0) - (before[name] ?? 0)
  k.expect(delta('thp_swpout_fallback'), 'setup: thp_swpout_fallback').toBe(0)
  k.expect(allSwapped(t, r), 'setup: check_swapped (pagemap bit 62)').toBe(true)
  k.expect(delta('thp_swpout_pmd'), 'setup: thp_swpout_pmd').toBe(pmd ? 1 : 0)
  k.expect(delta('thp_split_pmd'), 'setup: thp_split_pmd').toBe(pmd ? 0 : 1)
  k.expect(delta('zswpout'), 'setup: zswpout').toBe(k.machine.zswap ? 512 : 0)
  return r
}

/** Swap-out installs one PMD swap entry: the series is applied and zswap never enabled (F1). */
function pmdSwapOut(k: Kernel): boolean {
  return k.variant.pmdSwap && !k.machine.zswap
}

/** check_swapped(): pagemap bit 62 set (and 63 clear) on every 4 KB page of `r`. */
function allSwapped(t: Task, r: Range): boolean {
  return t.pagemap(r).every((e) => e.swapped && !e.present)
}
