import { defineScenario } from 'hugeswap'

// userfaultfd write-protect over a THP that is then swapped out: the uffd-wp bit survives the
// split and swap-out (a marker in each swap PTE), the read brings the pages back still
// protected, and each write faults to the monitor, which unprotects the page.
export default defineScenario({
  title: 'conformance: userfaultfd write-protect across swap-out and swap-in',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('uffd')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.uffdRegister(r, ['wp'])
    t.uffdProtect(r, 'wp')
    t.madvise(r, 'pageout')
    t.read(r)
    t.write(r.sub(0, '64K'))
    t.uffdEvents()
  },
})
