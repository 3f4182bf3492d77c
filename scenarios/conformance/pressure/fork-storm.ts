import { defineScenario } from 'hugeswap'

// A fork storm near the watermark: a parent with an 8 MB THP heap and a filler that leaves
// 256 kB above the min watermark free (measured, not assumed), then 16 forks. Each child's
// copy_huge_pmd() deposits a PTE table per THP and copies the parent's other page tables, until
// allocations dip below the watermark and reclaim swaps out what is oldest; then each child
// writes one page of the first THP (a COW that splits its PMD).
// Runs in a VM (`hugeswap real --kernel debian`): the host cannot be 192 MB.
const CHILDREN = 16

export default defineScenario({
  title: 'pressure: 16 forks of a THP heap 256 kB above the min watermark',
  machine: { memory: '192M', swap: [{ type: 'nvme', size: '512M' }] },
  run(k) {
    const parent = k.spawn('parent')
    const r = parent.mmap('8M', { advice: 'hugepage' })
    parent.write(r)
    const filler = k.spawn('filler')
    let pages = Math.floor((k.meminfo().MemFree - k.machine.vm.min_free_kbytes) / 4) - 64
    pages -= Math.ceil(pages / 512) + 1 // the filler's own PTE tables
    const f = filler.mmap(pages * 4096, { advice: 'nohugepage' })
    filler.write(f)
    k.snapshot('filled')
    const children = []
    for (let i = 0; i < CHILDREN; i++) children.push(parent.fork())
    k.snapshot('forked')
    for (const c of children) c.write(r.sub(0, '4K'))
  },
})
