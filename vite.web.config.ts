import { resolve } from 'node:path'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const root = import.meta.dirname

// The browser build of the workbench: the renderer as a static site in out/web that works from any
// static file server and any sub-path (relative base). The scenario engine runs in a module Web
// Worker (src/scenario/web-worker.ts) with its QuickJS wasm bundled as an asset.
export default defineConfig({
  root: resolve(root, 'src/renderer'),
  base: './',
  publicDir: false,
  plugins: [vue()],
  worker: { format: 'es' },
  build: {
    outDir: resolve(root, 'out/web'),
    emptyOutDir: true,
    minify: true,
    target: 'es2022',
    chunkSizeWarningLimit: 8000,
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
  },
  server: {
    host: '127.0.0.1',
    fs: { allow: [root] },
  },
  optimizeDeps: {
    // QuickJS locates its wasm relative to its own module; pre-bundling would move it.
    exclude: ['@jitl/quickjs-wasmfile-release-sync', 'quickjs-emscripten-core'],
  },
})
