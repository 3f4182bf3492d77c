import { defineScenario } from 'hugeswap'

// fork() of 4 KB pages: COW page by page in the child, then the parent reuses its pages.
export default defineScenario({
  title: 'conformance: fork of 4 KB pages, COW',
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('parent')
    const r = t.mmap('1M', { advice: 'nohugepage' })
    t.write(r)
    const c = t.fork()
    c.write(r.sub(0, '512K'))
    t.write(r)
    c.read(r)
  },
})
