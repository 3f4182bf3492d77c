/**
 * The layer matrix of eslint.config.mjs holds at any depth, and lets through what the code needs:
 * each case lints a snippet as if it were a file at that path, with the repository's own config.
 * A fence that stops holding (a glob that no longer matches, a rule turned off) fails here.
 */
import { describe, expect, it } from 'vitest'
import { lint, rules } from './lint'

const LAYERS = 'local/layers'

describe('the layer matrix refuses', () => {
  it.each([
    // src/sim imports nothing outside itself, however deep the file sits.
    ['src/sim/mm/deep/x/y.ts', "import { a } from '../../../../report/x'"],
    ['src/sim/a/b/c/d/e/f.ts', "import { a } from '../../../../../../shared/result'"],
    ['src/sim/index.ts', "import { a } from '../shared/result'"],
    ['src/sim/mm/x.ts', "import { readFileSync } from 'node:fs'"],
    ['src/sim/mm/x.ts', "import { readFileSync } from 'fs'"],
    ['src/sim/engine/x.ts', "import { a } from 'echarts'"],
    ['src/sim/a/b/c/x.ts', "export * from '../../../../report/x'"],
    ['src/sim/a/b/c/x.ts', "export { a } from '../../../../report/x'"],
    ['src/sim/a/b/x.ts', "const m = await import('../../../report/x')"],
    ['src/sim/a/b/x.ts', "type T = import('../../../report/x').T"],
    ['src/sim/a/b/x.ts', "import type { T } from '../../../shared/result'"],
    // src/report and src/shared run in browsers too: no Node, no native modules, no Electron.
    ['src/report/x.ts', "import { readFileSync } from 'node:fs'"],
    ['src/report/text/deep/x.ts', "import { join } from 'path'"],
    ['src/report/x.ts', "const fs = await import('node:fs')"],
    ['src/report/x.ts', "import { Resvg } from '@resvg/resvg-js'"],
    ['src/report/x.ts', "import { app } from 'electron'"],
    ['src/report/charts/x.ts', "import { a } from '../../cli/args'"],
    ['src/report/charts/x.ts', "import { a } from '../../scenario/runner'"],
    ['src/shared/x.ts', "import { a } from '../report/export'"],
    ['src/shared/x.ts', "import { a } from 'vue'"],
    // The renderer is a web page: no Node, no Electron, no main, cli or node code.
    ['src/renderer/src/stores/x.ts', "import { readFileSync } from 'node:fs'"],
    ['src/renderer/src/stores/x.ts', "import { shell } from 'electron'"],
    ['src/renderer/src/stores/x.ts', "import { a } from '../../../main/app'"],
    ['src/renderer/src/stores/x.ts', "import { a } from '../../../cli/args'"],
    ['src/renderer/src/stores/x.ts', "import { a } from '../../../node/write-file'"],
    ['src/renderer/src/stores/x.ts', "import { a } from '../../../scenario/node-host'"],
    // Only cli and main host scenario processes; the browser-safe scenario code does not.
    ['src/scenario/runner.ts', "import { fork } from 'node:child_process'"],
    ['src/scenario/web-worker.ts', "import { a } from './node-host'"],
    ['src/node/x.ts', "import { a } from '../cli/args'"],
    ['src/node/x.ts', "import { app } from 'electron'"],
    ['src/cli/x.ts', "import { app } from 'electron'"],
    ['src/cli/x.ts', "import { a } from '../main/app'"],
    ['src/main/x.ts', "import { a } from '../cli/args'"],
    ['src/main/x.ts', "import { a } from '../renderer/src/stores/run'"],
    // The preload needs the channel map's types only.
    ['src/preload/x.ts', "import { CHANNELS } from '../shared/ipc'"],
    ['src/preload/x.ts', "import { readFileSync } from 'node:fs'"],
    // Nothing outside src/ but the example scenarios.
    ['src/report/x.ts', "import { a } from '../../scripts/bench.mjs'"],
    ['src/cli/x.ts', "import { a } from '../../tests/cli/helpers'"],
    // A test beside the code may use test packages, not other layers.
    ['src/shared/x.test.ts', "import { a } from '../report/charts/real'"],
    // Test packages are for tests only.
    ['src/report/x.ts', "import { describe } from 'vitest'"],
  ])('%s: %s', async (file, code) => {
    expect(await rules(file, code)).toEqual([LAYERS])
  })

  it('a .vue file of the renderer that imports node:fs', async () => {
    const vue = `<script setup lang="ts">\nimport { readFileSync } from 'node:fs'\nreadFileSync('x')\n</script>\n<template><div /></template>\n`
    expect(await rules('src/renderer/src/components/deep/a/B.vue', vue)).toEqual([LAYERS])
  })

  it('a file in a folder of src/ that the matrix does not know', async () => {
    const problems = await lint('src/newfolder/x.ts', 'export const a = 1')
    expect(problems).toEqual([
      expect.stringMatching(/^local\/layers: src\/newfolder\/x\.ts is in no layer/),
    ])
  })

  it('says which layer may not import what', async () => {
    expect(
      await lint('src/sim/mm/deep/x/y.ts', "export { a } from '../../../../report/x'"),
    ).toEqual([
      'local/layers: src/sim may not import src/report (../../../../report/x): see the layer matrix in eslint.config.mjs.',
    ])
  })
})

describe('the layer matrix lets through', () => {
  it.each([
    ['src/sim/mm/deep/x/y.ts', "import { a } from '../../../include/units'"],
    ['src/sim/index.ts', "import { a } from './mm/memory'"],
    ['src/shared/result.ts', "export * from '../sim/result'"],
    ['src/report/charts/x.ts', "import type { ResultJson } from '../../shared/result'"],
    ['src/report/charts/x.ts', "import { use } from 'echarts/core'"],
    ['src/report/vocabulary.ts', "import { VM_EVENTS } from '../sim/include/vmstat'"],
    ['src/report/charts/x.test.ts', "import { it } from 'vitest'"],
    ['src/scenario/transpile.ts', "import { transform } from 'sucrase'"],
    ['src/scenario/node-host.ts', "import { fork } from 'node:child_process'"],
    ['src/scenario/node-host.ts', "import { a } from './limits'"],
    ['src/node/write-file.ts', "import { rename } from 'node:fs/promises'"],
    ['src/cli/a/b/c.ts', "import { a } from '../../../scenario/node-host'"],
    ['src/cli/a/b/c.ts', "import { a } from '../../../report/text/metrics'"],
    ['src/cli/a/b/c.ts', "import { a } from '../../../node/write-file'"],
    ['src/cli/a/b/c.ts', "import { spawn } from 'child_process'"],
    ['src/main/index.ts', "import path from '../scenario/scenario-process?modulePath'"],
    ['src/main/services/x.ts', "import { app } from 'electron'"],
    ['src/preload/index.ts', "import type { HugeswapApi } from '../shared/ipc'"],
    ['src/preload/index.ts', "import { type HugeswapApi } from '../shared/ipc'"],
    ['src/preload/index.ts', "import { contextBridge } from 'electron'"],
    ['src/renderer/src/stores/x.ts', "import src from '../../../../scenarios/one-thp.ts?raw'"],
    ['src/renderer/src/stores/x.ts', "import dts from '../../../scenario/hugeswap.d.ts?raw'"],
    ['src/renderer/src/stores/x.ts', "import { a } from '../../../report/export'"],
    ['src/renderer/src/stores/x.ts', "import { defineStore } from 'pinia'"],
    ['src/renderer/src/stores/x.ts', "import * as monaco from 'monaco-editor/editor'"],
    ['src/renderer/src/stores/x.test.ts', "import 'fake-indexeddb/auto'"],
  ])('%s: %s', async (file, code) => {
    expect(await lint(file, code)).toEqual([])
  })

  it('a .vue file of the renderer that imports src/report', async () => {
    const vue = `<script setup lang="ts">\nimport { chartSvg } from '../../../../report/export'\nchartSvg()\n</script>\n<template><div /></template>\n`
    expect(await lint('src/renderer/src/components/deep/B.vue', vue)).toEqual([])
  })

  it('files outside src/ (tests import what they test)', async () => {
    expect(await lint('tests/cli/x.test.ts', "import { readFileSync } from 'node:fs'")).toEqual([])
  })
})

describe('src/sim has no clock, no randomness and no host, at any depth', () => {
  it.each([
    ['Date.now()', 'no-restricted-properties'],
    ['new Date()', 'no-restricted-syntax'],
    ['Date()', 'no-restricted-syntax'],
    ['performance.now()', 'no-restricted-globals'],
    ['Math.random()', 'no-restricted-properties'],
    ['process.env.X', 'no-restricted-globals'],
    ['window.x', 'no-restricted-globals'],
    ['document.title', 'no-restricted-globals'],
    ['globalThis.x', 'no-restricted-globals'],
    ['crypto.randomUUID()', 'no-restricted-globals'],
    ['setTimeout(() => {}, 1)', 'no-restricted-globals'],
    ['import.meta.url', 'no-restricted-syntax'],
  ])('%s', async (expr, rule) => {
    for (const file of ['src/sim/x.ts', 'src/sim/a/b/c/d.ts', 'src/sim/a/b/c/d/e/f/g.ts']) {
      expect(await rules(file, `export const x = ${expr}\n`), file).toEqual([rule])
    }
  })

  it('but dates from numbers and the model’s own names are fine', async () => {
    expect(await lint('src/sim/a/b/c/d.ts', 'export const x = new Date(0).getTime()\n')).toEqual([])
  })

  it('src/report and src/shared use neither Node nor DOM globals', async () => {
    expect(await rules('src/report/a/b/c.ts', 'export const x = process.env.X\n')).toEqual([
      'no-restricted-globals',
    ])
    expect(await rules('src/shared/x.ts', 'export const x = document.title\n')).toEqual([
      'no-restricted-globals',
    ])
  })
})
