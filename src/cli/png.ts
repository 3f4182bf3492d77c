/**
 * SVG -> PNG for the CLI's `--out DIR` (Node only: resvg is a native module). resvg loads no system
 * font, only the DejaVu Sans vendored in resources/fonts/, so a chart's PNG is the same bytes on
 * every machine.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Resvg as ResvgClass } from '@resvg/resvg-js'
import { FONT_FAMILY } from '../report/charts/variants'

export const PNG_ZOOM = 2

/**
 * The package root: the first directory at or above this module holding package.json. Works from
 * src/cli/ (vitest, tsx) and from the bundle in out/cli/.
 */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from)
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`hugeswap: no package.json above ${from}`)
    dir = parent
  }
}

/** The vendored fonts, absolute paths (regular, bold: chart titles are bold). */
export function fontFiles(root: string = packageRoot()): string[] {
  // In the packaged app the fonts are unpacked beside the asar (electron-builder.yml asarUnpack):
  // resvg reads them natively, and native code cannot read inside an asar.
  const base = root.replace(/app\.asar(?=$|[\\/])/, 'app.asar.unpacked')
  return ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => join(base, 'resources', 'fonts', f))
}

let fonts: string[] | undefined
let Resvg: typeof ResvgClass | undefined

/**
 * resvg's native binding, loaded on first use: the CLI bundle inlines this module, and a static
 * import would load the binding for every command, not only for `--out`.
 */
function resvg(): typeof ResvgClass {
  Resvg ??= (createRequire(import.meta.url)('@resvg/resvg-js') as typeof import('@resvg/resvg-js'))
    .Resvg
  return Resvg
}

/** Rasterises an SVG at `zoom` (2: crisp on high-DPI screens and in slides) on white. */
export function svgToPng(svg: string, zoom = PNG_ZOOM): Uint8Array {
  fonts ??= fontFiles()
  const Renderer = resvg()
  const png = new Renderer(svg, {
    fitTo: { mode: 'zoom', value: zoom },
    background: 'white',
    font: {
      fontFiles: fonts,
      loadSystemFonts: false,
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
  })
    .render()
    .asPng()
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength)
}
