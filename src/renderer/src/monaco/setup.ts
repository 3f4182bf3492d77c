/**
 * Monaco 0.57 wiring (0.56 moved the entry points; without MonacoEnvironment the editor worker is
 * not bundled and fails to load): the explicit entry points, both workers bundled
 * by Vite's `?worker`, and the scenario typings registered as the `hugeswap` package so
 * `import { defineScenario } from 'hugeswap'` type-checks with IntelliSense.
 */
import * as monaco from 'monaco-editor/editor'
import 'monaco-editor/languages/definitions/typescript/register'
import * as ts from 'monaco-editor/languages/features/typescript/register'
import 'monaco-editor/features/register.all'
import EditorWorker from 'monaco-editor/editor/editor.worker?worker'
import TsWorker from 'monaco-editor/language/typescript/ts.worker?worker'
import hugeswapDts from '../../../scenario/hugeswap.d.ts?raw'

export const HUGESWAP_TYPINGS_URI = 'file:///node_modules/hugeswap/index.d.ts'

self.MonacoEnvironment = {
  getWorker: (_workerId: string, label: string) =>
    label === 'typescript' || label === 'javascript' ? new TsWorker() : new EditorWorker(),
}

ts.typescriptDefaults.setCompilerOptions({
  target: ts.ScriptTarget.ES2020,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.NodeJs,
  lib: ['es2020'],
  strict: true,
  noEmit: true,
  allowNonTsExtensions: true,
  isolatedModules: true,
})
ts.typescriptDefaults.setEagerModelSync(true)
ts.typescriptDefaults.addExtraLib(hugeswapDts, HUGESWAP_TYPINGS_URI)

export { monaco, ts }
