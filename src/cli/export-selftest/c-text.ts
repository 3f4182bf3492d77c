/**
 * How values are spelled in the generated C file and README: C literals, comments, madvise and
 * mprotect names, sizes. (hugeswap real's C program, real/trace-c.ts, uses MADVICE and PROT too.)
 */

/** The C name of each scenario madvise advice, and of each mprotect protection. */
export const MADVICE: Record<string, string> = {
  pageout: 'MADV_PAGEOUT',
  cold: 'MADV_COLD',
  willneed: 'MADV_WILLNEED',
  dontneed: 'MADV_DONTNEED',
  free: 'MADV_FREE',
  hugepage: 'MADV_HUGEPAGE',
  nohugepage: 'MADV_NOHUGEPAGE',
  collapse: 'MADV_COLLAPSE',
}
export const PROT: Record<string, string> = {
  none: 'PROT_NONE',
  r: 'PROT_READ',
  rw: 'PROT_READ | PROT_WRITE',
}

/** A C string literal: printable ASCII, everything else escaped. */
export function cString(text: string): string {
  let out = '"'
  for (const byte of Buffer.from(text, 'utf8')) {
    if (byte === 0x22 || byte === 0x5c) out += '\\' + String.fromCharCode(byte)
    else if (byte >= 0x20 && byte < 0x7f && byte !== 0x3f) out += String.fromCharCode(byte)
    else out += '\\' + byte.toString(8).padStart(3, '0')
  }
  return out + '"'
}

/** Text safe inside a C block comment. */
export function comment(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').replace(/\*\//g, '* /')
}

/** `0x200000`. */
export function hex(n: number): string {
  return `0x${n.toString(16)}`
}

/** A size as a scenario writes it: `2M`, `1G`; one that is no whole unit stays in bytes. */
export function formatBytes(n: number): string {
  for (const [unit, size] of [
    ['T', 2 ** 40],
    ['G', 2 ** 30],
    ['M', 2 ** 20],
    ['K', 2 ** 10],
  ] as const) {
    if (n >= size && n % size === 0) return `${n / size}${unit}`
  }
  return String(n)
}
