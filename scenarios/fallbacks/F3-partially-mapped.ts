import { defineScenario, type Vmstat } from 'hugeswap'

// F3 (docs/kernel-facts.md#fallbacks): a THP with 4 KB of it unmapped is partially mapped (the
// munmap splits its PMD and queues it for deferred split). Reclaim splits such a folio before
// allocating swap (split_folio_to_list(), thp_split_page) and swaps the 511 remaining pages as
// order-0 folios: no 2 MB write, no PMD swap entry. Baseline behaviour, counted as
// 'F3-partially-mapped' in every variant. The 511 pages are young (just written): reclaim's second
// pass takes them.
export default defineScenario({
  title: 'F3: partially mapped THP split before swap-out',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const t = k.spawn('usemem')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    const s0 = k.vmstat()
    t.munmap(r.sub('2044K', '4K'))
    const s1 = k.vmstat()
    k.expect(delta(s0, s1, 'thp_split_pmd'), 'munmap 4K: thp_split_pmd').toBe(1)
    k.expect(delta(s0, s1, 'thp_deferred_split_page'), 'munmap 4K: thp_deferred_split_page').toBe(1)
    const rest = r.sub(0, '2044K')
    // memory.reclaim, not MADV_PAGEOUT: a pageout over part of a large folio splits it in
    // madvise_cold_or_pageout_pte_range() before shrink_folio_list() ever sees it.
    k.reclaim('2044K')
    const s2 = k.vmstat()
    k.snapshot('reclaimed')
    k.expect(delta(s1, s2, 'thp_split_page'), 'reclaim: thp_split_page').toBe(1)
    k.expect(delta(s1, s2, 'thp_swpout_fallback'), 'reclaim: thp_swpout_fallback').toBe(0)
    k.expect(delta(s1, s2, 'thp_swpout'), 'reclaim: thp_swpout').toBe(0)
    k.expect(delta(s1, s2, 'thp_swpout_pmd'), 'reclaim: thp_swpout_pmd').toBe(0)
    k.expect(delta(s1, s2, 'pswpout'), 'reclaim: pswpout (511 pages)').toBe(511)
    k.expect(t.smaps(rest).Swap, 'Swap').toBe(2044)
  },
})

function delta(before: Vmstat, after: Vmstat, name: keyof Vmstat): number {
  return (after[name] ?? 0) - (before[name] ?? 0)
}
