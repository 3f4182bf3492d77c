import { defineScenario } from 'hugeswap'

// Memory pressure with swap on zram: 320 MB of THPs written into 256 MB of RAM. What zram
// stores it keeps in RAM (compressed, about 2:1 for these pages), so reclaim must free more
// than with a disk; then everything is read back.
// Runs in a VM (`hugeswap real --kernel debian`): the host cannot be 256 MB.
export default defineScenario({
  title: 'pressure: 320 MB of THPs in 256 MB of RAM, zram swap',
  machine: { memory: '256M', swap: [{ type: 'zram', size: '1G' }] },
  run(k) {
    const t = k.spawn('writer')
    const r = t.mmap('320M', { advice: 'hugepage' })
    t.write(r)
    k.snapshot('written')
    t.read(r)
  },
})
