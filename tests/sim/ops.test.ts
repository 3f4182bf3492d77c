/**
 * Targeted feature tests of operations on swapped-out THPs, in all four variants; the content
 * check inside the model makes every read a data-integrity assertion, and audit() checks the
 * whole state after each step.
 */
import { describe, expect, it } from 'vitest'
import { createSimulator, normalizeMachine } from '../../src/sim'
import { VARIANT_FEATURES, VARIANT_NAMES, type VariantName } from '../../src/shared/result'

const M2 = 2 * 1024 * 1024
const K4 = 4096

function swappedThp(variant: VariantName, swap: 'nvme' | 'zram' = 'nvme') {
  const sim = createSimulator({
    variant,
    seed: 3,
    machine: normalizeMachine({ memory: '256M', swap: [{ type: swap, size: '256M' }] }),
  })
  const pid = sim.spawn('t')
  const addr = sim.mmap(pid, M2, 'hugepage')
  sim.touch(pid, addr, M2, { write: true })
  sim.madvise(pid, addr, M2, 'pageout')
  sim.audit()
  return { sim, pid, addr }
}

describe.each(VARIANT_NAMES)('%s', (variant) => {
  const { pmdSwap, lazyDeposit } = VARIANT_FEATURES[variant]

  it.each([0, 3])('mremap of a swapped THP (shift %i pages) keeps the data', (shift) => {
    const { sim, pid, addr } = swappedThp(variant)
    sim.reclaim(M2)
    const dst = addr + 64 * M2 + shift * K4
    expect(sim.mremap(pid, addr, M2, dst)).toBe(dst)
    sim.audit()
    expect(sim.smaps(pid, dst, M2).Swap).toBe(2048)
    expect(sim.pagemap(pid, dst, M2).every((e) => e.swapped)).toBe(true)
    sim.touch(pid, dst, M2, { write: false })
    sim.audit()
    expect(sim.smaps(pid, dst, M2).AnonHugePages).toBe(pmdSwap && shift === 0 ? 2048 : 0)
  })

  it('MADV_FREE over a swapped THP drops the swap entries; reads give zeroes', () => {
    const { sim, pid, addr } = swappedThp(variant)
    sim.madvise(pid, addr, M2, 'free')
    sim.audit()
    expect(sim.status(pid).VmSwap).toBe(0)
    expect(sim.pagemap(pid, addr, M2).some((e) => e.swapped)).toBe(false)
    sim.touch(pid, addr, M2, { write: false })
  })

  it('MADV_FREE on a present THP: discarded by reclaim unless written again', () => {
    const sim = createSimulator({ variant, seed: 3, machine: normalizeMachine({ memory: '256M' }) })
    const pid = sim.spawn('t')
    const a = sim.mmap(pid, 2 * M2, 'hugepage')
    sim.touch(pid, a, 2 * M2, { write: true })
    sim.madvise(pid, a, 2 * M2, 'free')
    sim.touch(pid, a + M2, K4, { write: true }) // re-dirties the second THP
    expect(sim.reclaim(4 * M2)).toBeGreaterThanOrEqual(M2)
    sim.audit()
    sim.touch(pid, a, 2 * M2, { write: false }) // first THP reads zeroes, second its data
    expect(sim.finish().vmstat.pswpout).toBe(512) // only the re-dirtied THP went to swap
  })

  it('MADV_WILLNEED reads ahead without mapping; the fault then hits the swap cache', () => {
    const { sim, pid, addr } = swappedThp(variant)
    sim.reclaim(M2)
    sim.madvise(pid, addr, M2, 'willneed')
    sim.audit()
    expect(sim.pagemap(pid, addr, M2).every((e) => e.swapped)).toBe(true)
    expect(sim.mincore(pid, addr, M2).every(Boolean)).toBe(true)
    const before = sim.vmstat().pgmajfault
    sim.touch(pid, addr, M2, { write: false })
    expect(sim.vmstat().pgmajfault).toBe(before)
    expect(sim.smaps(pid, addr, M2).AnonHugePages).toBe(pmdSwap ? 2048 : 0)
  })

  it('a split of the swap-cache folio behind the entries forces the PTE path (F7/F14)', () => {
    const { sim, pid, addr } = swappedThp(variant)
    expect(sim.splitFolio(pid, addr)).toBe(true)
    sim.audit()
    sim.touch(pid, addr, M2, { write: false })
    sim.audit()
    expect(sim.smaps(pid, addr, M2).AnonHugePages).toBe(0)
    if (pmdSwap) expect(sim.finish().fallbacks['F7-swapcache-not-pmd']).toBe(1)
  })

  it('zswap enabled mid-run: later swap-outs split (F1) and store per page', () => {
    const sim = createSimulator({ variant, seed: 3, machine: normalizeMachine({ memory: '256M' }) })
    const pid = sim.spawn('t')
    const a = sim.mmap(pid, M2, 'hugepage')
    sim.touch(pid, a, M2, { write: true })
    sim.zswap(true)
    sim.zswap(false) // zswap_never_enabled() stays false
    sim.madvise(pid, a, M2, 'pageout')
    const r = sim.finish()
    expect(r.vmstat.thp_split_pmd).toBe(1)
    expect(r.vmstat.thp_swpout_pmd ?? 0).toBe(0)
    if (pmdSwap) expect(r.fallbacks['F1-zswap-enabled']).toBe(1)
  })

  it('clear_refs 4 clears soft-dirty, and the next write sets it again', () => {
    const sim = createSimulator({ variant, seed: 3, machine: normalizeMachine({ memory: '256M' }) })
    const pid = sim.spawn('t')
    const a = sim.mmap(pid, M2, 'hugepage')
    sim.touch(pid, a, M2, { write: true })
    sim.clearRefs(pid, 4)
    expect(sim.pagemap(pid, a, M2).some((e) => e.softDirty)).toBe(false)
    sim.touch(pid, a, K4, { write: true })
    expect(sim.pagemap(pid, a, K4)[0].softDirty).toBe(true)
  })

  it('RWP protection survives swap-out; the first read raises one RWP event', () => {
    const { sim, pid, addr } = swappedThp(variant)
    sim.uffdRegister(pid, addr, M2, ['rwp'])
    sim.uffdProtect(pid, addr, M2, 'rwp', true)
    expect(sim.pagemap(pid, addr, K4)[0].uffdWp).toBe(true)
    sim.touch(pid, addr, K4, { write: false })
    const events = sim.uffdEvents(pid)
    expect(events.length).toBe(1)
    expect(events[0]).toMatchObject({ addr, rwp: true, write: false })
    sim.uffdProtect(pid, addr, M2, 'rwp', false)
    sim.touch(pid, addr, M2, { write: false })
    sim.audit()
  })

  it.each([0, 5])('UFFDIO_MOVE of a swapped THP (dst shifted %i pages)', (shift) => {
    const { sim, pid, addr } = swappedThp(variant)
    sim.reclaim(M2)
    const dstMap = sim.mmap(pid, 2 * M2, 'hugepage')
    const dst = dstMap + shift * K4
    sim.uffdRegister(pid, dstMap, 2 * M2, ['missing'])
    expect(sim.uffdMove(pid, dst, addr, M2)).toBe(M2)
    sim.audit()
    expect(sim.pagemap(pid, dst, M2).every((e) => e.swapped)).toBe(true)
    sim.touch(pid, dst, M2, { write: false })
    sim.audit()
    expect(sim.smaps(pid, dst, M2).AnonHugePages).toBe(pmdSwap && shift === 0 ? 2048 : 0)
    sim.touch(pid, addr, M2, { write: false }) // the source reads zeroes now
    expect(sim.uffdEvents(pid).length).toBe(0)
  })

  it('swapoff brings a swapped THP back (as a PMD with the series), uffd bit intact', () => {
    const { sim, pid, addr } = swappedThp(variant)
    sim.reclaim(M2)
    sim.uffdRegister(pid, addr, M2, ['rwp'])
    sim.uffdProtect(pid, addr, M2, 'rwp', true)
    sim.swapoff(0)
    sim.audit()
    const m = sim.meminfo()
    expect(m.SwapTotal).toBe(0)
    expect(sim.smaps(pid, addr, M2)).toMatchObject({ Swap: 0, AnonHugePages: pmdSwap ? 2048 : 0 })
    sim.touch(pid, addr, M2, { write: false })
    expect(sim.uffdEvents(pid).length).toBeGreaterThan(0)
    sim.swapon(0)
    expect(sim.meminfo().SwapFree).toBe(sim.meminfo().SwapTotal)
    sim.touch(pid, addr, M2, { write: true })
    sim.audit()
  })

  it.each([false, true])(
    'fork after swap-out, parent writes first: the child keeps the old data (huge %s)',
    (huge) => {
      const sim = createSimulator({
        variant,
        seed: 3,
        machine: normalizeMachine({ memory: '256M' }),
      })
      const pid = sim.spawn('t')
      const a = sim.mmap(pid, M2, huge ? 'hugepage' : 'nohugepage')
      sim.touch(pid, a, M2, { write: true })
      sim.madvise(pid, a, M2, 'pageout')
      const child = sim.fork(pid)
      sim.touch(pid, a, M2, { write: true })
      sim.audit()
      sim.touch(child, a, M2, { write: false })
      sim.touch(child, a, M2, { write: true })
      sim.touch(pid, a, M2, { write: false })
      sim.audit()
    },
  )

  it('khugepaged: a swapped-out THP is not collapsible until <= max_ptes_swap swap PTEs remain', () => {
    const { sim, pid, addr } = swappedThp(variant)
    sim.reclaim(M2)
    sim.khugepaged(1)
    const r1 = sim.finish().khugepaged!
    // Baseline: 512 swap PTEs exceed max_ptes_swap (64). Series: a swap PMD, nothing to scan.
    expect(r1.results).toEqual(pmdSwap ? { SCAN_PMD_NULL: 1 } : { SCAN_EXCEED_SWAP_PTE: 1 })
    sim.touch(pid, addr, 447 * K4, { write: false })
    if (!pmdSwap) {
      sim.khugepaged(1)
      expect(sim.vmstat().thp_scan_exceed_swap_pte).toBe(2) // 65 swap PTEs left
      sim.touch(pid, addr + 447 * K4, K4, { write: false }) // 64 left
      sim.khugepaged(1)
      expect(sim.vmstat().thp_collapse_alloc).toBe(1)
    }
    sim.audit()
    expect(sim.smaps(pid, addr, M2)).toMatchObject({ AnonHugePages: 2048, Swap: 0 })
    sim.touch(pid, addr, M2, { write: false })
    sim.audit()
  })

  it('khugepaged runs in the background while the scenario sleeps', () => {
    const sim = createSimulator({ variant, seed: 3, machine: normalizeMachine({ memory: '256M' }) })
    const pid = sim.spawn('t')
    const a = sim.mmap(pid, M2, 'hugepage')
    sim.madvise(pid, a, M2, 'nohugepage')
    sim.touch(pid, a, M2, { write: true }) // 512 4 KB pages
    sim.madvise(pid, a, M2, 'hugepage')
    sim.sleep(9_999)
    expect(sim.vmstat().thp_collapse_alloc).toBe(0)
    sim.sleep(1)
    expect(sim.vmstat().thp_collapse_alloc).toBe(1)
    expect(sim.smaps(pid, a, M2).AnonHugePages).toBe(2048)
    sim.audit()
  })

  it('a pinned THP is skipped by reclaim, and fork copies it instead of sharing', () => {
    const sim = createSimulator({ variant, seed: 3, machine: normalizeMachine({ memory: '256M' }) })
    const pid = sim.spawn('t')
    const a = sim.mmap(pid, M2, 'hugepage')
    sim.touch(pid, a, M2, { write: true })
    sim.pin(pid, a, M2, true)
    sim.madvise(pid, a, M2, 'pageout')
    expect(sim.vmstat().pswpout).toBe(0)
    const child = sim.fork(pid)
    sim.audit()
    expect(sim.vmstat().thp_split_pmd).toBe(1) // the parent's PMD split, pages copied
    sim.touch(child, a, M2, { write: false })
    sim.pin(pid, a, M2, false)
    sim.madvise(pid, a, M2, 'pageout')
    sim.audit()
  })

  it('fragmented RAM: no wholly free pageblock, so THP faults fall back', () => {
    const machine = normalizeMachine({ memory: '64M', fragmentation: 1 })
    const sim = createSimulator({ variant, seed: 3, machine })
    const pid = sim.spawn('t')
    const a = sim.mmap(pid, M2, 'hugepage')
    sim.touch(pid, a, M2, { write: true })
    expect(sim.vmstat()).toMatchObject({ thp_fault_alloc: 0, thp_fault_fallback: 1 })
    sim.audit()
  })

  it('ordinary allocations stop at the min watermark; reclaim frees memory for them', () => {
    const machine = normalizeMachine({ memory: '64M', swap: [{ type: 'zram', size: '256M' }] })
    const sim = createSimulator({ variant, seed: 3, machine })
    const pid = sim.spawn('t')
    const a = sim.mmap(pid, (96 * M2) / 2, 'hugepage') // 96 MiB on a 64 MiB machine
    sim.touch(pid, a, 48 * M2, { write: true })
    sim.audit()
    const mi = sim.meminfo()
    expect(mi.MemFree).toBeGreaterThanOrEqual(machine.vm.min_free_kbytes - 4 * 512)
    expect(sim.vmstat().pswpout).toBeGreaterThan(0)
    sim.touch(pid, a, 48 * M2, { write: false })
    sim.audit()
  })

  it('the OOM killer takes the biggest task; later calls on it are ignored with a warning', () => {
    const sim = createSimulator({
      variant,
      seed: 3,
      machine: normalizeMachine({ memory: '64M', swap: [] }),
    })
    const big = sim.spawn('big')
    const small = sim.spawn('small')
    const s = sim.mmap(small, M2, 'hugepage')
    sim.touch(small, s, M2, { write: true })
    const b = sim.mmap(big, 64 * M2, 'nohugepage')
    sim.touch(big, b, 64 * M2, { write: true })
    expect(sim.vmstat().oom_kill).toBe(1)
    sim.touch(big, b, M2, { write: false })
    sim.touch(small, s, M2, { write: false })
    sim.audit()
    const r = sim.finish()
    // __oom_kill_process()'s pr_err() format, every field with its value and comma.
    const killed = r.warnings.find((w) => w.includes('Killed process'))
    expect(killed).toMatch(
      /^Out of memory: Killed process 1 \(big\) total-vm:131072kB, anon-rss:\d+kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:\d+kB oom_score_adj:0$/,
    )
    expect(r.warnings.some((w) => /OOM-killed; call ignored/.test(w))).toBe(true)
  })

  it('64 kB mTHPs: fault, swap out in one piece, and synchronous large swap-in on zram', () => {
    const machine = normalizeMachine({
      memory: '256M',
      swap: [{ type: 'zram', size: '256M' }],
      thp: { enabled: 'never', hugepages: { '64kB': 'always' } },
    })
    const sim = createSimulator({ variant, seed: 3, machine })
    const pid = sim.spawn('t')
    const a = sim.mmap(pid, M2)
    sim.touch(pid, a, M2, { write: true })
    sim.madvise(pid, a, M2, 'pageout')
    sim.audit()
    sim.touch(pid, a, M2, { write: false })
    sim.audit()
    const r = sim.finish()
    expect(r.faults.byType['anon-mthp'].count).toBe(32)
    expect(r.mthp!['hugepages-64kB']).toMatchObject({ anon_fault_alloc: 32, swpout: 32, swpin: 32 })
    expect(r.vmstat.pswpout).toBe(512)
    expect(r.vmstat.thp_swpout).toBe(0)
  })

  it('MADV_NOHUGEPAGE on half a mapping splits the VMA: only the other half gets a THP', () => {
    const sim = createSimulator({ variant, seed: 3, machine: normalizeMachine({ memory: '256M' }) })
    const pid = sim.spawn('t')
    const a = sim.mmap(pid, 2 * M2, 'hugepage')
    sim.madvise(pid, a + M2, M2, 'nohugepage')
    sim.touch(pid, a, 2 * M2, { write: true })
    expect(sim.smaps(pid, a, M2).AnonHugePages).toBe(2048)
    expect(sim.smaps(pid, a + M2, M2).AnonHugePages).toBe(0)
    expect(sim.vmstat().thp_fault_alloc).toBe(1)
    sim.audit()
  })

  it('snapshots record each 2 MB range for the inspector', () => {
    const { sim, pid, addr } = swappedThp(variant)
    sim.snapshot('out')
    sim.touch(pid, addr, M2, { write: false })
    sim.snapshot('in')
    const [out, back] = sim.finish().snapshots.slice(-2)
    const r0 = out.ranges!.find((r) => r.pid === pid && r.addr === addr)!
    expect(r0).toMatchObject({
      state: pmdSwap ? 'swap-pmd' : 'pte',
      present: 0,
      swapped: 512,
      swapCached: 512, // NVMe: still in the swap cache
      swapCacheLargeFolios: 1,
      deposited: pmdSwap && !lazyDeposit,
    })
    const r1 = back.ranges!.find((r) => r.pid === pid && r.addr === addr)!
    expect(r1).toMatchObject({ state: pmdSwap ? 'pmd' : 'pte', present: 512, swapped: 0 })
  })
})
