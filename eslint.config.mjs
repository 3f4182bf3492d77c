// ESLint flat config. Beyond the recommended sets it enforces the layering of ARCHITECTURE.md:
// - src/sim imports nothing outside itself (no DOM, no Node, no Electron, no other layer) and has
//   no clock or Math.random;
// - only src/main/ipc.ts imports ipcMain; only src/preload imports ipcRenderer;
// - e2e tests never sleep (waitForTimeout) and never share one browser profile.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import pluginVue from 'eslint-plugin-vue'
import globals from 'globals'

const simEscapes = (depth) => ({
  files: [`src/sim/${'*/'.repeat(depth)}*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: '^[^.]',
            message:
              'src/sim is common code: it imports nothing but itself (no packages, no node:).',
          },
          {
            group: ['../'.repeat(depth + 1) + '*'],
            message: 'src/sim imports nothing outside src/sim.',
          },
        ],
      },
    ],
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
      { object: 'performance', property: 'now', message: 'src/sim has no wall clock.' },
    ],
    'no-restricted-globals': [
      'error',
      { name: 'process', message: 'src/sim runs in browsers and workers too.' },
      { name: 'window', message: 'src/sim has no DOM.' },
      { name: 'document', message: 'src/sim has no DOM.' },
    ],
  },
})

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
  { files: ['src/**/*.ts', 'src/**/*.vue'], rules: ipcRule(false, false) },
  { files: ['src/main/ipc.ts'], rules: ipcRule(true, false) },
  { files: ['src/preload/**/*.ts'], rules: ipcRule(false, true) },
  simEscapes(0),
  simEscapes(1),
  simEscapes(2),
  {
    // Scenarios are user files; a triple-slash reference to the typings is how one outside the
    // package gets IntelliSense.
    files: ['scenarios/**/*.ts', 'tests/**/fixtures/**/*.ts'],
    rules: { '@typescript-eslint/triple-slash-reference': 'off' },
  },
  {
    files: ['src/sim/**/*.test.ts'],
    rules: { 'no-restricted-imports': 'off' },
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
