import { defineScenario } from 'hugeswap'

// A write to a PTE-mapped THP whose other mapper has gone: after fork the THP is shared, the
// child exits, and the parent's writes reuse the large folio in place, page by page
// (__wp_can_reuse_large_anon_folio(): every reference is this mm's), with no copy and no split.
export default defineScenario({
  title: 'conformance: write reuse of a PTE-mapped THP after the child exits',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const parent = k.spawn('parent')
    const r = parent.mmap('2M', { advice: 'hugepage' })
    parent.write(r)
    // PTE-mapped from here on: the PMD is split, the folio stays whole.
    parent.mprotect(r.sub('1M', '4K'), 'r')
    parent.mprotect(r.sub('1M', '4K'), 'rw')
    const child = parent.fork()
    child.read(r.sub(0, '64K'))
    child.exit()
    parent.write(r.sub(0, '512K'))
  },
})
