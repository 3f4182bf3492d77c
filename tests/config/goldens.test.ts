/**
 * Golden files are never written by a plain test run: both vitest configs set `update: 'none'`,
 * so a missing golden (toMatchFileSnapshot) fails like a changed one, with or without `CI` in the
 * environment. Only `vitest -u` (or UPDATE_SNAPSHOT=all|new) writes them.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'

afterEach(() => {
  vi.unstubAllEnvs()
  vi.resetModules()
})

describe.each(['../../vitest.config', '../../vitest.e2e.config'])('%s', (path) => {
  const load = async (): Promise<{ test?: { update?: unknown } }> =>
    (await import(/* @vite-ignore */ path)).default

  it("does not write snapshots unless asked: update is 'none'", async () => {
    vi.stubEnv('UPDATE_SNAPSHOT', '')
    expect((await load()).test?.update).toBe('none')
  })

  it('leaves UPDATE_SNAPSHOT to vitest when a developer sets it', async () => {
    vi.stubEnv('UPDATE_SNAPSHOT', 'new')
    expect((await load()).test?.update).toBeUndefined()
  })
})
