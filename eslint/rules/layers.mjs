// @ts-check
/**
 * `local/layers`: every import of a file under src/ is checked against the layer matrix given as
 * the rule's option (the table is in eslint.config.mjs). Each relative import is resolved against
 * the importing file's own path, so the fence holds at any depth; bare specifiers are sorted into
 * Node built-ins (`node:fs`, `fs`), `electron`, and npm packages by name.
 *
 * Checked: `import ... from`, `import 'x'`, `export ... from`, `import('x')` with a literal,
 * `import x = require('x')`, `require('x')`, and `import('x').T` in types. An import whose every
 * binding is a type (`import type`, `import { type A }`, `export type ... from`, `import('x').T`)
 * is type-only: it is erased at build time and may also use the matrix's `types` column.
 *
 * A file under src/ that no layer matches is itself an error: a new top-level folder must be
 * added to the matrix before it can import anything.
 */
import { builtinModules } from 'node:module'
import { dirname, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (this file is eslint/rules/layers.mjs). */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const SRC = resolve(ROOT, 'src')
const BUILTINS = new Set(builtinModules)

/**
 * @typedef {{ layers?: string[], types?: string[], packages?: string[] }} LayerRule
 * @typedef {{ layers: Record<string, LayerRule>, outside?: string[],
 *   tests?: { files: string, packages: string[] } }} Options
 */

/** `a/b-*` -> /^a\/b-[^/]*$/: a layer key names a folder under src/, or files by a glob. */
function keyPattern(/** @type {string} */ key) {
  const body = key
    .split('*')
    .map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
    .join('[^/]*')
  return key.includes('*') ? new RegExp(`^${body}$`) : new RegExp(`^${body}(/|$)`)
}

/** The most specific layer key matching `rel` (a path under src/ with forward slashes). */
function layerOf(/** @type {string} */ rel, /** @type {[string, RegExp][]} */ keys) {
  let best
  for (const [key, re] of keys) if (re.test(rel) && (!best || key.length > best.length)) best = key
  return best
}

/** What a bare specifier is: 'node:' (a Node built-in), 'electron', or its package name. */
function packageOf(/** @type {string} */ spec) {
  if (spec.startsWith('node:')) return 'node:'
  const parts = spec.split('/')
  const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
  if (BUILTINS.has(name)) return 'node:'
  return name
}

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'Imports between src/ folders and of packages follow the layer matrix.' },
    schema: [{ type: 'object' }],
    messages: {
      layer:
        '{{from}} may not import {{to}} ({{spec}}): see the layer matrix in eslint.config.mjs.',
      typesOnly:
        '{{from}} may import only types from {{to}} ({{spec}}): use `import type`, or see the layer matrix in eslint.config.mjs.',
      pkg: '{{from}} may not import {{what}} ({{spec}}): see the layer matrix in eslint.config.mjs.',
      outside:
        '{{from}} may not import {{spec}}, outside src/: see the layer matrix in eslint.config.mjs.',
      unknown:
        '{{file}} is in no layer of the layer matrix (eslint.config.mjs): add its folder there.',
    },
  },
  create(context) {
    const options = /** @type {Options} */ (context.options[0])
    const file = resolve(context.cwd, context.filename)
    const rel = relative(SRC, file).split(sep).join('/')
    if (rel.startsWith('../') || rel === '..' || rel.startsWith('/')) return {}
    const keys = /** @type {[string, RegExp][]} */ (
      Object.keys(options.layers).map((k) => [k, keyPattern(k)])
    )
    const from = layerOf(rel, keys)
    if (!from) {
      return {
        Program(node) {
          context.report({ node, messageId: 'unknown', data: { file: `src/${rel}` } })
        },
      }
    }
    const rule = options.layers[from]
    const isTest = options.tests ? new RegExp(options.tests.files).test(rel) : false
    const packages = new Set([
      ...(rule.packages ?? []),
      ...(isTest ? (options.tests?.packages ?? []) : []),
    ])
    const fromName = `src/${from}`

    /**
     * @param {import('estree').Node} node
     * @param {unknown} source the specifier node (only string literals are checked)
     * @param {boolean} typeOnly
     */
    function check(node, source, typeOnly) {
      const lit = /** @type {{ type?: string, value?: unknown }} */ (source)
      if (!lit || lit.type !== 'Literal' || typeof lit.value !== 'string') return
      const spec = lit.value
      const path = spec.replace(/[?#].*$/, '')
      if (path.startsWith('.') || path.startsWith('/')) {
        const target = resolve(dirname(file), path)
        const targetRel = relative(SRC, target).split(sep).join('/')
        if (targetRel.startsWith('../') || targetRel === '..') {
          const outRel = relative(ROOT, target).split(sep).join('/')
          const top = outRel.split('/')[0]
          if (!(options.outside ?? []).some((o) => o === top)) {
            context.report({ node, messageId: 'outside', data: { from: fromName, spec } })
          }
          return
        }
        const to = layerOf(targetRel, keys)
        if (to === from) return
        const toName = to ? `src/${to}` : `src/${targetRel}`
        if (to && (rule.layers ?? []).includes(to)) return
        if (to && typeOnly && (rule.types ?? []).includes(to)) return
        if (to && (rule.types ?? []).includes(to)) {
          context.report({
            node,
            messageId: 'typesOnly',
            data: { from: fromName, to: toName, spec },
          })
          return
        }
        context.report({ node, messageId: 'layer', data: { from: fromName, to: toName, spec } })
        return
      }
      const pkg = packageOf(path)
      if (packages.has(pkg)) return
      if (typeOnly && (rule.types ?? []).includes(pkg)) return
      const what =
        pkg === 'node:' ? 'Node built-ins' : pkg === 'electron' ? 'electron' : `the package ${pkg}`
      context.report({ node, messageId: 'pkg', data: { from: fromName, what, spec } })
    }

    /** @param {any} node */
    const allTypes = (node) =>
      node.importKind === 'type' ||
      node.exportKind === 'type' ||
      (node.specifiers?.length > 0 &&
        node.specifiers.every(
          (/** @type {any} */ s) => s.importKind === 'type' || s.exportKind === 'type',
        ))

    return {
      ImportDeclaration(node) {
        check(node, node.source, allTypes(node))
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node, node.source, allTypes(node))
      },
      ExportAllDeclaration(node) {
        check(node, node.source, allTypes(node))
      },
      ImportExpression(node) {
        check(node, node.source, false)
      },
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') {
          check(node, node.arguments[0], false)
        }
      },
      /** @param {any} node */
      TSImportEqualsDeclaration(node) {
        if (node.moduleReference?.type === 'TSExternalModuleReference') {
          check(node, node.moduleReference.expression, node.importKind === 'type')
        }
      },
      /** @param {any} node */
      TSImportType(node) {
        // typescript-eslint 8: `argument` is a TSLiteralType wrapping the string literal.
        const arg = node.argument?.type === 'TSLiteralType' ? node.argument.literal : node.argument
        check(node, arg, true)
      },
    }
  },
}
