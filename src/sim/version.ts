/**
 * The model/series revision every result names (`tool.model`). Bump it whenever a change to
 * src/sim can change any number in a result. The pinned revisions are listed in ARCHITECTURE.md.
 *
 * - PMD swap series: "mm: PMD-level swap entries for anonymous THPs" v7 (2026-09-14), with the
 *   latest 17-test pmd_swap.c selftest.
 * - Lazy page-table deposit: RFC v3 (2026-03-26).
 * - Baseline: the linux-mm tree as read for the domain notes (2026), held against a 6.18 kernel
 *   by hugeswap real (model 2: the differences docs/conformance.md lists, fixed; model 3: munmap
 *   and MADV_DONTNEED charge tlb_finish_mmu()'s flush, found by hugeswap calibrate; model 4: a
 *   userfaultfd fault that waits for the monitor counts no pgfault, found by hugeswap real; model 5:
 *   slot 0 is the swap header, and a rotational swap device turns VMA readahead off for
 *   swap_cluster_readahead(), found by hugeswap real once its loop devices had the scenario's
 *   rotational flag; UFFDIO_MOVE returns uffdio_move.move as the kernel does, EBUSY for a swap
 *   entry whose swap-cache folio is large, found by replaying it; a userfaultfd MISSING fault is
 *   answered with UFFDIO_COPY of a zero-filled page, as a real monitor would, not by letting the
 *   fault populate the range; model 6: issue 12's state fixes: the rmap walk finds a VMA that
 *   starts inside a folio, MADV_FREE skips swap-cache folios it cannot free, a large folio read
 *   ahead but not mappable whole leaves the swap cache, swapoff waits for writeback, fork copies
 *   a pinned page, does not copy the userfaultfd registration, a write reuses a PTE-mapped
 *   large folio all of whose mappings are this mm's, a write to the huge zero page maps a new
 *   THP, the huge zero folio takes 2 MB while an mm holds it, and swapoff maps pages old; model 7:
 *   issue 12's pressure: the two-list LRU with folio_check_references() and
 *   shrink_active_list(), the priority loop, kswapd between the low and high watermarks,
 *   should_reclaim_retry() before the OOM killer, fork maps the child old, smaps Referenced
 *   counts PG_referenced, MADV_COLD deactivates, and a swap read whose allocation reclaimed
 *   re-checks its entry (swapcache_prepare())).
 */
export const MODEL_ID = 'hugeswap-model-7/pmd-swap-v7/lazy-deposit-v3'
