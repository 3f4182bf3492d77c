import { defineScenario, type Vmstat } from 'hugeswap'

// Hugh Dickins' objection to lazy page-table deposit (docs/kernel-facts.md#review-discussion):
// reclaim must split the PMD of EVERY mapping of a THP before it can swap it, and under lazy
// deposit each split allocates a 4 KB PTE table, in reclaim context (PF_MEMALLOC: no recursion into
// reclaim, may dip below the min watermark down to the last free page). Nothing is freed until
// every mapping is gone, so a THP mapped by many forked processes can eat the reserves and still
// not be swapped.
//
// The numbers (none is tuned to produce a result; they only make it quick):
// - 4 THPs (8 MB) in a parent, then 200 children: 201 mappings x 4 THPs = 804 PMD mappings.
// - vm.min_free_kbytes = 1024: the min watermark is 256 pages. The filler process then writes
//   4 KB pages until MemFree is min + 64 pages (its own PTE tables subtracted first), so ordinary
//   allocations never hit direct reclaim while filling: "memory nearly full". MemFree is measured,
//   not assumed, so the same code fills correctly whether the variant deposited 804 child tables
//   (eager: ~3.1 MB more PageTables) or not.
// - k.reclaim('8M') then walks the LRU. The parent's THPs are the oldest folios, so they are
//   reclaimed first. NVMe is asynchronous: what reclaim writes stays in the swap cache until
//   writeback completes, so the pass frees nothing it could hand to the next split.
// Expected: baseline splits all 804 PMDs with their deposited tables (no allocation, no failure);
// lazy-deposit can allocate only as many tables as there are free pages at the start (~321) and
// then fails every further split (thp_split_pmd_failed > 0), leaving THPs mapped and the reserves
// spent; the series variants install 804 PMD swap entries and allocate nothing, so
// pmd-swap+lazy-deposit keeps both the page-table saving and a reclaim that cannot fail this way.
const CHILDREN = 200
const THPS = 4
const MAPPINGS = (CHILDREN + 1) * THPS

export default defineScenario({
  title: "Hugh Dickins' objection: reclaim of THPs mapped by 201 processes",
  machine: {
    memory: '128M',
    swap: [{ type: 'nvme', size: '256M' }],
    vm: { min_free_kbytes: 1024 },
  },
  run(k) {
    const parent = k.spawn('parent')
    const r = parent.mmap(`${2 * THPS}M`, { advice: 'hugepage' })
    parent.write(r)
    k.expect(parent.smaps(r).AnonHugePages, 'parent: 4 PMD-mapped THPs').toBe(2048 * THPS)
    for (let i = 0; i < CHILDREN; i++) parent.fork()
    k.snapshot(`forked ${CHILDREN} children`)

    const filler = k.spawn('filler')
    const minPages = k.machine.vm.min_free_kbytes / 4
    let pages = k.meminfo().MemFree / 4 - minPages - 64
    pages -= Math.ceil(pages / 512) + 1
    const f = filler.mmap(pages * 4096, { advice: 'nohugepage' })
    filler.write(f)
    k.snapshot('memory nearly full')
    const s0 = k.vmstat()
    const m0 = k.meminfo()
    k.expect(s0.nr_free_pages - minPages, 'free pages above the min watermark').toBeLessThanOrEqual(
      65,
    )

    k.reclaim(`${2 * THPS}M`)
    k.snapshot('after reclaim')
    const s1 = k.vmstat()
    const m1 = k.meminfo()
    const d = (n: keyof Vmstat): number => (s1[n] ?? 0) - (s0[n] ?? 0)
    const failed = d('thp_split_pmd_failed')
    const pageTablesKb = m1.PageTables - m0.PageTables

    // By feature, not by name: a variant added later lands in the branch of what it has.
    const v = k.variant
    if (v.pmdSwap) {
      k.expect(d('thp_swpout_pmd'), `${v.name}: one PMD swap entry per mapping`).toBe(MAPPINGS)
      k.expect(d('thp_split_pmd'), `${v.name}: no PMD split`).toBe(0)
      k.expect(failed, `${v.name}: no split fails`).toBe(0)
      k.expect(pageTablesKb, `${v.name}: no new page tables`).toBe(0)
      k.expect(parent.smaps(r).Swap, `${v.name}: all THPs swapped`).toBe(2048 * THPS)
    } else if (v.lazyDeposit) {
      k.expect(failed, `${v.name}: thp_split_pmd_failed`).toBeGreaterThan(0)
      k.expect(d('thp_split_pmd') + failed, `${v.name}: every mapping tried`).toBe(MAPPINGS)
      k.expect(
        d('thp_split_pmd'),
        `${v.name}: splits <= free pages at the start`,
      ).toBeLessThanOrEqual(s0.nr_free_pages)
      k.expect(pageTablesKb, `${v.name}: one new 4 KB table per successful split`).toBe(
        4 * d('thp_split_pmd'),
      )
      k.expect(parent.smaps(r).AnonHugePages, `${v.name}: THPs left mapped`).toBeGreaterThan(0)
    } else {
      k.expect(d('thp_split_pmd'), `${v.name}: every mapping split`).toBe(MAPPINGS)
      k.expect(failed, `${v.name}: no split fails (deposited tables)`).toBe(0)
      k.expect(pageTablesKb, `${v.name}: no new page tables`).toBe(0)
      k.expect(parent.smaps(r).Swap, `${v.name}: all THPs swapped`).toBe(2048 * THPS)
    }
    k.expect(m1.PageTables, 'PageTables after reclaim (kB, per variant)').toBeGreaterThan(0)
  },
})
