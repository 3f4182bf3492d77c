import { defineScenario, type Vmstat } from 'hugeswap'

// F4 (docs/kernel-facts.md#fallbacks): a THP whose PMD mapping was split by a partial mprotect
// (thp_split_pmd) is still one PMD-sized folio, fully mapped, but by 512 PTEs. Reclaim swaps it out
// in one piece (thp_swpout, one 2 MB write to a contiguous cluster), yet there is no PMD to turn
// into a swap PMD: try_to_unmap_one() writes 512 PTE swap entries, as today. Series variants count
// 'F4-pte-mapped' once; baselines count nothing (it is their normal path).
export default defineScenario({
  title: 'F4: PTE-mapped THP at reclaim',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const t = k.spawn('usemem')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    const s0 = k.vmstat()
    t.mprotect(r.sub(0, '1M'), 'r')
    t.mprotect(r.sub(0, '1M'), 'rw')
    const s1 = k.vmstat()
    k.expect(delta(s0, s1, 'thp_split_pmd'), 'partial mprotect: thp_split_pmd').toBe(1)
    k.expect(t.smaps(r).AnonHugePages, 'PTE-mapped now').toBe(0)
    k.expect(t.smaps(r).Rss, 'still all resident').toBe(2048)
    t.madvise(r, 'pageout')
    const s2 = k.vmstat()
    k.snapshot('reclaimed')
    k.expect(delta(s1, s2, 'thp_swpout'), 'reclaim: thp_swpout (one 2M write)').toBe(1)
    k.expect(delta(s1, s2, 'pswpout'), 'reclaim: pswpout').toBe(512)
    k.expect(delta(s1, s2, 'thp_swpout_fallback'), 'reclaim: thp_swpout_fallback').toBe(0)
    k.expect(delta(s1, s2, 'thp_split_page'), 'reclaim: thp_split_page').toBe(0)
    k.expect(delta(s1, s2, 'thp_split_pmd'), 'reclaim: thp_split_pmd (nothing left to split)').toBe(
      0,
    )
    k.expect(delta(s1, s2, 'thp_swpout_pmd'), 'reclaim: thp_swpout_pmd').toBe(0)
    const pm = t.pagemap(r)
    k.expect(pm.filter((e) => e.swapped).length, '512 PTE swap entries').toBe(512)
    k.expect(
      pm.every((e, i) => e.swapOffset === (pm[0].swapOffset ?? 0) + i),
      'one contiguous cluster',
    ).toBe(true)
    k.sleep(100)
    k.reclaim('2M')
    t.read(r)
    k.expect(t.smaps(r).AnonHugePages, 'no PMD after swap-in').toBe(0)
  },
})

function delta(before: Vmstat, after: Vmstat, name: keyof Vmstat): number {
  return (after[name] ?? 0) - (before[name] ?? 0)
}
