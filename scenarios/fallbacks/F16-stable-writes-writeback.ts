import { defineScenario, type Vmstat } from 'hugeswap'

// F16 (docs/kernel-facts.md#fallbacks): an asynchronous NVMe area with SWP_STABLE_WRITES (as with
// dm-crypt). MADV_PAGEOUT submits the 2 MB write; a read right away finds the folio in the swap
// cache still under writeback. do_huge_pmd_swap_page() maps the PMD but drops anon-exclusive and
// maps it read-only (F16). The next write cannot reuse a non-exclusive folio: PMD split, 4 KB COW
// (F12). Series variants count 'F16-stable-writes-writeback' and 'F12-pmd-cow-split' once each.
export default defineScenario({
  title: 'F16: PMD swap-in under writeback to a stable-writes device',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G', stable_writes: true }] },
  run(k) {
    const t = k.spawn('usemem')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    const pmd = k.variant.pmdSwap
    const s0 = k.vmstat()
    t.read(r)
    const s1 = k.vmstat()
    k.snapshot('read under writeback')
    k.expect(delta(s0, s1, 'pgmajfault'), 'read: pgmajfault (swap-cache hit)').toBe(0)
    k.expect(t.smaps(r).AnonHugePages, 'read: AnonHugePages').toBe(pmd ? 2048 : 0)
    t.write(r.sub(0, '4K'))
    const s2 = k.vmstat()
    k.snapshot('wrote 4K')
    k.expect(delta(s1, s2, 'thp_split_pmd'), 'write: thp_split_pmd').toBe(pmd ? 1 : 0)
    k.expect(t.smaps(r).AnonHugePages, 'write: AnonHugePages').toBe(0)
  },
})

function delta(before: Vmstat, after: Vmstat, name: keyof Vmstat): number {
  return (after[name] ?? 0) - (before[name] ?? 0)
}
