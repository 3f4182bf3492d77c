/**
 * ECharts measures text with a canvas in the browser but with a fixed per-character width table in
 * Node (no canvas). Chart layout depends on those widths, so an SVG exported in the browser would
 * differ from the CLI's bytes. Importing this module makes the renderer measure text exactly as
 * Node does (zrender's own fallback), for every chart, so the widths ECharts caches per font agree
 * between the on-screen charts and the export. Import it before any chart is created.
 */
import { setPlatformAPI } from 'echarts/core'
import { DEFAULT_FONT, DEFAULT_TEXT_WIDTH_MAP } from 'zrender/lib/core/platform.js'

const FALLBACK_FONT_SIZE = 12

/** zrender's canvas-less measureText (zrender/lib/core/platform.js), verbatim in behaviour. */
export function measureTextLikeNode(text: string, font?: string): { width: number } {
  text = text || ''
  font = font || DEFAULT_FONT
  const size = /((?:\d+)?\.?\d*)px/.exec(font)
  const fontSize = (size && +size[1]) || FALLBACK_FONT_SIZE
  let width = 0
  if (font.indexOf('mono') >= 0) {
    width = fontSize * text.length
  } else {
    for (let i = 0; i < text.length; i++) {
      const w = DEFAULT_TEXT_WIDTH_MAP[text[i]]
      width += w == null ? fontSize : w * fontSize
    }
  }
  return { width }
}

setPlatformAPI({ measureText: measureTextLikeNode as never })
