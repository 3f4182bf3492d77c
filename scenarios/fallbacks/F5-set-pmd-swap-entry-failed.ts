import { defineScenario, type Vmstat } from 'hugeswap'

// F5 (docs/kernel-facts.md#fallbacks): a step of set_pmd_swap_entry() fails
// (fault_injection.set_pmd_swap_entry = 1: the swap reference, or anon-exclusive cannot be dropped
// against a racing GUP pin). The present PMD is restored and TTU_SPLIT_HUGE_PMD "remains the
// fallback": the PMD is split and 512 PTE swap entries written, as today. Series variants count
// 'F5-set-pmd-swap-entry-failed' once.
//
// A long-term pin taken before reclaim (t.pin) does not reach set_pmd_swap_entry() at all in the
// model: shrink_folio_list() keeps a maybe-DMA-pinned folio (docs/kernel-facts.md#reclaim, step 1),
// so the second THP stays resident and nothing is counted; once unpinned it is swapped out and
// fails the same injected way: series variants count F5 twice in all.
export default defineScenario({
  title: 'F5: set_pmd_swap_entry() fails',
  machine: {
    memory: '1G',
    swap: [{ type: 'nvme', size: '1G' }],
    fault_injection: { set_pmd_swap_entry: 1 },
  },
  run(k) {
    const t = k.spawn('usemem')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    const s0 = k.vmstat()
    t.madvise(r, 'pageout')
    const s1 = k.vmstat()
    k.snapshot('reclaimed')
    k.expect(delta(s0, s1, 'thp_swpout_pmd'), 'thp_swpout_pmd').toBe(0)
    k.expect(delta(s0, s1, 'thp_split_pmd'), 'thp_split_pmd (split instead)').toBe(1)
    k.expect(delta(s0, s1, 'thp_swpout'), 'thp_swpout (still one 2M write)').toBe(1)
    k.expect(delta(s0, s1, 'pswpout'), 'pswpout').toBe(512)
    k.expect(t.pagemap(r).filter((e) => e.swapped).length, '512 PTE swap entries').toBe(512)

    const pinned = t.mmap('2M', { advice: 'hugepage' })
    t.write(pinned)
    t.pin(pinned)
    const s2 = k.vmstat()
    t.madvise(pinned, 'pageout')
    const s3 = k.vmstat()
    k.expect(delta(s2, s3, 'pswpout'), 'pinned: not swapped').toBe(0)
    k.expect(t.smaps(pinned).AnonHugePages, 'pinned: still PMD-mapped').toBe(2048)
    t.unpin(pinned)
    t.madvise(pinned, 'pageout')
    k.expect(t.smaps(pinned).Swap, 'unpinned: swapped out').toBe(2048)
  },
})

function delta(before: Vmstat, after: Vmstat, name: keyof Vmstat): number {
  return (after[name] ?? 0) - (before[name] ?? 0)
}
