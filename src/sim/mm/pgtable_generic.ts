/**
 * PTE-table pages: allocation, freeing, and the deposit under a huge PMD
 * (mm/pgtable-generic.c pgtable_trans_huge_deposit()/withdraw(), arch pte_alloc_one()).
 *
 * Accounting follows the kernel: a table counts in the mm's nr_ptes (VmPTE) and in PageTables
 * from allocation to free, deposited or not (mm_inc_nr_ptes() at deposit time in
 * __do_huge_pmd_anonymous_page()).
 */
import type { Kernel } from '../kernel'
import type { Mm } from './mm_types'
import { alloc_pages } from './page_alloc'

/**
 * @kernel include/asm-generic/pgalloc.h pte_alloc_one()
 * Allocates a zeroed 4 KB table page. Returns the table id, or -1 when no page could be had
 * even after direct reclaim (the caller decides: VM_FAULT_OOM, or a failed split).
 * `forDeposit`: the table goes under a huge PMD at once; with fast paths it is bare (no entries
 * stored, BARE_TABLE in mm_types.ts) until pgtable_trans_huge_withdraw() hands it out to fill.
 */
export function pte_alloc_one(k: Kernel, mm: Mm, forDeposit = false): number {
  // In reclaim context (PF_MEMALLOC) there is no recursive reclaim: the allocation either finds a
  // free page or fails, which is Hugh Dickins' objection to lazy deposit
  // (docs/kernel-facts.md#review-discussion).
  if (k.inject('pte_alloc')) return -1
  const pfn = alloc_pages(k, 0, !k.inReclaim, true)
  if (pfn < 0) return -1
  k.cost('pgtable', k.cpu.pteTableAllocNs)
  const t = forDeposit && k.fastPaths ? k.ptes.allocBare(pfn) : k.ptes.alloc(pfn)
  mm.nrPtes++
  k.ledger.allocated++
  k.noteTableBytes()
  return t
}

/** @kernel include/asm-generic/pgalloc.h pte_free() (and mm_dec_nr_ptes()) */
export function pte_free(k: Kernel, mm: Mm, t: number): void {
  const pfn = k.ptes.release(t)
  k.mem.free(pfn, 0)
  mm.nrPtes--
  k.ledger.freed++
}

/** @kernel mm/pgtable-generic.c pgtable_trans_huge_deposit() */
export function pgtable_trans_huge_deposit(k: Kernel, pmd: number, t: number): void {
  k.pmds.deposit[pmd] = t
  k.ledger.deposited++
}

/**
 * @kernel mm/pgtable-generic.c pgtable_trans_huge_withdraw()
 * Returns the table with its entries stored, for the caller to fill (a bare one is dressed);
 * `toFree`: the caller frees it at once, bare or not.
 */
export function pgtable_trans_huge_withdraw(k: Kernel, pmd: number, toFree = false): number {
  const t = k.pmds.deposit[pmd]
  if (t < 0) throw new Error('pgtable_trans_huge_withdraw: nothing deposited')
  k.pmds.deposit[pmd] = -1
  k.ledger.withdrawn++
  return toFree ? t : k.ptes.dress(t)
}

/** @kernel mm/huge_memory.c zap_deposited_table() */
export function zap_deposited_table(k: Kernel, mm: Mm, pmd: number): void {
  if (k.pmds.deposit[pmd] < 0) return
  pte_free(k, mm, pgtable_trans_huge_withdraw(k, pmd, true))
}
