// Builds the CLI bundle: src/cli/index.ts and the scenario process entry into out/cli/.
// Used by bin/hugeswap (when the bundle is missing or stale) and by `npm run build:cli`.
//
// Several launchers may build at once (parallel test files, two terminals), and a launcher may
// import the bundle while another one rebuilds it. So esbuild writes nothing itself: every output
// goes to a temporary file in out/cli/ and is renamed into place, which is atomic on POSIX, and
// index.js is renamed last because its mtime is what bin/hugeswap compares against src/.
import { realpathSync } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const OUT_DIR = join(ROOT, 'out', 'cli')
export const ENTRY_POINTS = ['src/cli/index.ts', 'src/cli/scenario-process.ts']

/**
 * Builds out/cli/index.js and out/cli/scenario-process.js. Throws esbuild's error on failure.
 * @param {{ logLevel?: import('esbuild').LogLevel }} [options]
 */
export async function buildCli({ logLevel = 'warning' } = {}) {
  // Imported lazily so that a launcher with an up-to-date bundle never loads esbuild.
  const esbuild = await import('esbuild')
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ENTRY_POINTS,
    outdir: OUT_DIR,
    entryNames: '[name]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    // Code splitting keeps ECharts and resvg (needed only by --out, sweep) out of index.js, so
    // every other command starts without loading them.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    write: false,
    logLevel,
  })
  await mkdir(join(OUT_DIR, 'chunks'), { recursive: true })
  const files = [...result.outputFiles].sort(
    (a, b) => Number(basename(a.path) === 'index.js') - Number(basename(b.path) === 'index.js'),
  )
  for (const file of files) {
    const tmp = join(OUT_DIR, `.${basename(file.path)}.${process.pid}.tmp`)
    try {
      await writeFile(tmp, file.contents)
      await rename(tmp, file.path)
    } catch (err) {
      await rm(tmp, { force: true })
      throw err
    }
  }
  return files.map((f) => f.path)
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await buildCli({ logLevel: 'info' })
  } catch {
    // esbuild has already printed the diagnostics (logLevel info).
    process.exitCode = 1
  }
}
