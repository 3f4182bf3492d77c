import { defineScenario, type Kernel, type Task } from 'hugeswap'

// docs/kernel-facts.md#page-table-memory, row "after any split fallback (F6-F12)": a partial
// mprotect of the swapped THP (F11) splits the swap PMD into 512 swap PTEs. Every variant then
// holds one PTE table: the withdrawn deposit (eager) or one allocated at the split (lazy; it did
// not fail here).
export default defineScenario({
  title: 'Page tables: after a split fallback',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const base = k.meminfo().PageTables
    const t = k.spawn('usemem')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    const splits = k.vmstat().thp_split_pmd
    t.mprotect(r.sub(0, '1M'), 'r')
    const v = k.variant
    k.expect(k.vmstat().thp_split_pmd - splits, 'swap PMD split (F11)').toBe(v.pmdSwap ? 1 : 0)
    if (v.lazyDeposit) k.expect(k.vmstat().thp_split_pmd_failed, 'no split failed').toBe(0)
    expectPteTableKb(k, t, base, 4, 'after a split fallback')
  },
})

/**
 * The page tables one 2M region needs besides its PTE table: one PMD-level and one PUD-level table
 * (mm_pgtables_bytes() counts PTE, PMD and PUD levels; the PGD is not counted). In kB.
 */
const UPPER_LEVELS_KB = 8

/** PTE-table memory of the task's only 2M region, from PageTables (minus `baseKb`) and VmPTE. */
function expectPteTableKb(k: Kernel, t: Task, baseKb: number, pteKb: number, state: string): void {
  k.snapshot(state)
  k.expect(k.meminfo().PageTables - baseKb, `${state}: PageTables delta (kB)`).toBe(
    UPPER_LEVELS_KB + pteKb,
  )
  k.expect(t.status().VmPTE, `${state}: VmPTE (kB)`).toBe(UPPER_LEVELS_KB + pteKb)
}
