import { defineScenario } from 'hugeswap'

// userfaultfd MISSING over a THP-eligible range: each first touch of a page raises an event and
// the monitor copies a zero-filled 4 KB page in (UFFDIO_COPY), so the range fills with small
// pages and a PTE table, never a THP. Swapped out and read back, those pages are not missing.
// A second range registered MISSING and WP: written once (missing), then protected and written
// again (write-protect faults).
export default defineScenario({
  title: 'conformance: userfaultfd MISSING resolved by UFFDIO_COPY, then swapped',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('uffd')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.uffdRegister(r, ['missing'])
    t.write(r.sub(0, '64K'))
    t.read(r.sub('1M', '16K'))
    t.uffdEvents()
    t.madvise(r, 'pageout')
    t.read(r.sub(0, '64K'))
    const both = t.mmap('256K', { advice: 'nohugepage' })
    t.uffdRegister(both, ['missing', 'wp'])
    t.write(both)
    t.uffdProtect(both, 'wp')
    t.write(both.sub(0, '32K'))
    t.uffdEvents()
  },
})
