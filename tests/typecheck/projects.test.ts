/**
 * The root typecheck (`npm run typecheck`: `vue-tsc -b --noEmit` over tsconfig.json's
 * references) holds every source file of the repository: a file that no project includes is
 * never type-checked, and nothing would say so. Also that it is the command `npm test` runs.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')

/** Trees that hold no source of ours: generated, vendored or data. */
const SKIP = new Set(['node_modules', 'out', 'dist', 'coverage', '.git', 'tests/golden'])
/**
 * scenarios/ is type-checked by tests/scenario/typings.test.ts, against hugeswap.d.ts alone, as a
 * user's editor sees it; a project of the solution would check them against more than that.
 */
const ELSEWHERE = ['scenarios/']
const SOURCE = /\.(ts|mts|cts|vue|js|mjs|cjs)$/

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = dir ? `${dir}/${e.name}` : e.name
    if (SKIP.has(rel) || SKIP.has(e.name)) return []
    if (e.isDirectory()) return sources(rel)
    return SOURCE.test(e.name) ? [rel] : []
  })
}

const VUE: ts.FileExtensionInfo[] = [
  { extension: '.vue', isMixedContent: true, scriptKind: ts.ScriptKind.Deferred },
]

function fail(d: ts.Diagnostic): never {
  throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'))
}

/** The root files of a project (its include, files and exclude), relative to the root. */
function projectFiles(config: string): string[] {
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: fail,
  }
  const parsed = ts.getParsedCommandLineOfConfigFile(config, {}, host, undefined, undefined, VUE)
  if (!parsed) throw new Error(`${config}: not parsed`)
  const errors = parsed.errors.filter((e) => e.code !== 18003) // "no inputs" is the next test's
  if (errors.length) fail(errors[0])
  return parsed.fileNames.map((f) => relative(root, f))
}

function references(config: string): string[] {
  const { config: json, error } = ts.readConfigFile(config, ts.sys.readFile)
  if (error) fail(error)
  return (json.references as { path: string }[]).map((r) => resolve(dirname(config), r.path))
}

describe('the root typecheck', () => {
  const solution = join(root, 'tsconfig.json')
  const projects = references(solution)

  it('covers every source file but scenarios/ (checked by tests/scenario/typings.test.ts)', () => {
    const covered = new Set(projects.flatMap(projectFiles))
    const missing = sources('').filter(
      (f) => !covered.has(f) && !ELSEWHERE.some((p) => f.startsWith(p)),
    )
    expect(missing).toEqual([])
    expect(readFileSync(join(root, 'tests/scenario/typings.test.ts'), 'utf8')).toContain(
      "'scenarios'",
    )
  })

  it('every project holds files, and src/scenario/hugeswap.d.ts is checked, not skipped', () => {
    for (const p of projects) expect(projectFiles(p), relative(root, p)).not.toEqual([])
    const api = projects.filter((p) => projectFiles(p).includes('src/scenario/hugeswap.d.ts'))
    expect(api).toHaveLength(1)
    const { options } = ts.getParsedCommandLineOfConfigFile(
      api[0],
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: fail,
      },
    )!
    expect(options.skipLibCheck).toBe(false)
  })

  it('is what `npm run typecheck` runs, and `npm test` runs it', () => {
    const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
    expect(scripts.typecheck).toBe('vue-tsc -b tsconfig.json --noEmit')
    expect(scripts.test).toMatch(/^npm run typecheck && /)
  })
})
