/**
 * fork(2)'s memory side (kernel/fork.c dup_mmap(), mm/memory.c copy_page_range()): the child
 * gets the same VMAs at the same addresses, sharing each anon_vma, and a copy of every page
 * table: huge and swap PMDs through copy_huge_pmd(), PTE tables through copy_pte_range().
 */
import { SimUsageError } from '../api'
import type { Kernel } from '../kernel'
import { PMD_TABLE } from '../include/pgtable'
import { HPAGE_PMD_NR, PMD_SIZE } from '../include/units'
import { copy_huge_pmd } from './huge_memory'
import { copy_pte_range } from './memory'
import { exit_mmap } from './mmap'
import { VM_UFFD_ANY, type Mm, type Vma } from './mm_types'

/** @kernel mm/mmap.c dup_mmap(): copy every VMA, then every page-table entry, to the child. */
export function dup_mmap(k: Kernel, parent: Mm, child: Mm): void {
  for (const vma of parent.vmas) {
    // dup_userfaultfd() without UFFD_FEATURE_EVENT_FORK: the child's VMA is not registered.
    const copy: Vma = {
      ...vma,
      mm: child,
      flags: vma.flags & ~VM_UFFD_ANY,
      expected: vma.expected.slice(),
    }
    vma.anonVma.vmas.add(copy)
    child.vmas.push(copy)
  }
  child.mmapCursor = parent.mmapCursor
  let visited = 0
  const indices = [...parent.pmds.keys()].sort((a, b) => a - b)
  for (const pmdIdx of indices) {
    const p = parent.pmds.get(pmdIdx)!
    let ok =
      k.pmds.kind[p] === PMD_TABLE
        ? copy_pte_range(k, child, parent, pmdIdx)
        : copy_huge_pmd(k, child, parent, pmdIdx)
    if (ok === 'again') ok = copy_pte_range(k, child, parent, pmdIdx)
    visited += k.pmds.kind[p] === PMD_TABLE ? HPAGE_PMD_NR : 1
    if (!ok) {
      k.count('F13-fork-enomem')
      exit_mmap(k, child)
      throw new SimUsageError(
        `fork: -ENOMEM copying page tables at 0x${(pmdIdx * PMD_SIZE).toString(16)}`,
      )
    }
  }
  k.walk('fork', visited)
}
