/**
 * Kernel state the model keeps where the kernel keeps it: vma->swap_readahead_info on the VMA
 * (copied by vm_area_dup() when a VMA is split, forked or moved, as the kernel's memcpy does),
 * the userfaultfd queue on the mm.
 */
import { describe, expect, it } from 'vitest'
import { createSimulator, normalizeMachine } from '../../src/sim'

const PAGE = 4096

/**
 * Swap readahead after a VMA split: 64 pages read in order leave the VMA's readahead state (the
 * last fault, the window, no hits since); then the range is split (mprotect) at the first page
 * not read in yet, and that page read: a device read of 3 pages, as without the split. A tail
 * VMA that started afresh (the model before vm_area_dup() was followed) read as 4 hits, a
 * window of 8 centred on the fault and clamped at its start: 5 pages.
 */
function readaheadAfterSplit(split: boolean): number {
  const sim = createSimulator({
    variant: 'baseline',
    machine: normalizeMachine({
      memory: '1G',
      swap: [{ type: 'nvme', size: '1G' }],
      vm: { page_cluster: 3 },
    }),
    seed: 1,
  })
  const pid = sim.spawn('ra')
  const len = 2 << 20
  const a = sim.mmap(pid, len, 'nohugepage')
  sim.touch(pid, a, len, { write: true })
  // Out, back in (clean, from the swap cache), out again (freed): nothing left in the cache.
  sim.madvise(pid, a, len, 'pageout')
  sim.touch(pid, a, len, { write: false })
  sim.madvise(pid, a, len, 'pageout')
  sim.touch(pid, a, 64 * PAGE, { write: false })
  // The first page readahead has not brought in: where the next read faults to the device.
  const next = sim.mincore(pid, a, len).indexOf(false)
  if (split) sim.mprotect(pid, a + next * PAGE, len - next * PAGE, 'r')
  const before = sim.vmstat()
  sim.touch(pid, a + next * PAGE, PAGE, { write: false })
  const after = sim.vmstat()
  return after.pswpin - before.pswpin
}

describe('kernel state lives in the kernel objects', () => {
  it('a VMA split keeps the readahead window (vm_area_dup() copies swap_readahead_info)', () => {
    expect(readaheadAfterSplit(false)).toBe(3)
    expect(readaheadAfterSplit(true)).toBe(3)
  })

  it('uffd events queue per mm: a fork child starts with none, the parent keeps its own', () => {
    const sim = createSimulator({
      variant: 'pmd-swap',
      machine: normalizeMachine({ memory: '256M', swap: [{ type: 'zram', size: '256M' }] }),
      seed: 1,
    })
    const pid = sim.spawn('uffd')
    const a = sim.mmap(pid, 2 << 20, 'nohugepage')
    sim.uffdRegister(pid, a, 2 << 20, ['missing'])
    sim.touch(pid, a, 2 * PAGE, { write: true })
    const child = sim.fork(pid)
    expect(sim.uffdEvents(child)).toEqual([])
    expect(sim.uffdEvents(pid).map((e) => e.addr)).toEqual([a, a + PAGE])
    expect(sim.uffdEvents(pid)).toEqual([])
  })
})
