import { defineScenario, type Kernel, type Task } from 'hugeswap'

// docs/kernel-facts.md#page-table-memory, row "swapped out (no fallback)": baseline keeps its
// deposit as the real PTE table of 512 swap PTEs; lazy deposit must allocate that table at reclaim;
// pmd-swap keeps the deposit under the swap PMD; pmd-swap+lazy-deposit needs no PTE table at all.
export default defineScenario({
  title: 'Page tables: swapped out',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const base = k.meminfo().PageTables
    const t = k.spawn('usemem')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    k.expect(t.smaps(r).Swap, 'whole THP in swap').toBe(2048)
    if (k.variant.lazyDeposit) k.expect(k.vmstat().thp_split_pmd_failed, 'no split failed').toBe(0)
    const v = k.variant
    expectPteTableKb(k, t, base, v.pmdSwap && v.lazyDeposit ? 0 : 4, 'swapped out')
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
