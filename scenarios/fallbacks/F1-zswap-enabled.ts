import { defineScenario, type Range, type Task, type Vmstat } from 'hugeswap'

// F1 (docs/kernel-facts.md#fallbacks): once zswap has been enabled since boot,
// zswap_never_enabled() is false for good and shrink_folio_list() keeps TTU_SPLIT_HUGE_PMD: every
// THP swap-out splits its PMD into 512 PTE swap entries, exactly as today's kernel. THP A is
// swapped out with zswap on (512 zswap stores, no device write); zswap is then switched off again
// and THP B still splits (sticky static key) but goes to the device. Series variants count
// 'F1-zswap-enabled' once per THP.
export default defineScenario({
  title: 'F1: zswap ever enabled keeps TTU_SPLIT_HUGE_PMD',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const t = k.spawn('usemem')
    k.zswap(true)
    const a = thp(t)
    const b = thp(t)
    let before = k.vmstat()
    t.madvise(a, 'pageout')
    let after = k.vmstat()
    k.expect(delta(before, after, 'zswpout'), 'A: zswpout (512 per-4K stores)').toBe(512)
    k.expect(delta(before, after, 'pswpout'), 'A: pswpout (nothing reaches the device)').toBe(0)
    k.expect(delta(before, after, 'thp_split_pmd'), 'A: thp_split_pmd').toBe(1)
    k.expect(delta(before, after, 'thp_swpout_pmd'), 'A: thp_swpout_pmd').toBe(0)
    k.expect(swappedPtes(t, a), 'A: 512 PTE swap entries').toBe(512)
    k.zswap(false)
    before = k.vmstat()
    t.madvise(b, 'pageout')
    after = k.vmstat()
    k.expect(delta(before, after, 'zswpout'), 'B: zswpout (zswap off now)').toBe(0)
    k.expect(delta(before, after, 'pswpout'), 'B: pswpout').toBe(512)
    k.expect(delta(before, after, 'thp_swpout'), 'B: thp_swpout (one 2M write)').toBe(1)
    k.expect(delta(before, after, 'thp_split_pmd'), 'B: thp_split_pmd (still split)').toBe(1)
    k.expect(delta(before, after, 'thp_swpout_pmd'), 'B: thp_swpout_pmd').toBe(0)
    k.snapshot('both swapped out')
    t.read(a)
    t.read(b)
    k.expect(t.smaps(a).AnonHugePages + t.smaps(b).AnonHugePages, 'no PMD restored').toBe(0)
  },
})

function thp(t: Task): Range {
  const r = t.mmap('2M', { advice: 'hugepage' })
  t.write(r)
  return r
}

function delta(before: Vmstat, after: Vmstat, name: keyof Vmstat): number {
  return (after[name] ?? 0) - (before[name] ?? 0)
}

/** Pages of `r` that pagemap reports swapped (bit 62). */
function swappedPtes(t: Task, r: Range): number {
  return t.pagemap(r).filter((e) => e.swapped && !e.present).length
}
