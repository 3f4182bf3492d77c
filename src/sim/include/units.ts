/** Units and the x86-64 geometry the model uses (arch/x86/include/asm/pgtable_types.h). */
import { SimUsageError, type SizeInput } from '../api'

export const PAGE_SHIFT = 12
export const PAGE_SIZE = 1 << PAGE_SHIFT
/** @kernel include/linux/huge_mm.h HPAGE_PMD_ORDER */
export const HPAGE_PMD_ORDER = 9
/** @kernel include/linux/huge_mm.h HPAGE_PMD_NR */
export const HPAGE_PMD_NR = 1 << HPAGE_PMD_ORDER
export const PMD_SHIFT = PAGE_SHIFT + HPAGE_PMD_ORDER
export const PMD_SIZE = 2 * 1024 * 1024
/** @kernel mm/swap.h SWAPFILE_CLUSTER (with CONFIG_THP_SWAP: HPAGE_PMD_NR) */
export const SWAPFILE_CLUSTER = HPAGE_PMD_NR
/** @kernel include/linux/swap.h MAX_SWAPFILES_SHIFT: pagemap puts the swap type in bits 0-4. */
export const MAX_SWAPFILES_SHIFT = 5

const SUFFIX: Record<string, number> = {
  '': 1,
  B: 1,
  K: 1024,
  M: 1024 ** 2,
  G: 1024 ** 3,
  T: 1024 ** 4,
}

/** Parses `4096`, `'4K'`, `'2M'`, `'8G'`, `'1T'` (binary suffixes, optional `iB`/`B`). */
export function parseSize(input: SizeInput, what: string): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0 || !Number.isInteger(input)) {
      throw new SimUsageError(`${what}: expected a whole number of bytes, got ${input}`)
    }
    return input
  }
  if (typeof input !== 'string') {
    throw new SimUsageError(`${what}: expected a size such as 4096, '4K', '2M' or '8G'`)
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$/i.exec(input)
  if (!m) throw new SimUsageError(`${what}: '${input}' is not a size (use e.g. '4K', '2M', '8G')`)
  const bytes = Number(m[1]) * SUFFIX[m[2].toUpperCase()]
  if (!Number.isInteger(bytes)) {
    throw new SimUsageError(`${what}: '${input}' is not a whole number of bytes`)
  }
  return bytes
}

/** `2097152` -> `'2M'`: the shortest exact binary-suffixed spelling. */
export function formatSize(bytes: number): string {
  for (const s of ['T', 'G', 'M', 'K'] as const) {
    if (bytes >= SUFFIX[s] && bytes % SUFFIX[s] === 0) return `${bytes / SUFFIX[s]}${s}`
  }
  return `${bytes}`
}
