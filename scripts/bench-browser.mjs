// The browser rows of `npm run bench` (docs/performance.md): the workbench's web build in Debian's
// Chromium (playwright-core), against the CLI's scenario process on the same scenario.
//
//   browser-edit-to-chart   the default scenario in the workbench: an edit, Run, until the
//                           results and the first charts are drawn. The first run after the page
//                           loads, then the median of further edits, each made a while after the
//                           chart before it was drawn (a person reads the chart, then edits), and
//                           of the same edits run at once (no spare worker ready yet).
//   browser-fork-<procs>x<heap>  scenarios/fork-heap.ts (the fork question) with those params, in
//                           a fresh scenario Web Worker in Chromium and in a fresh scenario process as
//                           the CLI runs it: wall time from posting the run to its outcome.
import { build as esbuild } from 'esbuild'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const ROOT = join(import.meta.dirname, '..')
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

const median = (xs) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1]

/** Builds the web workbench (out/web) and the CLI bundle (out/cli), as `npm run build` does. */
async function buildAll() {
  const { build } = await import('vite')
  await build({ configFile: join(ROOT, 'vite.web.config.ts'), logLevel: 'warn' })
  const { buildCli } = await import('./build-cli.mjs')
  await buildCli()
}

/** out/web behind `vite preview` on a free port; Chromium on it. */
async function openBrowser() {
  const { preview } = await import('vite')
  const server = await preview({
    configFile: join(ROOT, 'vite.web.config.ts'),
    preview: { port: 0, host: '127.0.0.1' },
    logLevel: 'warn',
  })
  const url = server.resolvedUrls.local[0]
  const { chromium } = await import('playwright-core')
  let browser
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
  } catch (e) {
    await server.close()
    throw new Error(
      `could not start Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH): ${e.message.split('\n')[0]}`,
      { cause: e },
    )
  }
  const open = async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } })
    const page = await context.newPage()
    await page.goto(url)
    return page
  }
  return {
    url,
    open,
    version: browser.version(),
    async close() {
      await browser.close()
      await server.close()
    },
  }
}

/** Ms from the Run click until the results and the first two charts are drawn. */
async function runOnce(page) {
  await page.evaluate(() => {
    const run = document.querySelector('[data-testid="run"]')
    const w = /** @type {any} */ (window)
    w.__benchStarted = false
    const seen = new MutationObserver(() => {
      if (run.getAttribute('aria-disabled') !== 'true') return
      w.__benchStarted = true
      seen.disconnect()
    })
    seen.observe(run, { attributes: true, attributeFilter: ['aria-disabled'] })
  })
  const t0 = performance.now()
  await page.locator('[data-testid="run"]').click()
  await page.waitForFunction(() => /** @type {any} */ (window).__benchStarted, null, {
    polling: 'raf',
  })
  await page.locator('[data-testid="results"]:not(.stale)').waitFor({ timeout: 120_000 })
  await page.locator('[data-testid="run"]:not([aria-disabled="true"])').waitFor()
  for (const id of ['chart-page-tables', 'chart-fault-latency'])
    await page
      .locator(`[data-testid="${id}"] :is(svg, canvas)`)
      .first()
      .waitFor({ state: 'attached' })
  return performance.now() - t0
}

async function edit(page, i) {
  await page.locator('[data-testid="editor"] .view-lines').click()
  await page.keyboard.press('Control+End')
  await page.keyboard.type(`\n// edit ${i}`)
}

const pause = (ms) => new Promise((r) => setTimeout(r, ms))

/** browser-edit-to-chart: first run, then `edits` edits after a pause and `edits` at once. */
export async function editToChart(b, { edits = 5, readMs = 2000 } = {}) {
  const page = await b.open()
  await page.locator('[data-testid="editor"] .view-lines').waitFor()
  await edit(page, 0)
  const first = await runOnce(page)
  const paused = []
  const atOnce = []
  for (let i = 1; i <= edits; i++) {
    await pause(readMs)
    await edit(page, i)
    paused.push(await runOnce(page))
  }
  for (let i = 1; i <= edits; i++) {
    await edit(page, edits + i)
    atOnce.push(await runOnce(page))
  }
  await page.context().close()
  return { first, paused, atOnce, readMs }
}

/** A fresh scenario Web Worker in Chromium: ms from posting the run to its `done`. */
async function runInBrowserWorker(b, request) {
  const page = await b.open()
  const worker = readdirSync(join(ROOT, 'out/web/assets')).find((f) =>
    /^web-worker-.*\.js$/.test(f),
  )
  if (!worker) throw new Error('bench: out/web has no scenario worker (web-worker-*.js)')
  const got = await page.evaluate(
    ({ src, request }) =>
      new Promise((resolve) => {
        const w = new Worker(new URL(src, location.href), { type: 'module' })
        const t0 = performance.now()
        w.onmessage = (e) => {
          if (e.data.type !== 'done') return
          const ms = performance.now() - t0
          w.terminate()
          resolve({ ms, ok: e.data.outcome.ok, error: e.data.outcome.error?.message })
        }
        w.onerror = (e) => resolve({ ms: 0, ok: false, error: e.message })
        w.postMessage({ type: 'run', id: 1, request })
      }),
    { src: `assets/${worker}`, request },
  )
  await page.context().close()
  if (!got.ok) throw new Error(`bench: browser worker: ${got.error}`)
  return got.ms
}

let nodeHost = null

/** src/scenario/node-host.ts, bundled once into `dir`. */
function loadNodeHost(dir) {
  const outfile = join(dir, 'node-host.mjs')
  nodeHost ??= esbuild({
    entryPoints: [join(ROOT, 'src/scenario/node-host.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    logLevel: 'error',
  }).then(() => import(pathToFileURL(outfile).href))
  return nodeHost
}

/** A fresh scenario process as the CLI starts it (node-host.ts): ms from start to the outcome. */
async function runInCliWorker(dir, request) {
  const { runInProcess, forkScenarioProcess } = await loadNodeHost(dir)
  const t0 = performance.now()
  const entry = join(ROOT, 'out/cli/scenario-process.js')
  const outcome = await runInProcess(request, {
    start: () => forkScenarioProcess(entry),
    // The bench's own bounds apply (--limit-s, --rss-cap), not a CLI run's defaults.
    wallMs: 3_600_000,
    rssBytes: 1024 ** 4,
  }).result
  const ms = performance.now() - t0
  if (!outcome.ok) throw new Error(`bench: CLI scenario process: ${outcome.error.message}`)
  return ms
}

/** The fork question as scenarios/fork-heap.ts with `procs` processes on a `heapBytes` heap. */
function forkRequest(procs, heapBytes) {
  const gib = Math.ceil((heapBytes * 2) / 1024 ** 3 + 2)
  return {
    source: readFileSync(join(ROOT, 'scenarios/fork-heap.ts'), 'utf8'),
    fileName: 'fork-heap.ts',
    params: {
      'params.procs': procs,
      'params.heapMB': heapBytes / 1024 ** 2,
      'machine.memory': `${gib}G`,
      'machine.swap[0].size': `${gib}G`,
    },
    // Script time is the scenario's own JavaScript; the simulator's work is not counted in it,
    // but a big run needs room for the loop around it.
    limits: { timeMs: 600_000 },
  }
}

/**
 * Runs the browser workloads asked for; returns their rows. `runs` repeats the worker rows,
 * alternating which side goes first.
 */
export async function browserRows(workloads, { dir, runs, bytesOf, log }) {
  await buildAll()
  const b = await openBrowser()
  const rows = []
  try {
    log(`browser rows: Chromium ${b.version}, the web build from out/web at ${b.url}`)
    for (const workload of workloads) {
      if (workload === 'browser-edit-to-chart') {
        const r = await editToChart(b)
        rows.push({ workload, ...r })
        log(
          `${workload.padEnd(40)} first run ${r.first.toFixed(0)} ms; after a ${r.readMs / 1000} s read: median ${median(r.paused).toFixed(0)} ms (${r.paused.map((x) => x.toFixed(0)).join(', ')}); at once: median ${median(r.atOnce).toFixed(0)} ms (${r.atOnce.map((x) => x.toFixed(0)).join(', ')})`,
        )
        continue
      }
      const m = /^browser-fork-(\d+)x(\d+[MGT])$/.exec(workload)
      if (!m) throw new Error(`bench: unknown browser workload ${workload}`)
      const request = forkRequest(Number(m[1]), bytesOf(m[2]))
      const cli = []
      const web = []
      for (let run = 0; run < runs; run++) {
        if (run % 2) web.push(await runInBrowserWorker(b, request))
        cli.push(await runInCliWorker(dir, request))
        if (!(run % 2)) web.push(await runInBrowserWorker(b, request))
      }
      const row = { workload, cliMs: median(cli), browserMs: median(web), cli, web }
      rows.push(row)
      log(
        `${workload.padEnd(40)} CLI process ${(row.cliMs / 1000).toFixed(2)} s, browser worker ${(row.browserMs / 1000).toFixed(2)} s: ${(row.browserMs / row.cliMs).toFixed(2)}x`,
      )
    }
  } finally {
    await b.close()
  }
  return rows
}
