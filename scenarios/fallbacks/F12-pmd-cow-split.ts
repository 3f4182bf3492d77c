import { defineScenario, type Vmstat } from 'hugeswap'

// F12 (docs/kernel-facts.md#fallbacks): after fork() parent and child share the THP read-only. A
// write cannot reuse a shared folio and the kernel never copies 2 MB on COW: do_huge_pmd_wp_page()
// splits the writer's PMD (thp_split_pmd) and the PTE fault copies 4 KB. Today's behaviour, counted
// as 'F12-pmd-cow-split' in all four variants; the child keeps its PMD mapping.
export default defineScenario({
  title: 'F12: write to a THP shared after fork',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k) {
    const t = k.spawn('usemem')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    const c = t.fork()
    const s0 = k.vmstat()
    t.write(r.sub(0, '4K'))
    const s1 = k.vmstat()
    k.snapshot('parent wrote 4K')
    k.expect(delta(s0, s1, 'thp_split_pmd'), 'COW: thp_split_pmd').toBe(1)
    k.expect(delta(s0, s1, 'thp_split_page'), 'COW: thp_split_page (folio stays whole)').toBe(0)
    k.expect(t.smaps(r).AnonHugePages, 'parent: PTE-mapped').toBe(0)
    k.expect(c.smaps(r).AnonHugePages, 'child: still PMD-mapped').toBe(2048)
    k.expect(k.meminfo().AnonPages, 'one 2M folio + one 4K copy').toBe(2048 + 4)
  },
})

function delta(before: Vmstat, after: Vmstat, name: keyof Vmstat): number {
  return (after[name] ?? 0) - (before[name] ?? 0)
}
