/**
 * Page-table entry encodings. The model keeps one PMD slot per 2 MB range per mm and a pooled
 * 512-entry PTE table only where a PMD really points to one (arch/x86/include/asm/pgtable_types.h,
 * include/linux/leafops.h for the swap "softleaf" entries).
 */

/** What a PMD holds. */
export const PMD_NONE = 0
/** Points to a PTE table (`pmd_present() && !pmd_trans_huge()`). */
export const PMD_TABLE = 1
/** Maps a PMD-order anonymous folio (`pmd_trans_huge()`). */
export const PMD_HUGE = 2
/** Maps the huge zero folio read-only (`is_huge_zero_pmd()`). */
export const PMD_HUGE_ZERO = 3
/** A PMD-level swap entry (series only): type + first of 512 consecutive slots. */
export const PMD_SWAP = 4

/** What a PTE holds. */
export const PTE_NONE = 0
/** Maps one 4 KB page of a folio. */
export const PTE_PRESENT = 1
/** A swap entry: type + offset. */
export const PTE_SWAP = 2
/** Maps the shared zero page read-only (read fault on untouched memory). */
export const PTE_ZERO = 3

/** Bits carried by present and swap entries, PMD and PTE alike. */
export const E_WRITE = 1 << 0
export const E_DIRTY = 1 << 1
export const E_YOUNG = 1 << 2
/** `_PAGE_SOFT_DIRTY` / `_PAGE_SWP_SOFT_DIRTY` */
export const E_SOFT_DIRTY = 1 << 3
/** `_PAGE_UFFD_WP` / `_PAGE_SWP_UFFD_WP` */
export const E_UFFD_WP = 1 << 4
/** Swap entries: `pte_swp_exclusive()` / `pmd_swp_exclusive()` (the page was anon-exclusive). */
export const E_SWP_EXCLUSIVE = 1 << 5

/** Bits a split copies to all 512 PTEs (mm/huge_memory.c __split_huge_pmd_locked()). */
export const E_SPLIT_INHERIT = E_SOFT_DIRTY | E_UFFD_WP | E_SWP_EXCLUSIVE

/**
 * @kernel include/linux/pgtable.h pte_index(): the PTE's slot in its table (address bits 12-20).
 * Addresses are whole pages, so the division is exact and the bit mask keeps the low 9 bits of
 * any address below 2^53 (no floating-point remainder on the access path).
 */
export function pte_index(addr: number): number {
  return (addr / 4096) & 511
}
