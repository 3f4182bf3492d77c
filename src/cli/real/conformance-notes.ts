/**
 * What the conformance suite (scenarios/conformance) has found, for docs/conformance.md and for
 * the test that runs the suite: the differences fixed in the model, the ones explained by a
 * kernel that really differs from the tree the model follows, and the ones still open.
 */

/** A difference the suite found and the model now follows the kernel in (with its test). */
export interface Fixed {
  what: string
  /** Where the kernel does it. */
  kernel: string
  /** Found by these scenarios. */
  scenarios: string[]
}

export const FIXED: Fixed[] = [
  {
    what: 'MADV_PAGEOUT moved pgscan_anon and pgsteal_anon; only shrink_inactive_list() counts them',
    kernel: 'mm/vmscan.c reclaim_folio_list() calls shrink_folio_list() directly',
    scenarios: ['one-thp.ts', 'pageout-*'],
  },
  {
    what: 'a write to a swap entry shared after fork took two faults (swap-in, then COW)',
    kernel: 'mm/memory.c do_swap_page() calls do_wp_page() within the same fault',
    scenarios: ['selftests/fork_cow.ts', 'fork-swapped-cow.ts'],
  },
  {
    what: 'a large folio in the swap cache was queued for deferred split',
    kernel: 'mm/huge_memory.c deferred_split_folio() returns early for swap-cache folios',
    scenarios: ['selftests/fork_cow.ts'],
  },
  {
    what: 'a THP left with one mapping (the other side of a fork exited) was split on write',
    kernel: 'mm/huge_memory.c do_huge_pmd_wp_page() reuses it when folio_ref_count() is 1',
    scenarios: ['fork-parent-exits.ts'],
  },
  {
    what: 'mprotect back to the old protection left two VMAs',
    kernel: 'mm/vma.c vma_merge_existing_range() from mprotect_fixup() and madvise_update_vma()',
    scenarios: ['fallbacks/F4-pte-mapped.ts'],
  },
  {
    what: 'MADV_PAGEOUT of a THP a VMA boundary cuts swapped it out whole',
    kernel:
      'mm/madvise.c walks VMA by VMA; madvise_cold_or_pageout_pte_range() splits a large folio only partly in the walked range',
    scenarios: ['pageout-vma-boundary.ts'],
  },
  {
    what: 'splitting a PTE-mapped large folio did not count thp_deferred_split_page',
    kernel:
      'mm/huge_memory.c unmap_folio() -> try_to_migrate_one() removes the PTEs one by one; the folio is partially mapped after the first',
    scenarios: ['pageout-vma-boundary.ts'],
  },
  {
    what: 'MADV_FREE then MADV_PAGEOUT dropped a PMD-mapped THP whole; the kernel splits the PMD first',
    kernel:
      'measured on 6.18: thp_split_pmd +1 and pglazyfreed +512 per THP; the PTE table stays, so later faults are 4 KB ones',
    scenarios: ['free-then-pageout.ts'],
  },
  {
    what: 'a userfaultfd-wp write fault counted two pgfaults (the one that waited for the monitor, and its retry)',
    kernel:
      'mm/memory.c mm_account_fault() counts nothing for a fault that returned VM_FAULT_RETRY; the retry is counted',
    scenarios: ['uffd-wp-swapped.ts'],
  },
  {
    what: 'swap readahead started at 0 hits (67 major faults for 512 pages; the kernel takes 65)',
    kernel: 'mm/swap_state.c GET_SWAP_RA_VAL() reads an unset vma->swap_readahead_info as 4',
    scenarios: ['pageout-twice-block.ts', 'readahead-zram-shared-pc*.ts', 'fork-swapped-zram.ts'],
  },
  {
    what: 'swap slot 0 was handed out; SwapTotal was the whole device',
    kernel:
      'mm/swapfile.c setup_clusters() marks the header page a bad slot: the first slot is 1, the first free cluster 1, and si->pages leaves it out (1048572 kB for 1 GiB)',
    scenarios: ['readahead-hdd.ts'],
  },
  {
    what: 'UFFDIO_MOVE split a large swap-cache folio behind swap PTEs and moved them; errors threw even after some pages had moved, holes in the source were skipped',
    kernel:
      "mm/userfaultfd.c move_pages_ptes(): 'For large folios, return -EBUSY immediately, as split_folio() also returns -EBUSY when attempting to split unmapped large folios in the swapcache'; move_pages() returns the bytes moved, else the error (ENOENT for a hole without UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES)",
    scenarios: ['uffd-move-swapped-thp.ts'],
  },
  {
    what: "a userfaultfd MISSING fault was answered by letting the fault populate the page (a THP in a THP range), which no monitor can do; now the model's monitor copies a zero-filled page in, as the selftests' does, and the retry that finds it is one minor fault",
    kernel:
      'mm/userfaultfd.c mfill_atomic_pte_copy() (UFFDIO_COPY): one 4 KB page and its PTE table; mm/memory.c mm_account_fault() counts the retry',
    scenarios: ['uffd-missing.ts'],
  },
  {
    what: "MADV_FREE made a swap-cache folio lazyfree although its slot was still another mapping's; reclaim then dropped it and the other mapping read zeroes (the model aborted: data corruption)",
    kernel:
      'mm/madvise.c madvise_free_pte_range() skips a swap-cache folio whose folio_free_swap() fails; mm/swap.c folio_mark_lazyfree() leaves swap-cache folios alone',
    scenarios: ['free-shared-swapcache.ts'],
  },
  {
    what: "fork copied the userfaultfd registration and the uffd-wp bits: the child's writes went to a monitor (64 events where the kernel delivers none)",
    kernel:
      "kernel/fork.c dup_mmap() -> fs/userfaultfd.c dup_userfaultfd() resets the child's VMA without UFFD_FEATURE_EVENT_FORK; mm/memory.c copy_present_pte() and copy_nonpresent_pte() clear uffd-wp when the child's VMA has none",
    scenarios: ['uffd-wp-fork.ts'],
  },
  {
    what: 'a write to a PTE-mapped THP shared after fork copied the page even once the other mapper had gone (128 copies and a deferred split for 512 KB)',
    kernel:
      "mm/memory.c wp_can_reuse_anon_folio() -> __wp_can_reuse_large_anon_folio(): reused when every mapping and reference is this mm's",
    scenarios: ['reuse-pte-mapped-thp.ts'],
  },
  {
    what: 'a rotational swap device read ahead around the faulting address',
    kernel:
      'mm/swap_state.c swapin_readahead(): while nr_rotate_swap, swap_cluster_readahead() reads the aligned cluster of offsets around the fault, its window from the system-wide swapin_readahead_hits',
    scenarios: ['readahead-hdd.ts'],
  },
]

/**
 * A difference that was the replay's own doing: the kernel was not in the state the scenario
 * describes. Fixed in `hugeswap real`, each with what the kernel does that made it show.
 */
export interface HarnessFix {
  what: string
  kernel: string
  scenarios: string[]
}

export const HARNESS: HarnessFix[] = [
  {
    what: "every CPU's LRU batches were to be drained after each step by MADV_COLLAPSE of a short range, which never drained: MADV_COLLAPSE refuses a VMA without an anon_vma before it calls lru_add_drain_all(), and that VMA was never touched. A folio whose writeback ended on the other CPU kept a reference in that CPU's lru_move_tail batch, and the next MADV_PAGEOUT could not free the last 14-27 of 256. Now migrate_pages() from node 0 to node 0 drains them (lru_cache_disable()); nr_writeback is read after stat_refresh",
    kernel:
      'mm/swap.c folio_rotate_reclaimable() from folio_end_writeback(); mm/khugepaged.c madvise_collapse(); mm/mempolicy.c do_migrate_pages()',
    scenarios: ['pageout-twice-block.ts', 'readahead-block-pc*.ts', 'willneed-swapped-block.ts'],
  },
  {
    what: "an 'nvme' swap device was a loop device that took the host disk's rotational flag (a VM's virtio disk is rotational), so the kernel read ahead around swap offsets, from system-wide state, where the model reads around the faulting address. Every block device and the swap file's filesystem now get the flag the scenario's type says before swapon",
    kernel:
      'mm/swapfile.c swapon() sets SWP_SOLIDSTATE or counts nr_rotate_swap; mm/swap_state.c swap_use_vma_readahead()',
    scenarios: ['readahead-block-pc*.ts', 'willneed-swapped-block.ts', 'swapfile-thp.ts'],
  },
  {
    what: "swap-in from a rotational device started from the readahead state the previous run left (pending hits, the last window and offset). The trace program now primes it to the model's start on a device of its own before the scenario's devices are on",
    kernel: 'mm/swap_state.c swapin_nr_pages(): static prev_offset and last_readahead_pages',
    scenarios: ['readahead-hdd.ts'],
  },
]

/** A kernel that really differs from the tree the model follows, and how the model follows it. */
export interface Explained {
  what: string
  why: string
  /** The model setting `hugeswap real` uses for such a kernel. */
  model: string
}

export const EXPLAINED: Explained[] = [
  {
    what: 'zram swap-in of a shared slot goes through swap readahead; zram swap-in keeps the swap cache; swapoff reads ahead',
    why: "6.18 predates Kairui Song's swap table phase II (lore 20251029-swap-table-p2-v1), which the 2026 linux-mm tree the series applies to has: 'mm, swap: never bypass the swap cache even for SWP_SYNCHRONOUS_IO' and 'mm, swap: always try to free swap cache for SWP_SYNCHRONOUS_IO devices'",
    model: "machine.kernel_base = 'v6.18' on kernels up to 6.18",
  },
  {
    what: 'a read fault on fresh memory maps a page (or a THP) of its own, never the zero page or the huge zero page',
    why: 'our hosts are PVM guests booted with pvm_no_zero_page=1 (mm_forbids_zeropage())',
    model: 'machine.mm_forbids_zeropage = true when a probe finds it',
  },
  {
    what: 'no mTHP swap-in once zswap has been enabled since boot',
    why: 'zswap_never_enabled() stays false for the rest of the boot (any run with zswap on, zswpout > 0)',
    model: 'the model starts with zswap ever enabled (AuditableSimulator.markZswapEverEnabled())',
  },
]

/** What the pressure suite still lacks, whichever scenario meets it. */
const PRESSURE_GAPS =
  'the model has no page cache (a kernel reclaims its file pages too, and the VM has some) and no compaction (a THP fault needs a wholly free pageblock)'

/**
 * Scenarios whose differences are still open, with what is known. The suite's test tolerates
 * these (and only these) differing; each must end up fixed or explained.
 */
export const OPEN: Record<string, string> = {
  'fork-storm.ts': `memory pressure 256 kB above the min watermark, a knife edge: what the kernel itself allocates around each fork (the task's kernel stack, slab, the C runtime's page tables and file pages) decides when reclaim starts and what it takes, and the model allocates only page tables; ${PRESSURE_GAPS}`,
  'memory-hog.ts': `agrees within the tolerance in some runs and not in others: the kernel's own result moves between runs of the same scenario (the heap's resident THPs after the hog: 9, 11 and 12 of 32 in three runs on 6.1; the model keeps 8), about the tolerance itself; ${PRESSURE_GAPS}`,
  'reclaim-cgroup.ts': `agrees within the tolerance in some runs and not in others: the kernel overshoots memory.reclaim(64M) by whole THPs, by a different number each run (35, 35 and 38 of 48 THPs reclaimed in three runs on 6.1, 70 to 76 MB); the model stops at 64 MB exactly`,
  'thp-overcommit-nvme.ts': `everything agrees within the tolerance except the resident set's growth while the heap is read back (184 kB in the model, 4040 kB on 6.1 in the last run): the kernel had one THP fault fall back to 4 KB pages while writing (thp_fault_fallback 1; a compaction that failed), the model none, and what else keeps those pages resident was not traced further; \${PRESSURE_GAPS}`,
  'thp-overcommit-zram.ts': `in some runs on 6.1 in QEMU the writer is OOM-killed (or thrashes with zram write errors) while writing 320 MB of THPs into 256 MB with zram swap, which the model, whose zram pool takes 2186 bytes of RAM per stored page (measured), never does; in the others everything agrees within the tolerance but the resident set's growth while reading back (3096 kB in the model, 7088 kB in the last run). What the kernel's zsmalloc allocations (GFP_NOIO, from reclaim) meet under TCG is not modelled; \${PRESSURE_GAPS}`,
}
