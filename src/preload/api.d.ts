/**
 * `window.hugeswap`, as the preload exposes it. Optional because the same renderer also runs as a
 * plain web page (vite.web.config.ts), where the browser build installs its own implementation or
 * none. Include from the renderer with `/// <reference path="../preload/api.d.ts" />` (tsconfig.web
 * only picks up d.ts files under src/renderer).
 */
import type { HugeswapApi } from '../shared/ipc'

declare global {
  interface Window {
    hugeswap?: HugeswapApi
  }
}

export {}
