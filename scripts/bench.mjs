// npm run bench: speed and memory of the model at scale (never a timed test; docs/performance.md).
//
// Bundles src/sim with esbuild, then runs every (workload, variant) in a child process of its own,
// so each gets its own peak RSS and a crash or a runaway costs one row. A child measures the
// per-PTE floor in the same process after its workload: the least any model that keeps one entry
// per 4 KB page must do, a plain loop writing one Int32 per entry.
//
// Workloads:
//   roundtrip-<size>  a <size> anonymous THP working set written, paged out (MADV_PAGEOUT), its
//                     writeback let finish, dropped from the swap cache (reclaim), read back
//   fork-<procs>x<heap>  a parent writes a THP heap and forks procs - 1 children that share it;
//                     reclaim pushes the heap out; every process reads it back
//   browser-edit-to-chart, browser-fork-<procs>x<heap>  the web workbench in Chromium
//                     (scripts/bench-browser.mjs): the default scenario's edit to chart, and the
//                     fork question run in a browser Web Worker against the CLI's scenario process
//
// The ratio to the floor counts, per variant that splits (baseline, lazy-deposit), three passes
// over every PTE the split path writes: the split, the unmap to swap entries, the swap-in. The
// PMD-swap variants keep one entry per 2 MB and add nothing to the floor.
//
//   node scripts/bench.mjs [--workloads roundtrip-64G,fork-100x4G] [--variants a,b]
//                          [--limit-s 120] [--rss-cap 8G] [--json out/bench/bench.json]
//                          [--svg out/bench/cost-vs-size.svg] [--vs <git revision>] [--runs N]
//
// --from ROWS.json only redraws the chart (--svg) from a saved rows file.
// --runs N runs every row N times (alternating the trees' order) and prints the median.
// --cpu-prof DIR writes each child's V8 CPU profile (.cpuprofile) into DIR.
// --vs REV runs every row also with src/sim as of REV (git archive), the two alternately, and
// prints the ratio: before/after figures from one run on one machine.
import { build } from 'esbuild'
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath, pathToFileURL } from 'node:url'

const GiB = 1024 ** 3
/** The model's byte budget in a bench child: none (the parent's --rss-cap is the bound). */
const UNBOUNDED = 2 ** 50
const SPLIT_VARIANTS = new Set(['baseline', 'lazy-deposit'])
const DEFAULT_WORKLOADS = [
  'roundtrip-64G',
  'roundtrip-128G',
  'roundtrip-256G',
  'roundtrip-512G',
  'roundtrip-1T',
  'fork-100x4G',
  'browser-edit-to-chart',
  'browser-fork-100x1G',
]

const { values } = parseArgs({
  options: {
    child: { type: 'string' },
    bundle: { type: 'string' },
    workloads: { type: 'string' },
    variants: { type: 'string' },
    'limit-s': { type: 'string', default: '120' },
    'rss-cap': { type: 'string', default: '8G' },
    json: { type: 'string', default: 'out/bench/bench.json' },
    svg: { type: 'string', default: 'out/bench/cost-vs-size.svg' },
    vs: { type: 'string' },
    'cpu-prof': { type: 'string' },
    runs: { type: 'string', default: '1' },
    from: { type: 'string' },
  },
})

function bytesOf(s) {
  const m = /^(\d+)([MGT])$/i.exec(s)
  if (!m) throw new Error(`bench: expected a size like 64G or 1T, got ${s}`)
  return Number(m[1]) * 1024 ** { M: 1, G: 2, T: 3 }[m[2].toUpperCase()] * 1024
}

/** Nanoseconds per entry of a plain loop writing one Int32 per entry (best of 5 passes). */
function perPteFloorNs() {
  const n = 1 << 24
  const a = new Int32Array(n)
  let best = Infinity
  for (let pass = 0; pass < 5; pass++) {
    const t = performance.now()
    for (let i = 0; i < n; i++) a[i] = i + pass
    best = Math.min(best, performance.now() - t)
  }
  if (a[n - 1] !== n - 1 + 4) throw new Error('floor loop optimised away')
  return (best * 1e6) / n
}

/** One workload for one variant, in this process. Prints one JSON line. */
async function child(spec) {
  const sim = await import(pathToFileURL(values.bundle).href)
  const { workload, variant } = spec
  const laps = []
  let t = performance.now()
  const lap = (name, fn) => {
    fn()
    const now = performance.now()
    laps.push([name, now - t])
    t = now
  }
  let pteEntries
  let r
  const t0 = performance.now()
  if (workload.startsWith('roundtrip-')) {
    const bytes = bytesOf(workload.slice('roundtrip-'.length))
    const gib = bytes / GiB
    const machine = sim.normalizeMachine({
      memory: `${gib + 8}G`,
      swap: [{ type: 'nvme', size: `${gib + 8}G` }],
    })
    const s = sim.createSimulator({ variant, seed: 1, machine, modelBytes: UNBOUNDED })
    const pid = s.spawn('usemem')
    const addr = s.mmap(pid, bytes, 'hugepage')
    lap('write', () => s.touch(pid, addr, bytes, { write: true }))
    lap('pageout', () => s.madvise(pid, addr, bytes, 'pageout'))
    // Let the asynchronous writeback finish (minutes of simulated time at 1 TiB on NVMe), then
    // drop the clean swap cache, so the swap-in really reads the device.
    lap('drop-sc', () => {
      s.sleep(Math.ceil(bytes / GiB) * 2000)
      s.reclaim(bytes)
    })
    lap('swap-in', () => s.touch(pid, addr, bytes, { write: false }))
    r = s.finish()
    if (r.meminfo.AnonPages !== bytes / 1024)
      throw new Error(`${variant}: working set not back in memory`)
    if (r.vmstat.pswpin !== bytes / 4096)
      throw new Error(`${variant}: swap-in did not read every page (${r.vmstat.pswpin})`)
    pteEntries = bytes / 4096
  } else {
    const m = /^fork-(\d+)x(\d+[MGT])$/.exec(workload)
    if (!m) throw new Error(`bench: unknown workload ${workload}`)
    const procs = Number(m[1])
    const bytes = bytesOf(m[2])
    const gib = bytes / GiB
    const machine = sim.normalizeMachine({
      memory: `${Math.ceil(gib * 2 + 2)}G`,
      swap: [{ type: 'nvme', size: `${Math.ceil(gib * 2 + 2)}G` }],
    })
    const s = sim.createSimulator({ variant, seed: 1, machine, modelBytes: UNBOUNDED })
    const parent = s.spawn('parent')
    const addr = s.mmap(parent, bytes, 'hugepage')
    const pids = [parent]
    lap('write', () => s.touch(parent, addr, bytes, { write: true }))
    lap('fork', () => {
      for (let i = 1; i < procs; i++) pids.push(s.fork(parent))
    })
    lap('reclaim', () => s.reclaim(bytes))
    const swapped = s.smaps(parent, addr, bytes).Swap
    if (swapped !== bytes / 1024)
      throw new Error(`${variant}: heap not all in swap (${swapped} kB)`)
    lap('read-back', () => {
      for (const pid of pids.slice(1)) s.touch(pid, addr, bytes, { write: false })
      s.touch(parent, addr, bytes, { write: false })
    })
    r = s.finish()
    if (s.smaps(parent, addr, bytes).Rss !== bytes / 1024)
      throw new Error(`${variant}: heap not resident again`)
    pteEntries = (bytes / 4096) * procs
  }
  const wallMs = performance.now() - t0
  const floorNs = perPteFloorNs()
  const line = {
    workload,
    variant,
    wallMs,
    laps,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    floorNs,
    // Three passes over every PTE for a variant that splits, none for a PMD-swap one.
    floorMs: SPLIT_VARIANTS.has(variant) ? (3 * pteEntries * floorNs) / 1e6 : 0,
    faults: r.faults.count,
    pteTablePeakBytes: r.pageTables.peakBytes,
  }
  process.stdout.write(`${JSON.stringify(line)}\n`)
}

function rssOf(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) * 1024 : 0
  } catch {
    return 0
  }
}

/** Runs one child; resolves with its line, or a row saying why it has none. */
function runChild(bundle, spec, limitMs, rssCap) {
  return new Promise((resolve) => {
    const cp = spawn(
      process.execPath,
      [
        ...(values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : []),
        fileURLToPath(import.meta.url),
        '--child',
        JSON.stringify(spec),
        '--bundle',
        bundle,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let out = ''
    let err = ''
    let killed = ''
    let peak = 0
    cp.stdout.on('data', (d) => (out += d))
    cp.stderr.on('data', (d) => (err += d))
    const timer = setTimeout(() => {
      killed = `over the ${limitMs / 1000} s limit`
      cp.kill('SIGKILL')
    }, limitMs)
    const watch = setInterval(() => {
      const rss = rssOf(cp.pid)
      peak = Math.max(peak, rss)
      if (rss > rssCap) {
        killed = `over the ${(rssCap / GiB).toFixed(0)} GiB RSS cap`
        cp.kill('SIGKILL')
      }
    }, 100)
    cp.on('close', (code) => {
      clearTimeout(timer)
      clearInterval(watch)
      const last = out.trim().split('\n').pop()
      if (code === 0 && last) resolve(JSON.parse(last))
      else
        resolve({
          ...spec,
          failed: killed || `exit ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`,
          maxRssBytes: peak,
        })
    })
  })
}

const s1 = (ms) => `${(ms / 1000).toFixed(2)} s`
const mib = (b) => `${(b / 1024 / 1024).toFixed(0)} MiB`

const median = (xs) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1]

/**
 * One row standing for `runs` runs of the same child: the median wall time and step times, the
 * largest peak RSS; failed when any run failed. `runs` keeps every run's row.
 */
function medianRow(rows) {
  if (rows.length === 1) return rows[0]
  const failed = rows.find((r) => r.failed)
  if (failed) return { ...failed, runs: rows }
  return {
    ...rows[0],
    wallMs: median(rows.map((r) => r.wallMs)),
    floorNs: median(rows.map((r) => r.floorNs)),
    floorMs: median(rows.map((r) => r.floorMs)),
    maxRssBytes: Math.max(...rows.map((r) => r.maxRssBytes)),
    laps: rows[0].laps.map(([name], i) => [name, median(rows.map((r) => r.laps[i][1]))]),
    runs: rows,
  }
}

/** Bundles src/sim of the tree at `root` into `dir`; returns the bundle's path. */
async function bundleSim(root, dir, name) {
  const outfile = join(dir, `${name}.mjs`)
  await build({
    entryPoints: [join(root, 'src', 'sim', 'index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    outfile,
    logLevel: 'error',
  })
  return outfile
}

/** src/sim as of git revision `rev`, unpacked under `dir` (for --vs). */
function checkoutSim(rev, dir) {
  const root = join(dir, 'vs')
  mkdirSync(root)
  const tar = execFileSync('git', ['archive', '--format=tar', rev, 'src/sim'], {
    cwd: join(import.meta.dirname, '..'),
    maxBuffer: 1 << 28,
  })
  execFileSync('tar', ['-x', '-C', root], { input: tar })
  return root
}

function rowLine(label, row) {
  const steps = row.laps?.map(([n, ms]) => `${n} ${s1(ms)}`).join(', ') ?? row.failed
  return `${label.padEnd(40)} ${(row.failed ? '-' : s1(row.wallMs)).padStart(9)} ${mib(row.maxRssBytes).padStart(9)} ${String(row.faults ?? '-').padStart(10)} ${(row.floorMs ? `${(row.wallMs / row.floorMs).toFixed(1)}x` : '').padStart(8)}  ${steps}`
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'hugeswap-bench-'))
  const trees = [
    { label: 'this tree', bundle: await bundleSim(join(import.meta.dirname, '..'), dir, 'sim') },
  ]
  if (values.vs) {
    trees.push({
      label: values.vs,
      bundle: await bundleSim(checkoutSim(values.vs, dir), dir, 'vs'),
    })
  }
  const sim = await import(pathToFileURL(trees[0].bundle).href)
  const asked = values.workloads ? values.workloads.split(',') : DEFAULT_WORKLOADS
  const workloads = asked.filter((w) => !w.startsWith('browser-'))
  const browserWorkloads = asked.filter((w) => w.startsWith('browser-'))
  const variants = values.variants ? values.variants.split(',') : sim.VARIANT_NAMES
  const limitMs = Number(values['limit-s']) * 1000
  const rssCap = bytesOf(values['rss-cap'])
  const runs = Number(values.runs)
  if (!(runs >= 1 && Number.isInteger(runs)))
    throw new Error('bench: --runs takes a whole number >= 1')
  console.log(
    `hugeswap bench: node ${process.version}, ${variants.join(', ')}; each row a child process ` +
      `(limit ${limitMs / 1000} s, RSS cap ${mib(rssCap)})` +
      (values.vs ? `; every row also for ${values.vs}, run alternately` : '') +
      (runs > 1 ? `; median of ${runs} runs per row (peak RSS: the largest)` : ''),
  )
  console.log(
    `${'workload / variant'.padEnd(40)} ${'wall'.padStart(9)} ${'peak RSS'.padStart(9)} ${'faults'.padStart(10)} ${'x floor'.padStart(8)}  steps`,
  )
  const rows = []
  for (const workload of workloads) {
    const mine = trees.map(() => [])
    for (const [vi, variant] of variants.entries()) {
      // Alternate which tree goes first, so drift on a shared machine hits both alike.
      const order = trees.map((_, i) => i)
      if (vi % 2) order.reverse()
      const all = trees.map(() => [])
      for (let run = 0; run < runs; run++) {
        for (const ti of run % 2 ? [...order].reverse() : order) {
          const row = await runChild(trees[ti].bundle, { workload, variant }, limitMs, rssCap)
          row.tree = trees[ti].label
          all[ti].push(row)
        }
      }
      const got = all.map(medianRow)
      for (const [ti, row] of got.entries()) {
        mine[ti].push(row)
        rows.push(row)
        const label = `${workload} ${variant}${trees.length > 1 ? ` [${trees[ti].label}]` : ''}`
        console.log(rowLine(label, row))
      }
      if (trees.length > 1 && !got[0].failed && !got[1].failed) {
        console.log(
          `${''.padEnd(40)} ${`${(got[1].wallMs / got[0].wallMs).toFixed(2)}x`.padStart(9)} ${`${(got[1].maxRssBytes / got[0].maxRssBytes).toFixed(2)}x`.padStart(9)}  (${values.vs} / this tree)`,
        )
      }
    }
    for (const [ti, list] of mine.entries()) {
      const done = list.filter((r) => !r.failed)
      const wall = done.reduce((a, r) => a + r.wallMs, 0)
      const floor = done.reduce((a, r) => a + r.floorMs, 0)
      const rss = Math.max(...list.map((r) => r.maxRssBytes))
      const label = `${workload} all variants${trees.length > 1 ? ` [${trees[ti].label}]` : ''}`
      console.log(
        `${label.padEnd(40)} ${(done.length === list.length ? s1(wall) : `> ${s1(wall)}`).padStart(9)} ${mib(rss).padStart(9)} ${''.padStart(10)} ${(floor ? `${(wall / floor).toFixed(1)}x` : '').padStart(8)}  floor ${floor ? s1(floor) : '-'} (${done[0]?.floorNs.toFixed(2) ?? '?'} ns/entry)`,
      )
    }
  }
  if (browserWorkloads.length) {
    const { browserRows } = await import('./bench-browser.mjs')
    try {
      rows.push(...(await browserRows(browserWorkloads, { dir, runs, bytesOf, log: console.log })))
    } catch (e) {
      // The simulator rows above are still written.
      console.log(`browser rows failed: ${e instanceof Error ? e.message : e}`)
      process.exitCode = 1
    }
  }
  mkdirSync(dirname(values.json), { recursive: true })
  writeFileSync(values.json, `${JSON.stringify({ node: process.version, rows }, null, 1)}\n`)
  const svg = await costChart(
    rows,
    variants,
    trees.map((t) => t.label),
  )
  if (svg) {
    mkdirSync(dirname(values.svg), { recursive: true })
    writeFileSync(values.svg, svg)
    console.log(`cost against size: ${values.svg}; rows: ${values.json}`)
  }
  rmSync(dir, { recursive: true })
}

/** Wall time per variant against working-set size (log-log), round-trip workloads only. */
async function costChart(rows, variants, trees) {
  const sized = rows.filter((r) => r.workload.startsWith('roundtrip-'))
  if (!sized.length) return null
  const echarts = await import('echarts')
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 720, height: 440 })
  chart.setOption({
    animation: false,
    title: {
      text: 'hugeswap bench: round-trip wall time against working-set size',
      subtext: 'a variant past the time limit or the RSS cap has no point at that size',
      left: 'center',
    },
    legend: { top: 66 },
    grid: { top: 104, left: 70, right: 30, bottom: 50 },
    xAxis: { type: 'log', logBase: 2, name: 'GiB', nameLocation: 'middle', nameGap: 30 },
    yAxis: { type: 'log', name: 'seconds', nameLocation: 'middle', nameGap: 50 },
    series: trees.flatMap((tree, ti) =>
      variants.map((v) => ({
        name: trees.length > 1 ? `${v} [${tree}]` : v,
        type: 'line',
        lineStyle: { type: ti ? 'dashed' : 'solid' },
        data: sized
          .filter((r) => r.variant === v && r.tree === tree && !r.failed)
          .map((r) => [bytesOf(r.workload.slice('roundtrip-'.length)) / GiB, r.wallMs / 1000]),
      })),
    ),
  })
  const svg = chart.renderToSVGString()
  chart.dispose()
  return svg
}

if (values.child) await child(JSON.parse(values.child))
else if (values.from) {
  // Redraw the chart from a saved rows file, without running anything.
  const { rows } = JSON.parse(readFileSync(values.from, 'utf8'))
  const variants = [...new Set(rows.map((r) => r.variant))]
  const trees = [...new Set(rows.map((r) => r.tree))]
  const svg = await costChart(rows, variants, trees)
  mkdirSync(dirname(values.svg), { recursive: true })
  writeFileSync(values.svg, svg)
  console.log(`cost against size: ${values.svg}`)
} else await main()
