/**
 * The repository stands on its own: no file refers to a document outside it, and every link to a
 * file of the repository (a Markdown link, or a `docs/<name>.md#<anchor>` written in a comment) names
 * a file that exists and, for a Markdown file, a heading it has.
 *
 * The files are those git tracks plus the new ones it would add (`--others --exclude-standard`),
 * as they are in the working tree.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')

const files = execFileSync(
  'git',
  ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
  {
    cwd: ROOT,
    encoding: 'utf8',
  },
)
  .split('\0')
  .filter((f) => f !== '' && existsSync(join(ROOT, f)) && statSync(join(ROOT, f)).isFile())

const TEXT = /\.(ts|mts|mjs|js|cjs|vue|json|md|txt|yml|yaml|html|css|c|h|sh)$|^bin\/|^\.ci\//
const textFiles = files.filter((f) => TEXT.test(f))

function read(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8')
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, -1 for repeats. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  for (const line of withoutCode(markdown).split('\n')) {
    const id = /<a\s+(?:id|name)="([^"]+)"/.exec(line)
    if (id) anchors.add(id[1])
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
    if (!heading) continue
    const slug = heading[1]
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-')
    const n = seen.get(slug) ?? 0
    seen.set(slug, n + 1)
    anchors.add(n === 0 ? slug : `${slug}-${n}`)
  }
  return anchors
}

/** Markdown without fenced code blocks and inline code spans (their brackets are not links). */
function withoutCode(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '')
}

/** Where `target` (a path, maybe with #anchor) written in `from` points, or an error. */
function checkTarget(from: string, target: string, base: string): string | undefined {
  const [path, anchor] = target.split('#') as [string, string | undefined]
  const file = path === '' ? from : relative(ROOT, resolve(base, decodeURI(path)))
  if (file.startsWith('..')) return `${from}: '${target}' points outside the repository`
  if (!existsSync(join(ROOT, file))) return `${from}: '${target}': no such file`
  if (anchor && file.endsWith('.md') && !anchorsOf(read(file)).has(anchor)) {
    return `${from}: '${target}': ${file} has no heading '#${anchor}'`
  }
  return undefined
}

describe('no file refers to a document outside the repository', () => {
  // Spelled in pieces so that this file does not match itself.
  const outside = [
    new RegExp(['CONTRACT', 'md'].join('\\.')),
    new RegExp(['domain', 'md'].join('\\.')),
    new RegExp(['shared', '(reference/)?[\\w-]+\\.md'].join('/')),
    new RegExp(['(^|[^\\w/.-])reference', '[\\w-]+\\.md'].join('/')),
  ]

  it('the project notes the repository was built from', () => {
    const hits: string[] = []
    for (const file of textFiles) {
      const lines = read(file).split('\n')
      lines.forEach((line, i) => {
        if (outside.some((re) => re.test(line))) hits.push(`${file}:${i + 1}: ${line.trim()}`)
      })
    }
    expect(hits).toEqual([])
  })
})

describe('links to files of the repository resolve', () => {
  it('Markdown links', () => {
    const broken: string[] = []
    for (const file of textFiles.filter((f) => f.endsWith('.md'))) {
      const text = withoutCode(read(file))
      for (const m of text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const target = m[1]
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue // http:, https:, mailto:
        const error = checkTarget(file, target, dirname(join(ROOT, file)))
        if (error) broken.push(error)
      }
    }
    expect(broken).toEqual([])
  })

  it('docs/ files named in code and comments', () => {
    const broken: string[] = []
    for (const file of textFiles) {
      if (file.startsWith('tests/golden/')) continue
      for (const m of read(file).matchAll(/(?<![\w/.-])docs\/[\w.-]+\.(?:md|json)(?:#[\w-]+)?/g)) {
        const error = checkTarget(file, m[0], ROOT)
        if (error) broken.push(error)
      }
    }
    expect(broken).toEqual([])
  })

  it('docs/README.md lists every document in docs/', () => {
    const index = read('docs/README.md')
    const docs = textFiles.filter(
      (f) => /^docs\/[^/]+\.(md|json)$/.test(f) && f !== 'docs/README.md',
    )
    const missing = docs.filter((f) => !index.includes(`](${f.slice('docs/'.length)})`))
    expect(missing).toEqual([])
  })
})
