/**
 * The progress line on stderr: only on a terminal (a log file or CI gets no `\r` noise), redrawn
 * in place with `\r` and erased when the run ends so the report starts on a clean line.
 */
import type { RunProgress } from '../shared/result'
import { CLEAR_LINE } from '../shared/terminal'

export interface ProgressLine {
  update(progress: RunProgress): void
  clear(): void
}

/** Redraws at most this often: progress can arrive once per scenario operation. */
const REDRAW_INTERVAL_MS = 80
const BAR_WIDTH = 20

export function createProgressLine(stream: NodeJS.WriteStream): ProgressLine | undefined {
  if (!stream.isTTY) return undefined
  let lastDrawMs = -Infinity
  let drawn = false
  return {
    update(progress) {
      const now = Date.now()
      if (now - lastDrawMs < REDRAW_INTERVAL_MS) return
      lastDrawMs = now
      drawn = true
      stream.write(CLEAR_LINE + renderProgress(progress, (stream.columns || 80) - 1))
    },
    clear() {
      if (drawn) stream.write(CLEAR_LINE)
      drawn = false
    },
  }
}

/** `[#########...........]  45%  pmd-swap 3/4  t.madvise(pageout)`, cut to `width` columns. */
export function renderProgress(p: RunProgress, width: number): string {
  const percent = Math.max(0, Math.min(100, Math.round(p.percent)))
  const filled = Math.round((percent / 100) * BAR_WIDTH)
  const bar = '#'.repeat(filled) + '.'.repeat(BAR_WIDTH - filled)
  const where = `${p.variant} ${p.variantIndex + 1}/${p.variantCount}`
  const line = `[${bar}] ${String(percent).padStart(3)}%  ${where}  ${p.phase}`
  return line.length > width ? line.slice(0, Math.max(0, width)) : line
}
