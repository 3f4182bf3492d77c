/**
 * Text from a scenario (its labels, messages, errors) or another program shown on a terminal:
 * every control character escaped (`\x1b`, `\x07`, `\x9b`, ...) so no escape sequence reaches
 * the terminal (OSC 52 clipboard writes, title changes, cursor moves). Pure: CLI and app alike.
 */

/** C0 controls but tab and newline, DEL, and C1 controls (0x80-0x9f, CSI among them). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g
// eslint-disable-next-line no-control-regex
const CONTROL_OR_NEWLINE = /[\u0000-\u001f\u007f-\u009f]/g

function hex(c: string): string {
  return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`
}

/** The one sequence of our own the CLI writes: back to the line's start and erase it. */
export const CLEAR_LINE = '\r\x1b[K'

/**
 * Text for a terminal: control characters escaped but for newlines, tabs and the CLI's own
 * CLEAR_LINE (the progress line's redraw).
 */
export function forTerminal(s: string): string {
  if (!s.includes(CLEAR_LINE)) return showControls(s)
  return s
    .split(CLEAR_LINE)
    .map((part) => showControls(part))
    .join(CLEAR_LINE)
}

/**
 * JSON text whose DEL and C1 characters (which JSON.stringify leaves raw inside strings) are
 * \u escapes: the same JSON, safe on a terminal, and untouched by forTerminal().
 */
export function jsonForTerminal(json: string): string {
  return json.replace(/[\u007f-\u009f]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`)
}

/** `s` with control characters escaped; newlines and tabs kept unless `oneLine`. */
export function showControls(s: string, oneLine = false): string {
  return s.replace(oneLine ? CONTROL_OR_NEWLINE : CONTROL, hex)
}
