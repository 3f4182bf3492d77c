// @ts-check
/**
 * `local/kernel-tags`: in src/sim/mm, a function with a kernel name (lower case with an
 * underscore: `do_swap_page`, `__split_huge_pmd`) exists in Linux and says where, in its JSDoc:
 * `@kernel <file> <function>()`, or `@kernel-series <link>` for a function of the PMD-swap series
 * (ARCHITECTURE.md, "Kernel names for kernel things"). camelCase names are the model's own.
 *
 * Checked: function declarations (any depth, overloads together: one tagged declaration of the
 * name is enough), and module-level `const name = () => ...` / `function () {}`, exported or
 * not. The JSDoc is the `/** ... *\/` comment right before the declaration or its `export`.
 */

/** A kernel-style name: lower case, digits and underscores, with at least one underscore. */
const KERNEL_NAME = /^(?=.*[a-z])[a-z0-9_]*_[a-z0-9_]*$/
const TAG = /@kernel(?:-series)?\s+\S/

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'suggestion',
    docs: { description: 'snake_case functions in src/sim/mm carry @kernel or @kernel-series.' },
    schema: [],
    messages: {
      missing:
        "{{name}} has a kernel name but no `@kernel <file> <function>()` (or `@kernel-series <link>`) in its JSDoc; a name of the model's own is camelCase.",
    },
  },
  create(context) {
    const source = context.sourceCode
    /** @type {Map<string, { node: import('estree').Node, tagged: boolean }>} */
    const seen = new Map()

    /** Whether the JSDoc right before `node` (or before its `export`) has the tag. */
    function tagged(/** @type {any} */ node) {
      let target = node
      if (target.parent?.type === 'ExportNamedDeclaration') target = target.parent
      if (target.parent?.type === 'ExportDefaultDeclaration') target = target.parent
      const comments = source.getCommentsBefore(target)
      const doc = comments.at(-1)
      return !!doc && doc.type === 'Block' && doc.value.startsWith('*') && TAG.test(doc.value)
    }

    /** @param {any} node @param {string} name @param {any} at */
    function note(node, name, at) {
      if (!KERNEL_NAME.test(name)) return
      // Overloads and their implementation share one entry, keyed by scope and name.
      let scope = at.parent
      while (scope?.type.startsWith('Export')) scope = scope.parent
      const key = `${scope?.range?.[0] ?? 0}:${name}`
      const entry = seen.get(key)
      const ok = tagged(at)
      if (entry) entry.tagged ||= ok
      else seen.set(key, { node, tagged: ok })
    }

    return {
      /** @param {any} node */
      'FunctionDeclaration, TSDeclareFunction'(node) {
        if (node.id) note(node.id, node.id.name, node)
      },
      /** @param {any} node */
      VariableDeclarator(node) {
        const decl = node.parent
        const level =
          decl.parent?.type === 'ExportNamedDeclaration' ? decl.parent.parent : decl.parent
        if (decl.kind !== 'const' || level?.type !== 'Program') return
        if (node.id.type !== 'Identifier') return
        const init = node.init
        if (init?.type !== 'ArrowFunctionExpression' && init?.type !== 'FunctionExpression') return
        // The JSDoc sits before the whole `const` statement when it declares one name.
        note(node.id, node.id.name, decl.declarations.length === 1 ? decl : node)
      },
      'Program:exit'() {
        for (const [key, { node, tagged }] of seen) {
          if (!tagged) {
            context.report({ node, messageId: 'missing', data: { name: key.split(':')[1] } })
          }
        }
      },
    }
  },
}
