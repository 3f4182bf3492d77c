import { describe, expect, it } from 'vitest'
import { parseCommandLine, type Command } from '../../src/cli/args'

const run = (...argv: string[]): Command => parseCommandLine(argv)
const errorOf = (...argv: string[]): string => {
  const command = parseCommandLine(argv)
  if (command.kind !== 'usage-error') throw new Error(`expected a usage error, got ${command.kind}`)
  return command.message
}

describe('command line', () => {
  it('runs the default scenario with text output', () => {
    expect(run('run')).toEqual({ kind: 'run', options: { format: 'text' } })
  })

  it('takes a file and every option', () => {
    expect(
      run(
        'run',
        'x.ts',
        '--variants',
        'pmd-swap, baseline',
        '--seed=42',
        '--json',
        '-',
        '--format',
        'json',
      ),
    ).toEqual({
      kind: 'run',
      options: {
        file: 'x.ts',
        variants: ['pmd-swap', 'baseline'],
        seed: 42,
        json: '-',
        format: 'json',
      },
    })
  })

  it('answers --help and --version anywhere', () => {
    expect(run('--help')).toEqual({ kind: 'help' })
    expect(run('run', '-h')).toEqual({ kind: 'help' })
    expect(run('help')).toEqual({ kind: 'help' })
    expect(run('-V')).toEqual({ kind: 'version' })
  })

  it('rejects what it does not understand, saying what', () => {
    expect(errorOf()).toMatch(/missing command/)
    expect(errorOf('walk')).toMatch(/unknown command 'walk'/)
    expect(errorOf('run', '--bogus')).toBe("unknown option '--bogus'")
    expect(errorOf('run', 'a.ts', 'b.ts')).toMatch(/one FILE/)
    expect(errorOf('run', '--seed')).toBe("option '--seed' needs a value")
    expect(errorOf('run', '--seed', '--json', '-')).toMatch(/'--seed' needs a value/)
    expect(errorOf('run', '--help=yes')).toMatch(/takes no value/)
    expect(errorOf('run', '--out=')).toMatch(/--out needs a DIR/)
  })

  it('validates variant names against the four variants', () => {
    expect(errorOf('run', '--variants', 'baseline,thp')).toMatch(
      /unknown variant 'thp'.*baseline, lazy-deposit/,
    )
    expect(errorOf('run', '--variants', 'baseline,,pmd-swap')).toMatch(/empty name/)
    expect(errorOf('run', '--variants', 'baseline,baseline')).toMatch(/given twice/)
  })

  it('takes whole, non-negative 32-bit seeds only', () => {
    for (const bad of ['-1', '1.5', '1e3', '0x10', '', ' 1', '4294967296']) {
      expect(errorOf('run', `--seed=${bad}`)).toMatch(/--seed must be a whole number/)
    }
    expect(run('run', '--seed', '4294967295')).toMatchObject({ options: { seed: 4294967295 } })
  })

  it('knows the text, json, lkp and mmtests formats', () => {
    expect(run('run', '--format', 'mmtests')).toMatchObject({ options: { format: 'mmtests' } })
    expect(errorOf('run', '--format', 'html')).toMatch(
      /--format must be one of text, json, lkp, mmtests/,
    )
  })
})
