import { defineScenario, type Kernel, type Task } from 'hugeswap'

// docs/kernel-facts.md#page-table-memory, row "after khugepaged collapse": a THP swapped out and
// touched back from the device is PTE-mapped in the baselines; khugepaged collapses it,
// re-depositing the old table (baseline: 4 KB) or freeing it (lazy deposit: 0). The series was
// PMD-mapped already (n/a in the table): its PMD-mapped figure stays, 4 KB with eager deposit and 0
// with lazy deposit.
export default defineScenario({
  title: 'Page tables: after khugepaged collapse',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const base = k.meminfo().PageTables
    const t = k.spawn('usemem')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    k.reclaim('2M')
    t.read(r)
    k.khugepaged(2)
    k.expect(t.smaps(r).AnonHugePages, 'PMD-mapped after khugepaged').toBe(2048)
    expectPteTableKb(k, t, base, k.variant.lazyDeposit ? 0 : 4, 'after khugepaged')
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
