// ESLint flat config. Beyond the recommended sets it enforces the layering of ARCHITECTURE.md:
// - the layer matrix below: what each folder under src/ may import, at any depth;
// - src/sim has no clock, no Math.random and no host globals; src/shared and src/report no
//   Node-only or DOM-only globals;
// - snake_case functions in src/sim/mm carry `@kernel` / `@kernel-series` (eslint/rules/kernel-tags.mjs);
// - only src/main/ipc.ts imports ipcMain; only src/preload imports ipcRenderer;
// - e2e tests never sleep (waitForTimeout) and never share one browser profile.
// tests/lint/ lints small snippets with this file, so a fence that stops holding fails a test.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import pluginVue from 'eslint-plugin-vue'
import globals from 'globals'
import layers from './eslint/rules/layers.mjs'
import kernelTags from './eslint/rules/kernel-tags.mjs'

// The layer matrix (VS Code style). One row per folder under src/ (a key with `*` names files
// inside a folder: src/scenario/node-*.ts is the Node-only part of src/scenario). A file may import
//   - its own layer;
//   - the layers in `layers`, at run time (values) and for types;
//   - the layers and packages in `types`, for types only (`import type`, erased at build time);
//   - the packages in `packages`: 'node:' is every Node built-in (`node:fs` or `fs`), 'electron'
//     is Electron, any other entry is an npm package by name (`echarts` covers `echarts/core`).
// Nothing else: no other src folder, no other package, nothing outside src/ but `outside`. The
// most specific key wins (src/scenario/node-host.ts is 'scenario/node-*', not 'scenario'). Tests
// beside the code (*.test.ts) may also import the `tests` packages. A folder added under src/
// is in no row, and lints as an error until it gets one. eslint/rules/layers.mjs applies it.
//
// Why each row is what it is:
//   sim       the kernel model is common code: browser worker, Node, Electron utility process.
//   shared    types and small pure helpers every host uses; re-exports the result types of sim.
//   report    pure builders from the result JSON to ECharts options and text, for the renderer
//             and the CLI alike: no Node, no DOM, so no fs and no native modules; the names it
//             prints come from sim's own vocabulary (include/vmstat.ts).
//   scenario  sucrase + QuickJS sandbox + runner, loaded in web workers and in Node processes;
//             only its node-*.ts files (process hosting) may use Node, and only cli and main
//             may import those.
//   node      Node-only code shared by cli and main (writing a user's file).
//   cli       the command line: everything but Electron and the renderer; renders PNGs with
//             resvg (png.ts, a native module: the CLI's alone).
//   main      Electron main: windows, IPC, services; runs scenarios through scenario/node-*.
//   preload   contextBridge verbs over ipcRenderer, typed by the channel map (src/shared/ipc.ts):
//             the sandboxed preload needs its types only, and requires nothing but electron.
//   renderer  the Vue app (also the plain web build): no Node, no Electron, no main/cli/node;
//             reads the example scenarios (scenarios/) as text (`?raw`).
const local = { rules: { layers, 'kernel-tags': kernelTags } }

const TEST_PACKAGES = ['vitest', '@vue/test-utils', 'fake-indexeddb', 'happy-dom']
// prettier-ignore
const LAYERS = {
  //                  layers (values and types)                                  types only         packages
  'sim':             { layers: [],                                                                  packages: [] },
  'shared':          { layers: ['sim'],                                                             packages: [] },
  'report':          { layers: ['shared', 'sim'],                                                   packages: ['echarts'] },
  'scenario':        { layers: ['shared', 'sim'],                                                   packages: ['sucrase', 'acorn', 'quickjs-emscripten-core', '@jitl/quickjs-wasmfile-release-sync'] },
  'scenario/node-*': { layers: ['scenario', 'shared', 'sim'],                                       packages: ['node:'] },
  'node':            { layers: ['shared'],                                                          packages: ['node:'] },
  'cli':             { layers: ['sim', 'shared', 'report', 'scenario', 'scenario/node-*', 'node'],  packages: ['node:', '@resvg/resvg-js'] },
  'main':            { layers: ['shared', 'scenario', 'scenario/node-*', 'node'],                   packages: ['node:', 'electron'] },
  'preload':         { layers: [],                                               types: ['shared'], packages: ['electron'] },
  'renderer':        { layers: ['sim', 'shared', 'report', 'scenario'],                             packages: ['vue', 'pinia', 'echarts', 'vue-echarts', 'zrender', 'monaco-editor', 'idb', 'diff'] },
}
const LAYER_OPTIONS = {
  layers: LAYERS,
  // Folders outside src/ that src may import: the example scenarios, as text (renderer, `?raw`).
  outside: ['scenarios'],
  tests: { files: '\\.test\\.ts$', packages: TEST_PACKAGES },
}

// Globals that only Node has, and the DOM's: code that runs in both (sim, shared, report) uses
// neither.
const NODE_AND_DOM_GLOBALS = [
  ...['process', 'require', 'module', '__dirname', '__filename', 'Buffer', 'global'].map(
    (name) => ({
      name,
      message: 'This code runs in browsers and workers too: no Node globals.',
    }),
  ),
  ...['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'indexedDB'].map(
    (name) => ({ name, message: 'This code runs in Node too: no DOM globals.' }),
  ),
]

/**
 * @param {boolean} allowMain
 * @param {boolean} allowRenderer
 * @returns {import('eslint').Linter.RulesRecord}
 */
const ipcRule = (allowMain, allowRenderer) => {
  const names = [...(allowMain ? [] : ['ipcMain']), ...(allowRenderer ? [] : ['ipcRenderer'])]
  return {
    'no-restricted-imports': [
      'error',
      {
        paths: [
          {
            name: 'electron',
            importNames: names,
            message: 'Only src/main/ipc.ts imports ipcMain; only src/preload imports ipcRenderer.',
          },
        ],
      },
    ],
  }
}

/**
 * A variant's behaviour is read from its features (k.variant.pmdSwap, VARIANT_FEATURES[name]),
 * never guessed from its name: `name.startsWith('pmd-swap')` is wrong for a variant added later.
 */
const VARIANT_BY_NAME = {
  selector:
    'CallExpression[callee.property.name=/^(startsWith|endsWith|includes)$/] > Literal[value=/^(baseline|lazy-deposit|pmd-swap|pmd-swap\\+lazy-deposit|lazy|pmd)$/]',
  message:
    "decide by the variant's features (k.variant.pmdSwap, VARIANT_FEATURES[name]), not by its name",
}

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'tests/golden/**',
      '**/*.d.ts',
      'electron.vite.tmp.config.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    plugins: { local },
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    files: ['**/*.ts', '**/*.vue', '**/*.mjs'],
    rules: { 'no-restricted-syntax': ['error', VARIANT_BY_NAME] },
  },
  { files: ['src/**/*.ts', 'src/**/*.vue'], rules: ipcRule(false, false) },
  { files: ['src/main/ipc.ts'], rules: ipcRule(true, false) },
  { files: ['src/preload/**/*.ts'], rules: ipcRule(false, true) },
  {
    files: ['src/**/*.ts', 'src/**/*.vue'],
    rules: { 'local/layers': ['error', LAYER_OPTIONS] },
  },
  {
    files: ['src/shared/**/*.ts', 'src/report/**/*.ts'],
    rules: { 'no-restricted-globals': ['error', ...NODE_AND_DOM_GLOBALS] },
  },
  {
    // The kernel model is deterministic and host-free at any depth: time is the event clock,
    // randomness the seeded RNG (engine/rng.ts), and nothing reaches a host API.
    files: ['src/sim/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'src/sim is deterministic: use engine/rng.ts.',
        },
        {
          object: 'Date',
          property: 'now',
          message: 'src/sim has no wall clock: use the event clock.',
        },
      ],
      'no-restricted-globals': [
        'error',
        ...NODE_AND_DOM_GLOBALS,
        ...['self', 'globalThis', 'performance', 'crypto', 'fetch'].map((name) => ({
          name,
          message: 'src/sim reaches no host API (no clock, no randomness, no I/O).',
        })),
        ...['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask'].map((name) => ({
          name,
          message: 'src/sim has no wall clock: schedule on the event heap.',
        })),
      ],
      'no-restricted-syntax': [
        'error',
        VARIANT_BY_NAME,
        {
          selector:
            "NewExpression[callee.name='Date'][arguments.length=0], CallExpression[callee.name='Date']",
          message: 'src/sim has no wall clock: use the event clock.',
        },
        {
          selector: 'MetaProperty[meta.name="import"]',
          message: 'src/sim does not know where it runs: no import.meta.',
        },
      ],
    },
  },
  {
    files: ['src/sim/mm/**/*.ts'],
    rules: { 'local/kernel-tags': 'error' },
  },
  {
    // Scenarios are user files; a triple-slash reference to the typings is how one outside the
    // package gets IntelliSense.
    files: ['scenarios/**/*.ts', 'tests/**/fixtures/**/*.ts'],
    rules: { '@typescript-eslint/triple-slash-reference': 'off' },
  },
  {
    // End-to-end tests wait for the condition they need, never for time, and share no storage.
    files: ['tests/e2e/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          property: 'waitForTimeout',
          message:
            'Wait for the condition itself (expect.poll, locator.waitFor, page.waitForFunction): a sleep is a race on a loaded machine.',
        },
        {
          property: 'launchPersistentContext',
          message:
            'One profile shared by every page leaks storage between tests: use browser.newContext() (tests/e2e/browser.ts).',
        },
      ],
    },
  },
)
