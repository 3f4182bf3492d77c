/**
 * The CLI entry, bundled to out/cli/index.js by scripts/build-cli.mjs and started by bin/hugeswap.
 * `main` returns the exit status instead of calling process.exit, so stdout is never cut short.
 */
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { forTerminal } from '../shared/terminal'
import { TOOL_VERSION } from '../shared/version'
import { MODEL_ID } from '../sim/version'
import { USAGE, parseCommandLine } from './args'
import { calibrateCommand } from './calibrate/index'
import { compareCommand } from './compare'
import { exportSelftestCommand } from './export-selftest'
import { realCommand } from './real/index'
import { EXIT_CANNOT_RUN, EXIT_OK, runCommand, type CliEnv } from './run'
import { sweepCommand } from './sweep'

export async function main(argv: readonly string[]): Promise<number> {
  // `hugeswap run --json - | head` closes the pipe early: stop quietly, as cat and grep do.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err
    process.exit(process.exitCode ?? 0)
  })
  const command = parseCommandLine(argv)
  switch (command.kind) {
    case 'help':
      process.stdout.write(USAGE)
      return EXIT_OK
    case 'version':
      process.stdout.write(`hugeswap ${TOOL_VERSION}\nmodel ${MODEL_ID}\n`)
      return EXIT_OK
    case 'usage-error':
      process.stderr.write(forTerminal(`hugeswap: ${command.message}\nTry 'hugeswap --help'.\n`))
      return EXIT_CANNOT_RUN
    case 'run':
      return runCommand(command.options, cliEnv())
    case 'compare':
      return compareCommand(command.options, cliEnv())
    case 'sweep':
      return sweepCommand(command.options, cliEnv())
    case 'export-selftest':
      return exportSelftestCommand(command.options, cliEnv())
    case 'real':
      return realCommand(command.options, cliEnv())
    case 'calibrate':
      return calibrateCommand(command.options, cliEnv())
  }
}

/**
 * A stream whose string writes pass through forTerminal(): what the CLI prints may carry a
 * scenario's strings (its labels, its error messages), and none of their control characters
 * reaches the terminal or a file the output is redirected to (an OSC 52 clipboard write, a
 * title change). Everything else about the stream is the stream's own.
 */
export function escapingStream<S extends NodeJS.WritableStream>(stream: S): S {
  return new Proxy(stream, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown
      if (key === 'write') {
        return (chunk: unknown, ...rest: unknown[]) =>
          (target.write as (...a: unknown[]) => boolean)(
            typeof chunk === 'string' ? forTerminal(chunk) : chunk,
            ...rest,
          )
      }
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

function cliEnv(): CliEnv {
  return {
    stdout: escapingStream(process.stdout),
    stderr: escapingStream(process.stderr),
    cwd: process.cwd(),
    // out/cli/index.js and src/cli/index.ts both sit two levels below the package root.
    packageRoot: fileURLToPath(new URL('../../', import.meta.url)),
    processEntry: new URL('./scenario-process.js', import.meta.url),
  }
}

// `node out/cli/index.js run ...` works too, without the launcher's rebuild check.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = await main(process.argv.slice(2))
  } catch (err) {
    // A bug of ours: one line and exit status 2, the stack only when asked for.
    const message = err instanceof Error ? err.message : String(err)
    process.stderr.write(forTerminal(`hugeswap: internal error: ${message}\n`))
    if (process.env['HUGESWAP_DEBUG'])
      process.stderr.write(forTerminal(`${(err as Error)?.stack}\n`))
    else process.stderr.write('hugeswap: HUGESWAP_DEBUG=1 shows where it happened\n')
    process.exitCode = EXIT_CANNOT_RUN
  }
}
