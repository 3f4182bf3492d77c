// npm run bench: speed and memory of the model at scale (never a timed test).
// Bundles src/sim with esbuild, then for each variant: a 64 GiB anonymous working set (THPs)
// written, swapped out with MADV_PAGEOUT, dropped from the swap cache with memory.reclaim and
// read back from the device. Prints wall time and peak RSS per variant and for the whole run.
//   node scripts/bench.mjs [--size 64G] [--variants a,b]
import { build } from 'esbuild'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'

const { values } = parseArgs({
  options: { size: { type: 'string', default: '64G' }, variants: { type: 'string' } },
})
const dir = mkdtempSync(join(tmpdir(), 'hugeswap-bench-'))
const out = join(dir, 'sim.mjs')
await build({
  entryPoints: [join(import.meta.dirname, '..', 'src', 'sim', 'index.ts')],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  outfile: out,
  logLevel: 'error',
})
const sim = await import(pathToFileURL(out).href)
rmSync(dir, { recursive: true })

const GiB = 1024 ** 3
const sizeGiB = Number(values.size.replace(/G$/i, ''))
const bytes = sizeGiB * GiB
const variants = values.variants ? values.variants.split(',') : sim.VARIANT_NAMES
const machine = sim.normalizeMachine({
  memory: `${sizeGiB + 8}G`,
  swap: [{ type: 'nvme', size: `${sizeGiB + 8}G` }],
})

const mib = (b) => `${(b / 1024 / 1024).toFixed(0)} MiB`
console.log(
  `hugeswap bench: ${sizeGiB} GiB anonymous working set, NVMe swap, node ${process.version}`,
)
console.log(
  'variant                  write    pageout  drop-sc  swap-in   total   faults    PTE peak',
)
const t0 = performance.now()
for (const variant of variants) {
  const s = sim.createSimulator({ variant, seed: 1, machine })
  const pid = s.spawn('usemem')
  const addr = s.mmap(pid, bytes, 'hugepage')
  const lap = []
  let t = performance.now()
  const step = (fn) => {
    fn()
    const now = performance.now()
    lap.push(now - t)
    t = now
  }
  step(() => s.touch(pid, addr, bytes, { write: true }))
  step(() => s.madvise(pid, addr, bytes, 'pageout'))
  // Let the asynchronous writeback finish (tens of simulated seconds for 64 GiB on NVMe), then
  // drop the clean swap cache, so the swap-in really reads the device.
  step(() => {
    s.sleep(120_000)
    s.reclaim(bytes)
  })
  step(() => s.touch(pid, addr, bytes, { write: false }))
  const r = s.finish()
  if (r.meminfo.AnonPages !== bytes / 1024)
    throw new Error(`${variant}: working set not back in memory`)
  if (r.vmstat.pswpin !== bytes / 4096)
    throw new Error(`${variant}: swap-in did not read every page`)
  const total = lap.reduce((a, b) => a + b, 0)
  console.log(
    `${variant.padEnd(24)} ${lap.map((ms) => `${(ms / 1000).toFixed(2)}s`.padStart(8)).join(' ')} ${`${(total / 1000).toFixed(2)}s`.padStart(8)} ${String(r.faults.count).padStart(9)} ${mib(r.pageTables.peakBytes).padStart(10)}`,
  )
}
const rss = process.resourceUsage().maxRSS * 1024
console.log(
  `all variants: ${((performance.now() - t0) / 1000).toFixed(1)} s wall, peak RSS ${mib(rss)}`,
)
