import { defineScenario, type Vmstat } from 'hugeswap'

// F2 (docs/kernel-facts.md#fallbacks), no wholly free 512-slot cluster: every cluster of the NVMe
// area holds a long-lived 4 KB slot (swap[0].fragmentation = 1), so folio_alloc_swap() fails for
// the PMD-order folio; shrink_folio_list() splits the folio (thp_split_page, thp_swpout_fallback;
// the PMD mapping goes with it) and swaps 512 order-0 pages. The PMD decision is never reached:
// identical in all four variants, each counting 'F2-no-free-cluster' once.
export default defineScenario({
  title: 'F2: no free swap cluster',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G', fragmentation: 1 }] },
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
    k.expect(delta(before, after, 'thp_swpout'), 'thp_swpout (no 2M write)').toBe(0)
    k.expect(delta(before, after, 'thp_swpout_pmd'), 'thp_swpout_pmd').toBe(0)
    k.expect(delta(before, after, 'pswpout'), 'pswpout (512 order-0 pages)').toBe(512)
    k.expect(t.smaps(r).Swap, 'Swap').toBe(2048)
    t.read(r)
    k.expect(t.smaps(r).AnonHugePages, 'no PMD after swap-in').toBe(0)
  },
})

function delta(before: Vmstat, after: Vmstat, name: keyof Vmstat): number {
  return (after[name] ?? 0) - (before[name] ?? 0)
}
