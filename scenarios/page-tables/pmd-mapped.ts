import { defineScenario, type Kernel, type Task } from 'hugeswap'

// docs/kernel-facts.md#page-table-memory, row "PMD-mapped THP": eager deposit (baseline, pmd-swap)
// keeps a 4 KB PTE table under every PMD-mapped THP; lazy deposit allocates none.
export default defineScenario({
  title: 'Page tables: PMD-mapped THP',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const base = k.meminfo().PageTables
    const t = k.spawn('usemem')
    k.expect(t.status().VmPTE, 'fresh mm: no page tables').toBe(0)
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    k.expect(t.smaps(r).AnonHugePages, 'PMD-mapped').toBe(2048)
    expectPteTableKb(k, t, base, k.variant.lazyDeposit ? 0 : 4, 'PMD-mapped')
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
