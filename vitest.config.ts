import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

// Unit and feature tests. Two projects: `node` (sim, scenario sandbox, CLI, report, Electron main
// with `electron` mocked) and `dom` (Vue components and stores in happy-dom). End-to-end tests in
// Chromium and the conformance suite on the host kernel (tests/real) live in vitest.e2e.config.ts:
// they run one file at a time.
export default defineConfig({
  test: {
    // The JSON report feeds .ci/run's "N passed, N failed" line (scripts/test-summary.mjs).
    reporters: ['default', 'json'],
    outputFile: { json: 'out/test-results/unit.json' },
    // Golden files (toMatchFileSnapshot under tests/golden) and snapshots are written only when a
    // developer asks: `vitest -u` (all; `-u new` only missing ones) or UPDATE_SNAPSHOT=all|new.
    // Otherwise a missing one fails like a changed one, on every machine, not only where `CI` is
    // set (vitest's own default writes missing snapshots and passes).
    update: process.env.UPDATE_SNAPSHOT ? undefined : 'none',
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
          exclude: ['src/renderer/**', 'tests/e2e/**', 'tests/real/**', 'node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [vue()],
        test: {
          name: 'dom',
          environment: 'happy-dom',
          include: ['src/renderer/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
})
