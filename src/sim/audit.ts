/**
 * A full consistency check of one machine's state, recomputed the slow way from the page tables:
 * used by the property tests after every step. Throws SimInvariantError on the first mismatch.
 *
 * - every slot's swap count equals the swap entries (PTE and PMD) that refer to it;
 * - a slot is cached by a folio iff that folio is in the swap cache at that offset;
 * - folio mapcounts equal the page-table entries that map them;
 * - per-mm anon/swap/table counters equal what the tables hold;
 * - the PTE-table pool holds exactly the tables that are mapped or deposited.
 */
import { SimInvariantError } from './api'
import type { Kernel } from './kernel'
import { PMD_HUGE, PMD_SWAP, PMD_TABLE, PTE_PRESENT, PTE_SWAP } from './include/pgtable'
import { HPAGE_PMD_NR } from './include/units'
import { PG_SWAPCACHE, PG_WRITEBACK } from './mm/mm_types'
import { SWAP_HEADER_SLOT } from './mm/swapfile'

export function auditKernel(k: Kernel): void {
  const fail = (msg: string): never => {
    throw new SimInvariantError(`audit: ${msg}`)
  }
  const refs = k.swap.map((si) => {
    const r = new Int32Array(si.nrSlots)
    r[SWAP_HEADER_SLOT] = 1
    for (const off of si.bootHeld) r[off]++
    return r
  })
  const pteMaps = new Map<number, number>()
  const pmdMaps = new Map<number, number>()
  let tables = 0
  const pm = k.pmds
  const pt = k.ptes
  for (const mm of k.mms.values()) {
    if (mm.exited) {
      if (mm.pmds.size || mm.upper.size) fail(`exited pid ${mm.pid} still has page tables`)
      continue
    }
    // The PMD and PUD tables held are the ones the populated PMDs sit in, counted right.
    const upper = new Map<number, number>()
    for (const idx of mm.pmds.keys()) {
      for (const key of [Math.floor(idx / 512), -Math.floor(idx / (512 * 512)) - 1]) {
        upper.set(key, (upper.get(key) ?? 0) + 1)
      }
    }
    if (upper.size !== mm.upper.size)
      fail(`pid ${mm.pid}: ${mm.upper.size} upper tables, needs ${upper.size}`)
    for (const [key, n] of upper) {
      if (mm.upper.get(key)?.[0] !== n) fail(`pid ${mm.pid}: upper table ${key} counts wrong`)
    }
    let anon = 0
    let swapEnts = 0
    let nrPtes = 0
    for (const [idx, p] of mm.pmds) {
      const kind = pm.kind[p]
      if (pm.deposit[p] >= 0) {
        tables++
        nrPtes++
      }
      if (kind === PMD_HUGE) {
        anon += HPAGE_PMD_NR
        pmdMaps.set(pm.val[p], (pmdMaps.get(pm.val[p]) ?? 0) + 1)
      } else if (kind === PMD_SWAP) {
        swapEnts += HPAGE_PMD_NR
        for (let i = 0; i < HPAGE_PMD_NR; i++) refs[pm.swapType[p]][pm.val[p] + i]++
      } else if (kind === PMD_TABLE) {
        tables++
        nrPtes++
        const base = pm.val[p] * HPAGE_PMD_NR
        for (let e = base; e < base + HPAGE_PMD_NR; e++) {
          if (pt.kind[e] === PTE_PRESENT) {
            anon++
            pteMaps.set(pt.val[e], (pteMaps.get(pt.val[e]) ?? 0) + 1)
          } else if (pt.kind[e] === PTE_SWAP) {
            swapEnts++
            refs[pt.swapType[e]][pt.val[e]]++
          }
        }
      }
      if (
        !mm.vmas.some((v) => v.start < (idx + 1) * 2097152 && v.end > idx * 2097152) &&
        kind !== PMD_TABLE
      ) {
        fail(`pid ${mm.pid}: PMD ${idx} populated outside any VMA`)
      }
    }
    if (anon !== mm.anonRss) fail(`pid ${mm.pid}: MM_ANONPAGES ${mm.anonRss}, tables map ${anon}`)
    if (swapEnts !== mm.swapEnts)
      fail(`pid ${mm.pid}: MM_SWAPENTS ${mm.swapEnts}, tables hold ${swapEnts}`)
    if (nrPtes !== mm.nrPtes) fail(`pid ${mm.pid}: nr_ptes ${mm.nrPtes}, tables ${nrPtes}`)
  }
  if (tables !== pt.nrLive) fail(`${pt.nrLive} PTE tables allocated, ${tables} in use`)
  const fo = k.folios
  for (const si of k.swap) {
    const r = refs[si.type]
    let inuse = 0
    for (let off = 0; off < si.nrSlots; off++) {
      if (si.swapCount(off) !== r[off]) {
        fail(`swap ${si.type}:${off} count ${si.swapCount(off)}, ${r[off]} entries refer to it`)
      }
      const f = si.cacheOf(off)
      if (f >= 0) {
        if (fo.pfn[f] < 0 || !(fo.flags[f] & PG_SWAPCACHE))
          fail(`swap ${si.type}:${off} cached by a dead folio ${f}`)
        const first = fo.swapOffset[f]
        if (fo.swapType[f] !== si.type || off < first || off >= first + fo.nrPages(f)) {
          fail(`swap ${si.type}:${off} cached by folio ${f} at ${fo.swapType[f]}:${first}`)
        }
      }
      if (si.slotInUse(off) && off !== SWAP_HEADER_SLOT) inuse++
    }
    if (inuse !== si.inuseSlots)
      fail(`swap ${si.type}: ${si.inuseSlots} slots counted in use, ${inuse} are`)
  }
  // Every live folio: its mapcounts are the mappings found (none left over by a mapping that
  // went away), and one under writeback is in the swap cache (swapoff waits for it).
  for (let f = 0; f < fo.highWater; f++) {
    if (fo.pfn[f] < 0) continue
    const ptes = pteMaps.get(f) ?? 0
    const pmds = pmdMaps.get(f) ?? 0
    if (fo.pteMapcount[f] !== ptes)
      fail(`folio ${f}: pte mapcount ${fo.pteMapcount[f]}, ${ptes} PTEs`)
    if (fo.pmdMapcount[f] !== pmds)
      fail(`folio ${f}: pmd mapcount ${fo.pmdMapcount[f]}, ${pmds} PMDs`)
    if (fo.flags[f] & PG_WRITEBACK && !(fo.flags[f] & PG_SWAPCACHE)) {
      fail(`folio ${f}: under writeback but not in the swap cache`)
    }
  }
  // The LRU lists: every folio on them is live, on its memcg's lruvec, and the sizes add up.
  let lruFolios = 0
  for (const cg of k.memcgs) {
    const v = cg.lruvec
    for (const lru of [0, 1]) {
      let pages = 0
      for (let f = v.heads[lru]; f >= 0; f = fo.lruNext[f]) {
        if (fo.pfn[f] < 0) fail(`memcg ${cg.name}: freed folio ${f} on the LRU`)
        if (k.mem.memcgOf(fo.pfn[f]) !== cg.id) fail(`folio ${f} on another memcg's LRU`)
        if (fo.lruList[f] !== lru) fail(`folio ${f} on LRU list ${lru}, says ${fo.lruList[f]}`)
        pages += fo.nrPages(f)
        lruFolios++
      }
      if (pages !== v.pages[lru])
        fail(`memcg ${cg.name}: LRU ${lru} counts ${v.pages[lru]}, holds ${pages}`)
    }
  }
  if (lruFolios !== k.nrLru) fail(`nrLru ${k.nrLru}, ${lruFolios} folios on the lists`)
  // Every page in use is charged to exactly one memcg (memory.current adds up).
  let charged = 0
  for (const cg of k.memcgs) {
    const n = k.mem.memcgPages[cg.id]
    if (n < 0) fail(`memcg ${cg.name}: memory.current ${n} pages`)
    charged += n
  }
  if (k.memcgs.length > 1 && charged !== k.mem.totalPages - k.mem.nrFree) {
    fail(`memcgs hold ${charged} pages, ${k.mem.totalPages - k.mem.nrFree} are in use`)
  }
  for (const [name, n] of [
    ['NR_ANON_MAPPED', k.nrAnonMapped],
    ['NR_ANON_THPS', k.nrAnonThps],
    ['NR_SWAPCACHE', k.nrSwapCache],
    ['NR_WRITEBACK', k.nrWriteback],
  ] as const) {
    if (n < 0) fail(`${name} is ${n}`)
  }
}
