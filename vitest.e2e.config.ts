import { defineConfig } from 'vitest/config'

// End-to-end: the built web app (out/web) in headless Debian Chromium via playwright-core, with the
// real engine in its Web Worker; and the conformance suite on this machine's kernel (tests/real),
// which changes the machine's swap and THP settings while it runs, so nothing runs beside it.
// globalSetup builds out/web first when it is missing.
export default defineConfig({
  test: {
    name: 'e2e',
    environment: 'node',
    include: ['tests/e2e/**/*.test.ts', 'tests/real/**/*.test.ts'],
    globalSetup: ['tests/e2e/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    // A browser on a loaded 2-core CI machine: expect.poll waits up to 10 s by default, not 1 s.
    expect: { poll: { timeout: 10_000 } },
    // The JSON report feeds .ci/run's "N passed, N failed" line (scripts/test-summary.mjs).
    reporters: ['default', 'json'],
    outputFile: { json: 'out/test-results/e2e.json' },
    // Golden files (toMatchFileSnapshot under tests/golden) and snapshots are written only when a
    // developer asks: `vitest -u` (all; `-u new` only missing ones) or UPDATE_SNAPSHOT=all|new.
    // Otherwise a missing one fails like a changed one, on every machine, not only where `CI` is
    // set (vitest's own default writes missing snapshots and passes).
    update: process.env.UPDATE_SNAPSHOT ? undefined : 'none',
  },
})
