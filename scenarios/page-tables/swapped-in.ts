import { defineScenario, type Kernel, type Task } from 'hugeswap'

// docs/kernel-facts.md#page-table-memory, row "swapped in": after a swap-in from the device,
// baseline and lazy deposit are PTE-mapped (one PTE table); pmd-swap is PMD-mapped again over its
// deposit; pmd-swap+lazy-deposit is PMD-mapped with no PTE table.
export default defineScenario({
  title: 'Page tables: swapped in',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const base = k.meminfo().PageTables
    const t = k.spawn('usemem')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    k.reclaim('2M')
    t.read(r)
    const v = k.variant
    k.expect(t.smaps(r).AnonHugePages, 'AnonHugePages').toBe(v.pmdSwap ? 2048 : 0)
    expectPteTableKb(k, t, base, v.pmdSwap && v.lazyDeposit ? 0 : 4, 'swapped in')
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
