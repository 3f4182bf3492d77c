import { defineScenario, type Range, type Task, type Vmstat } from 'hugeswap'

// F11 (docs/kernel-facts.md#fallbacks): a partial-range operation on a swap PMD splits it into 512
// swap PTEs (thp_split_pmd) and works on the sub-range; the pages stay swapped (selftests
// split_mprotect, split_munmap). Four THPs: mprotect, munmap, MADV_DONTNEED and MADV_FREE of the
// first 1 MB. Series variants count 'F11-partial-range' four times; in the baselines the PMD was
// already split at swap-out and nothing is counted.
export default defineScenario({
  title: 'F11: partial mprotect / munmap / MADV_DONTNEED / MADV_FREE of a swap PMD',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('usemem')
    const a = swappedThp(t)
    const b = swappedThp(t)
    const c = swappedThp(t)
    const d = swappedThp(t)
    const pmd = k.variant.pmdSwap
    let s0 = k.vmstat()
    t.mprotect(a.sub(0, '1M'), 'r')
    let s1 = k.vmstat()
    k.expect(delta(s0, s1, 'thp_split_pmd'), 'mprotect: thp_split_pmd').toBe(pmd ? 1 : 0)
    k.expect(t.smaps(a).Swap, 'mprotect: all 2M still swapped').toBe(2048)
    s0 = s1
    t.munmap(b.sub(0, '1M'))
    s1 = k.vmstat()
    k.expect(delta(s0, s1, 'thp_split_pmd'), 'munmap: thp_split_pmd').toBe(pmd ? 1 : 0)
    k.expect(t.smaps(b.sub('1M', '1M')).Swap, 'munmap: the tail still swapped').toBe(1024)
    s0 = s1
    t.madvise(c.sub(0, '1M'), 'dontneed')
    s1 = k.vmstat()
    k.expect(delta(s0, s1, 'thp_split_pmd'), 'dontneed: thp_split_pmd').toBe(pmd ? 1 : 0)
    k.expect(t.smaps(c).Swap, 'dontneed: the tail still swapped').toBe(1024)
    s0 = s1
    t.madvise(d.sub(0, '1M'), 'free')
    s1 = k.vmstat()
    k.expect(delta(s0, s1, 'thp_split_pmd'), 'free: thp_split_pmd').toBe(pmd ? 1 : 0)
    k.expect(t.smaps(d).Swap, 'free: the tail still swapped').toBe(1024)
    k.expect(t.status().VmSwap, 'VmSwap').toBe(2048 + 3 * 1024)
    k.snapshot('after partial operations')
    t.read(a)
    t.read(b.sub('1M', '1M'))
    t.read(c)
    t.read(d)
  },
})

function swappedThp(t: Task): Range {
  const r = t.mmap('2M', { advice: 'hugepage' })
  t.write(r)
  t.madvise(r, 'pageout')
  return r
}

function delta(before: Vmstat, after: Vmstat, name: keyof Vmstat): number {
  return (after[name] ?? 0) - (before[name] ?? 0)
}
