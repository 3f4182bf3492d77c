// electron-builder's afterSign hook (electron-builder.yml): reads the fuse wire of the packaged,
// signed Electron binary and fails the build unless every fuse electron-builder.yml sets is set
// that way. A packaging step that silently skipped the fuses (an old @electron/fuses, a wire
// Electron changed) would otherwise ship an app that runs as Node for anyone who asks.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** electron-builder.yml's `electronFuses` keys -> @electron/fuses' FuseV1Options. */
const FUSE_OPTIONS = {
  runAsNode: FuseV1Options.RunAsNode,
  enableCookieEncryption: FuseV1Options.EnableCookieEncryption,
  enableNodeOptionsEnvironmentVariable: FuseV1Options.EnableNodeOptionsEnvironmentVariable,
  enableNodeCliInspectArguments: FuseV1Options.EnableNodeCliInspectArguments,
  enableEmbeddedAsarIntegrityValidation: FuseV1Options.EnableEmbeddedAsarIntegrityValidation,
  onlyLoadAppFromAsar: FuseV1Options.OnlyLoadAppFromAsar,
  loadBrowserProcessSpecificV8Snapshot: FuseV1Options.LoadBrowserProcessSpecificV8Snapshot,
  grantFileProtocolExtraPrivileges: FuseV1Options.GrantFileProtocolExtraPrivileges,
}

/** `electronFuses` of electron-builder.yml (a flat block of `key: true|false` lines). */
export function wantedFuses(configText = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) {
  const block = /^electronFuses:\n((?: {2}\w+: (?:true|false)\n)+)/m.exec(configText)
  if (!block) throw new Error('electron-builder.yml: no electronFuses block')
  const wanted = {}
  for (const line of block[1].trim().split('\n')) {
    const [key, value] = line.trim().split(': ')
    if (!(key in FUSE_OPTIONS)) throw new Error(`electron-builder.yml: unknown fuse ${key}`)
    wanted[key] = value === 'true'
  }
  return wanted
}

/** The Electron binary electron-builder packaged (as its addElectronFuses() names it). */
export function electronBinary(context) {
  const { appOutDir, electronPlatformName, packager } = context
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') {
    return join(appOutDir, `${packager.appInfo.productFilename}.app`)
  }
  if (electronPlatformName === 'win32') {
    return join(appOutDir, `${packager.appInfo.productFilename}.exe`)
  }
  return join(appOutDir, packager.executableName)
}

/** Throws, naming every fuse that is not as wanted. */
export async function verifyFuses(binary, wanted = wantedFuses()) {
  const wire = await getCurrentFuseWire(binary)
  const wrong = []
  for (const [key, on] of Object.entries(wanted)) {
    const state = wire[FUSE_OPTIONS[key]]
    const expected = on ? FuseState.ENABLE : FuseState.DISABLE
    if (state !== expected)
      wrong.push(`${key} is ${FuseState[state] ?? state}, not ${FuseState[expected]}`)
  }
  if (wrong.length > 0) throw new Error(`${binary}: fuses not applied: ${wrong.join('; ')}`)
}

export default async function afterSign(context) {
  await verifyFuses(electronBinary(context))
}
