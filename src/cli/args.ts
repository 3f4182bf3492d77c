/**
 * Command-line parsing (node:util parseArgs, no dependency). Pure: argv in, a command or a usage
 * error out, so every rule here is testable without spawning a process.
 */
import { parseArgs } from 'node:util'
import { VARIANT_NAMES, type VariantName } from '../shared/result'

/** `text`: the summary; `json`: the result JSON; `lkp`, `mmtests`: comparison tables for mail. */
export type OutputFormat = 'text' | 'json' | 'lkp' | 'mmtests'
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json', 'lkp', 'mmtests']

export interface RunOptions {
  /** The scenario file as the user typed it; undefined runs the default scenario. */
  file?: string
  variants?: VariantName[]
  seed?: number
  /** `-` for stdout, else a path written atomically. */
  json?: string
  /** A directory for results.json, results.csv, report.txt and the charts (.svg, .png). */
  out?: string
  format: OutputFormat
  /** Script time allowed per variant, ms (RunRequest.limits.timeMs). */
  timeLimitMs?: number
}

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'run'; options: RunOptions }
  | { kind: 'usage-error'; message: string }

/** Seeds are whole numbers that survive a round trip through a 32-bit RNG state unchanged. */
const MAX_SEED = 2 ** 32 - 1

export const USAGE = `Usage: hugeswap run [FILE] [options]

Runs a Hugeswap scenario once per kernel variant on a simulated machine and prints a plain-text
report. FILE defaults to scenarios/one-thp.ts, the example the app opens with.

Options:
  --variants a,b       run only these variants, in this order:
                       ${VARIANT_NAMES.join(', ')}
  --seed N             override the scenario's seed (0 to ${MAX_SEED})
  --json PATH|-        write the result JSON to PATH (atomically), or with - to stdout, which
                       then holds the JSON and nothing else
  --out DIR            write results.json, results.csv, report.txt and the charts (.svg, .png)
                       into DIR
  --time-limit MS      script time allowed per variant, in ms (default 10000); time spent
                       inside the simulator does not count
  --format FORMAT      what to print on stdout: text (default), json, or lkp / mmtests
                       (variants compared against baseline as 0-day and mmtests print them)
  -h, --help           show this help
  -V, --version        show the tool version and model revision

Exit status: 0 every k.expect passed, 1 some check failed, 2 the scenario could not run
(syntax or runtime error, time or memory limit, bad option, unreadable file).
`

const OPTIONS = {
  variants: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  'time-limit': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const

function usageError(message: string): Command {
  return { kind: 'usage-error', message }
}

export function parseCommandLine(argv: readonly string[]): Command {
  let parsed
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true })
  } catch (err) {
    return usageError(describeParseError(err))
  }
  const { values, positionals } = parsed
  if (values.help) return { kind: 'help' }
  if (values.version) return { kind: 'version' }

  const [command, ...rest] = positionals
  if (command === undefined) return usageError('missing command (try: hugeswap run)')
  if (command === 'help') return { kind: 'help' }
  if (command !== 'run') return usageError(`unknown command '${command}' (try: hugeswap run)`)
  if (rest.length > 1)
    return usageError(`run takes one FILE, got ${rest.length}: ${rest.join(' ')}`)

  const options: RunOptions = { format: 'text' }
  if (rest[0] !== undefined) {
    if (rest[0] === '') return usageError('FILE is empty')
    options.file = rest[0]
  }
  if (values.variants !== undefined) {
    const variants = parseVariants(values.variants)
    if (typeof variants === 'string') return usageError(variants)
    options.variants = variants
  }
  if (values.seed !== undefined) {
    const seed = parseSeed(values.seed)
    if (typeof seed === 'string') return usageError(seed)
    options.seed = seed
  }
  if (values.json !== undefined) {
    if (values.json === '') return usageError('--json needs a PATH or -')
    options.json = values.json
  }
  if (values.out !== undefined) {
    if (values.out === '') return usageError('--out needs a DIR')
    options.out = values.out
  }
  if (values['time-limit'] !== undefined) {
    const ms = /^\d+$/.test(values['time-limit']) ? Number(values['time-limit']) : NaN
    if (!(ms >= 1 && ms <= 3_600_000)) {
      return usageError(
        `--time-limit must be a whole number of ms from 1 to 3600000, not '${values['time-limit']}'`,
      )
    }
    options.timeLimitMs = ms
  }
  if (values.format !== undefined) {
    if (!(OUTPUT_FORMATS as readonly string[]).includes(values.format)) {
      return usageError(
        `--format must be one of ${OUTPUT_FORMATS.join(', ')}, not '${values.format}'`,
      )
    }
    options.format = values.format as OutputFormat
  }
  return { kind: 'run', options }
}

/** `a,b` → validated variant names, or an error message. */
export function parseVariants(text: string): VariantName[] | string {
  const names = text.split(',').map((name) => name.trim())
  const result: VariantName[] = []
  for (const name of names) {
    if (name === '') return `--variants: empty name in '${text}'`
    if (!(VARIANT_NAMES as readonly string[]).includes(name)) {
      return `--variants: unknown variant '${name}' (known: ${VARIANT_NAMES.join(', ')})`
    }
    if ((result as string[]).includes(name)) return `--variants: '${name}' given twice`
    result.push(name as VariantName)
  }
  return result
}

/** A decimal seed, or an error message. */
export function parseSeed(text: string): number | string {
  const seed = /^\d+$/.test(text) ? Number(text) : NaN
  if (!(seed <= MAX_SEED))
    return `--seed must be a whole number from 0 to ${MAX_SEED}, not '${text}'`
  return seed
}

/** parseArgs' messages are written for programmers; these are for someone at a prompt. */
function describeParseError(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  const code = (err as NodeJS.ErrnoException).code
  const quoted = /'([^']+)'/.exec(err.message)?.[1]
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && quoted) return `unknown option '${quoted}'`
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && quoted) {
    const option = quoted.split(' ')[0]
    if (/does not take/.test(err.message)) return `option '${option}' takes no value`
    if (/ambiguous/.test(err.message)) {
      return `option '${option}' needs a value (write ${option}=-X for a value starting with -)`
    }
    return `option '${option}' needs a value`
  }
  return err.message.split('\n')[0]
}
