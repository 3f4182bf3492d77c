/**
 * The packaging step, as far as it can be checked without the Electron binary: electron-builder.yml
 * passes electron-builder's own schema and rules, ships what the app loads, and its afterSign
 * check (scripts/verify-fuses.mjs) accepts a binary whose fuses are flipped as the config says
 * and refuses one that is not, on a stand-in binary carrying a fuse wire.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FuseState, FuseV1Options, FuseVersion, flipFuses } from '@electron/fuses'
// @ts-expect-error: a .mjs build script without types
import * as verify from '../../scripts/verify-fuses.mjs'

const ROOT = join(import.meta.dirname, '../..')
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'

interface Verify {
  FUSE_OPTIONS: Record<string, FuseV1Options>
  electronBinary(context: unknown): string
  verifyFuses(binary: string, wanted: Record<string, boolean>): Promise<void>
  default(context: unknown): Promise<void>
}
const { FUSE_OPTIONS, electronBinary, verifyFuses, default: afterSign } = verify as Verify

/** electron-builder.yml as electron-builder reads it. */
async function builderConfig() {
  const { getConfig } = await import('app-builder-lib/out/util/config/config.js')
  return getConfig(ROOT, join(ROOT, 'electron-builder.yml'), null)
}

/** The config's electronFuses: the fuses the afterSign hook checks. */
async function wantedFuses(): Promise<Record<string, boolean>> {
  const fuses = (await builderConfig()).electronFuses
  if (!fuses) throw new Error('electron-builder.yml: no electronFuses')
  return fuses as Record<string, boolean>
}

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hugeswap-packaging-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A file shaped like an Electron binary's fuse wire: version 1, nine fuses, all inherited. */
function standInBinary(path: string): string {
  const wire = Buffer.alloc(9, FuseState.INHERIT)
  writeFileSync(
    path,
    Buffer.concat([Buffer.alloc(4096, 0x7f), Buffer.from(SENTINEL), Buffer.from([1, 9]), wire]),
  )
  return path
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's schema and checks", async () => {
    const { getConfig, validateConfiguration } =
      await import('app-builder-lib/out/util/config/config.js')
    const { DebugLogger } = await import('builder-util')
    const config = await getConfig(ROOT, join(ROOT, 'electron-builder.yml'), null)
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
    // The check itself can fail: a misspelt key is refused.
    const misspelt = await getConfig(ROOT, join(ROOT, 'electron-builder.yml'), {
      afterSing: 'x',
    } as never)
    await expect(validateConfiguration(misspelt, new DebugLogger(false))).rejects.toThrow(
      /afterSing/,
    )
    expect(config.afterSign).toBe('scripts/verify-fuses.mjs')
    expect(config.linux?.target).toEqual(['AppImage', 'deb'])
    expect(config.mac?.target).toBe('dmg')
    expect(config.win?.target).toBe('nsis')
  })

  it('turns off running as Node, NODE_OPTIONS, --inspect and file:// privileges; on cookie encryption and asar integrity', async () => {
    expect(await wantedFuses()).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    })
  })

  it('ships the built app and the fonts its PNG export reads, unpacked for resvg', () => {
    const text = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')
    for (const entry of [
      'out/main/**',
      'out/preload/**',
      'out/renderer/**',
      'resources/fonts/**',
    ]) {
      expect(text).toContain(`  - ${entry}`)
    }
    expect(text).toMatch(
      /asarUnpack:\n {2}- resources\/fonts\/\*\*\n {2}- node_modules\/@resvg\/\*\*/,
    )
  })
})

describe('the afterSign fuse check', () => {
  it('names the binary electron-builder packaged on each platform', () => {
    const packager = { appInfo: { productFilename: 'Hugeswap' }, executableName: 'hugeswap' }
    const at = (electronPlatformName: string) =>
      electronBinary({ appOutDir: '/o', electronPlatformName, packager })
    expect(at('linux')).toBe('/o/hugeswap')
    expect(at('win32')).toBe('/o/Hugeswap.exe')
    expect(at('darwin')).toBe('/o/Hugeswap.app')
  })

  it('accepts a binary flipped as the config says and refuses one left as it was', async () => {
    const wanted = await wantedFuses()
    const options: Record<number, boolean> = {}
    for (const [key, on] of Object.entries(wanted)) options[FUSE_OPTIONS[key]] = on
    const flipped = standInBinary(join(dir, 'hugeswap'))
    const untouched = standInBinary(join(dir, 'untouched'))
    await flipFuses(flipped, { version: FuseVersion.V1, ...options })
    await expect(verifyFuses(flipped, wanted)).resolves.toBeUndefined()
    await expect(verifyFuses(untouched, wanted)).rejects.toThrow(
      /fuses not applied: runAsNode is INHERIT, not DISABLE/,
    )
    // As electron-builder calls it, on the Linux layout.
    mkdirSync(join(dir, 'linux-unpacked'))
    copyFileSync(flipped, join(dir, 'linux-unpacked', 'hugeswap'))
    await expect(
      afterSign({
        appOutDir: join(dir, 'linux-unpacked'),
        electronPlatformName: 'linux',
        packager: {
          appInfo: { productFilename: 'Hugeswap' },
          executableName: 'hugeswap',
          config: { electronFuses: wanted },
        },
      }),
    ).resolves.toBeUndefined()
  })
})
