/**
 * Just enough of the source map v3 `mappings` format to map columns of a sucrase output back to
 * the TypeScript source (sucrase never moves lines, so only columns are kept). No dependency: the
 * decoder is 30 lines and runs in Node and in the browser worker alike.
 */

/** [generatedColumn, sourceColumn] pairs of one generated line, 0-based, in column order. */
export type LineSegments = [number, number][]

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const DIGIT = new Map([...BASE64].map((c, i) => [c, i] as const))

/** Decodes one segment's base64 VLQ fields. */
function decodeVlq(segment: string): number[] {
  const fields: number[] = []
  let value = 0
  let shift = 0
  for (const ch of segment) {
    const digit = DIGIT.get(ch)
    if (digit === undefined) throw new Error(`bad source map digit '${ch}'`)
    value += (digit & 31) * 2 ** shift
    if (digit & 32) {
      shift += 5
      continue
    }
    fields.push(value & 1 ? -(value - 1) / 2 : value / 2)
    value = 0
    shift = 0
  }
  return fields
}

export function decodeMappings(mappings: string): LineSegments[] {
  const lines: LineSegments[] = []
  // Source columns are relative across the whole map; generated columns restart on each line.
  let sourceColumn = 0
  for (const line of mappings.split(';')) {
    const segments: LineSegments = []
    let generatedColumn = 0
    for (const segment of line.split(',')) {
      if (segment === '') continue
      const f = decodeVlq(segment)
      generatedColumn += f[0]
      if (f.length >= 4) {
        sourceColumn += f[3]
        segments.push([generatedColumn, sourceColumn])
      }
    }
    lines.push(segments)
  }
  return lines
}
