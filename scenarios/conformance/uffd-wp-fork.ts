import { defineScenario } from 'hugeswap'

// fork() of a range registered for userfaultfd write-protect, without UFFD_FEATURE_EVENT_FORK:
// dup_userfaultfd() resets the child's VMA (no registration) and fork clears the uffd-wp bit of
// the child's entries, present and swapped. The child's writes take plain copy-on-write faults;
// only the parent's reach its monitor.
export default defineScenario({
  title: 'conformance: fork of a userfaultfd write-protected range',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const parent = k.spawn('parent')
    const r = parent.mmap('256K', { advice: 'nohugepage' })
    parent.write(r)
    parent.uffdRegister(r, ['wp'])
    parent.uffdProtect(r, 'wp')
    parent.madvise(r.sub(0, '128K'), 'pageout')
    const child = parent.fork()
    child.write(r)
    child.uffdEvents()
    parent.write(r.sub(0, '64K'))
    parent.uffdEvents()
  },
})
