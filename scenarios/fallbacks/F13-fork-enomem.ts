import { defineScenario } from 'hugeswap'

// F13 (docs/kernel-facts.md#fallbacks): fork cannot get a PTE-table page (fault_injection.pte_alloc
// = 1) and fails with -ENOMEM. The failing call throws a SimUsageError into the scenario, which
// try/catch can catch: the run goes on and the parent is untouched.
//
// Only the lazy-deposit variants run it. Fault injection is machine-wide from boot, and with eager
// deposit the THP fault itself needs a PTE table (its deposit), so the THP never exists there to be
// forked. Under lazy deposit the THP needs no table and copy_huge_pmd() of a shared THP needs none
// either; what needs one is a long-term-pinned, anon-exclusive THP: copy_huge_pmd() must not share
// it, splits the parent's PMD (-EAGAIN, copy_pte_range() then copies the pages) and that split
// cannot get its table: thp_split_pmd_failed, fork fails.
export default defineScenario({
  title: 'F13: fork -ENOMEM',
  variants: { lazyDeposit: true },
  machine: {
    memory: '1G',
    swap: [{ type: 'nvme', size: '1G' }],
    fault_injection: { pte_alloc: 1 },
  },
  run(k) {
    const t = k.spawn('usemem')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    k.expect(t.smaps(r).AnonHugePages, 'THP without a deposited table').toBe(2048)
    t.pin(r)
    const before = k.vmstat()
    let message = 'no error'
    try {
      t.fork()
    } catch (e) {
      message = String((e as Error).message)
    }
    const after = k.vmstat()
    k.snapshot('fork failed')
    k.expect(/^fork: -ENOMEM/.test(message), `fork fails with -ENOMEM (${message})`).toBe(true)
    k.expect(
      (after.thp_split_pmd_failed ?? 0) - (before.thp_split_pmd_failed ?? 0),
      'the split of the pinned THP failed',
    ).toBe(1)
    k.expect(t.smaps(r).AnonHugePages, 'parent still PMD-mapped').toBe(2048)
    k.expect(t.smaps(r).Rss, 'parent data intact').toBe(2048)
    t.read(r)
    t.unpin(r)
  },
})
