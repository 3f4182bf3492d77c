import { defineScenario, type Vmstat } from 'hugeswap'

// F14 (docs/kernel-facts.md#fallbacks): an rmap-driven split of the swap-cache folio behind a swap
// PMD (k.splitFolio: deferred_split_scan() or memory_failure()). try_to_unmap_one() never sees a
// swap PMD, so the folio split (thp_split_page) leaves the swap PMD intact: pagemap still shows 512
// consecutive slots and no PMD split is counted. The mismatch is found only at swap-in, which
// splits the swap PMD then (F7): series variants count 'F7-swapcache-not-pmd' once.
export default defineScenario({
  title: 'F14: folio split behind a swap PMD, discovered at swap-in (F7)',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const t = k.spawn('usemem')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    k.sleep(100)
    const pmd = k.variant.pmdSwap
    const s0 = k.vmstat()
    k.expect(k.splitFolio(t, r), 'the swap-cache folio splits').toBe(true)
    const s1 = k.vmstat()
    k.snapshot('folio split')
    k.expect(delta(s0, s1, 'thp_split_page'), 'split: thp_split_page').toBe(1)
    k.expect(delta(s0, s1, 'thp_split_pmd'), 'split: thp_split_pmd (swap PMD untouched)').toBe(0)
    const pm = t.pagemap(r)
    k.expect(
      pm.every((e, i) => e.swapped && e.swapOffset === (pm[0].swapOffset ?? 0) + i),
      'still 512 consecutive slots',
    ).toBe(true)
    k.expect(k.meminfo().SwapCached, 'the pages are still cached').toBe(2048)
    t.read(r)
    const s2 = k.vmstat()
    k.expect(delta(s1, s2, 'thp_split_pmd'), 'swap-in: thp_split_pmd').toBe(pmd ? 1 : 0)
    k.expect(delta(s1, s2, 'pgmajfault'), 'swap-in: pgmajfault (cache hits)').toBe(0)
    k.expect(t.smaps(r).AnonHugePages, 'AnonHugePages after swap-in').toBe(0)
  },
})

function delta(before: Vmstat, after: Vmstat, name: keyof Vmstat): number {
  return (after[name] ?? 0) - (before[name] ?? 0)
}
