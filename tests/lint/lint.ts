/**
 * ESLint with the repository's own eslint.config.mjs, on in-memory snippets given a path: what
 * the tests of tests/lint ask is what `npm run lint` would report for such a file there.
 */
import { resolve } from 'node:path'
import { ESLint } from 'eslint'

const root = resolve(import.meta.dirname, '../..')
let eslint: ESLint | undefined

/** Rules whose findings the snippets do not care about (a snippet's imports go unused). */
const NOISE = new Set(['@typescript-eslint/no-unused-vars', 'no-unused-vars'])

/** `rule: message` of every problem ESLint finds in `code` at `file` (relative to the root). */
export async function lint(file: string, code: string): Promise<string[]> {
  eslint ??= new ESLint({ cwd: root, overrideConfigFile: resolve(root, 'eslint.config.mjs') })
  const [result] = await eslint.lintText(code, { filePath: resolve(root, file), warnIgnored: true })
  return result.messages
    .filter((m) => !NOISE.has(m.ruleId ?? ''))
    .map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`)
}

/** The rule ids of `lint()`'s problems. */
export async function rules(file: string, code: string): Promise<string[]> {
  return (await lint(file, code)).map((p) => p.slice(0, p.indexOf(':')))
}
