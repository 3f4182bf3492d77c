import { defineScenario } from 'hugeswap'

// A VMA boundary cuts a THP (mprotect of its second half), then MADV_PAGEOUT of the whole range.
export default defineScenario({
  title: 'conformance: MADV_PAGEOUT of a THP a VMA boundary cuts',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('pageout')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.mprotect(r.sub('1M', '1M'), 'r')
    t.madvise(r, 'pageout')
    t.read(r)
  },
})
