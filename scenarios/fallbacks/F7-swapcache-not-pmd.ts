import { defineScenario, type Vmstat } from 'hugeswap'

// F7 (docs/kernel-facts.md#fallbacks): the swap cache holds per-page folios behind a swap PMD. NVMe
// is asynchronous, so after MADV_PAGEOUT the 2 MB folio stays in the swap cache; a racing split
// (fault_injection.swapcache_split = 1: deferred_split_scan() or memory_failure()) turns it into
// 512 order-0 swap-cache folios just before the swap-in looks. The classifier finds per-page cache
// state, splits the swap PMD (thp_split_pmd) and every 4 KB fault maps its cached page (minor
// faults, no I/O). Series variants count 'F7-swapcache-not-pmd' once.
export default defineScenario({
  title: 'F7: swap cache holds per-page folios behind a swap PMD',
  machine: {
    memory: '1G',
    swap: [{ type: 'nvme', size: '1G' }],
    fault_injection: { swapcache_split: 1 },
  },
  run(k) {
    const t = k.spawn('usemem')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    k.sleep(100)
    k.expect(k.meminfo().SwapCached, 'folio still in the swap cache').toBe(2048)
    const s0 = k.vmstat()
    t.read(r)
    const s1 = k.vmstat()
    k.snapshot('swapped in')
    const pmd = k.variant.pmdSwap
    k.expect(delta(s0, s1, 'thp_split_page'), 'swap-in: thp_split_page (racing folio split)').toBe(
      pmd ? 1 : 0,
    )
    k.expect(delta(s0, s1, 'thp_split_pmd'), 'swap-in: thp_split_pmd').toBe(pmd ? 1 : 0)
    k.expect(delta(s0, s1, 'pgmajfault'), 'swap-in: pgmajfault (cache hits)').toBe(0)
    k.expect(delta(s0, s1, 'pswpin'), 'swap-in: pswpin').toBe(0)
    k.expect(t.smaps(r).AnonHugePages, 'AnonHugePages after swap-in').toBe(0)
  },
})

function delta(before: Vmstat, after: Vmstat, name: keyof Vmstat): number {
  return (after[name] ?? 0) - (before[name] ?? 0)
}
