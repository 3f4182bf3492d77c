import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

const root = import.meta.dirname

// Runtime dependencies that main (and the scenario worker it spawns) load from node_modules at run
// time instead of bundling: native binaries (resvg), wasm files resolved relative to their package
// (QuickJS) and large pure-JS packages that are also used unbundled by the CLI. electron-vite
// already externalizes package.json `dependencies`; naming them keeps that true even if one moves.
const runtimeExternals = [
  'echarts',
  '@resvg/resvg-js',
  'quickjs-emscripten-core',
  '@jitl/quickjs-wasmfile-release-sync',
  'sucrase',
]

export default defineConfig({
  main: {
    build: {
      // Includes the `?modulePath` worker bundle, which electron-vite builds with this same config.
      externalizeDeps: { include: runtimeExternals },
      rolldownOptions: {
        input: { index: resolve(root, 'src/main/index.ts') },
        // node-host (imported by main) shares constants with the QuickJS sandbox module, which
        // would leave bare `import 'quickjs-emscripten-core'` / `import 'sucrase'` in main and load
        // them at startup for nothing. External packages are imported for their exports here, never
        // for side effects, so unused ones may be dropped.
        treeshake: { moduleSideEffects: (_id: string, external: boolean) => !external },
      },
    },
  },
  preload: {
    build: {
      rolldownOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        // A sandboxed preload is run by Electron's own CommonJS-like loader: no ESM, and only
        // `electron` (and a few polyfilled built-ins) can be required, so it is one CJS file.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    plugins: [vue()],
    // Monaco's editor/ts workers and the engine's Web Worker are `new Worker(url, { type: 'module' })`
    // or `?worker` imports; ES workers keep their own imports code-split like the page.
    worker: { format: 'es' },
    build: {
      // electron-vite defaults the renderer to unminified (21 MB with Monaco; 12 MB minified).
      minify: true,
      // Monaco's TypeScript worker alone is ~7 MB; a 500 kB warning says nothing useful here. The
      // files are read from disk, not downloaded.
      chunkSizeWarningLimit: 8 * 1024,
      rolldownOptions: {
        input: { index: resolve(root, 'src/renderer/index.html') },
      },
    },
  },
})
