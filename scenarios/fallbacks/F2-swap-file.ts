import { defineScenario, type Vmstat } from 'hugeswap'

// F2 (docs/kernel-facts.md#fallbacks), swap file on a filesystem: not SWP_BLKDEV, so only order-0
// slots; folio_alloc_swap() fails for the PMD-order folio, the folio is split before swap-out
// (thp_swpout_fallback, thp_split_page) and 512 order-0 pages are written. All four variants count
// 'F2-swap-file' once.
export default defineScenario({
  title: 'F2: swap file',
  machine: { memory: '1G', swap: [{ type: 'file', size: '1G' }] },
  run(k) {
    const t = k.spawn('usemem')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    const before = k.vmstat()
    t.madvise(r, 'pageout')
    const after = k.vmstat()
    k.snapshot('reclaimed')
    k.expect(delta(before, after, 'thp_swpout_fallback'), 'thp_swpout_fallback').toBe(1)
    k.expect(delta(before, after, 'thp_split_page'), 'thp_split_page').toBe(1)
    k.expect(delta(before, after, 'thp_swpout'), 'thp_swpout').toBe(0)
    k.expect(delta(before, after, 'thp_swpout_pmd'), 'thp_swpout_pmd').toBe(0)
    k.expect(delta(before, after, 'pswpout'), 'pswpout').toBe(512)
    k.expect(t.smaps(r).Swap, 'Swap').toBe(2048)
    t.read(r)
    k.expect(t.smaps(r).AnonHugePages, 'no PMD after swap-in').toBe(0)
  },
})

function delta(before: Vmstat, after: Vmstat, name: keyof Vmstat): number {
  return (after[name] ?? 0) - (before[name] ?? 0)
}
