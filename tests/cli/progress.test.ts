import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createProgressLine, renderProgress } from '../../src/cli/progress'
import type { RunProgress } from '../../src/shared/result'

const progress: RunProgress = {
  variant: 'pmd-swap',
  variantIndex: 2,
  variantCount: 4,
  phase: 't.madvise(pageout)',
  percent: 45.4,
}

describe('progress line', () => {
  it('shows a bar, the percentage, the variant and the phase', () => {
    expect(renderProgress(progress, 80)).toBe(
      '[#########...........]  45%  pmd-swap 3/4  t.madvise(pageout)',
    )
  })

  it('never wraps: it is cut to the terminal width', () => {
    expect(renderProgress(progress, 30)).toHaveLength(30)
  })

  it('stays silent when stderr is not a terminal', () => {
    const stream = Object.assign(new PassThrough(), { isTTY: false })
    expect(createProgressLine(stream as unknown as NodeJS.WriteStream)).toBeUndefined()
  })

  it('redraws in place and erases itself on a terminal', () => {
    let written = ''
    const stream = { isTTY: true, columns: 100, write: (s: string) => ((written += s), true) }
    const line = createProgressLine(stream as unknown as NodeJS.WriteStream)!
    line.update(progress)
    line.clear()
    expect(written).toBe(`\r\x1b[K${renderProgress(progress, 99)}\r\x1b[K`)
  })
})
