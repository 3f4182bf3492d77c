// electron-builder's afterSign hook (electron-builder.yml): reads the fuse wire of the packaged,
// signed Electron binary and fails the build unless every fuse of the config's electronFuses is
// set that way. A packaging step that silently skipped the fuses (an old @electron/fuses, a wire
// Electron changed) would otherwise ship an app that runs as Node for anyone who asks.
import { join } from 'node:path'
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses'

/** electron-builder.yml's `electronFuses` keys -> @electron/fuses' FuseV1Options. */
export const FUSE_OPTIONS = {
  runAsNode: FuseV1Options.RunAsNode,
  enableCookieEncryption: FuseV1Options.EnableCookieEncryption,
  enableNodeOptionsEnvironmentVariable: FuseV1Options.EnableNodeOptionsEnvironmentVariable,
  enableNodeCliInspectArguments: FuseV1Options.EnableNodeCliInspectArguments,
  enableEmbeddedAsarIntegrityValidation: FuseV1Options.EnableEmbeddedAsarIntegrityValidation,
  onlyLoadAppFromAsar: FuseV1Options.OnlyLoadAppFromAsar,
  loadBrowserProcessSpecificV8Snapshot: FuseV1Options.LoadBrowserProcessSpecificV8Snapshot,
  grantFileProtocolExtraPrivileges: FuseV1Options.GrantFileProtocolExtraPrivileges,
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

/** Throws, naming every fuse that is not as `wanted` (electron-builder's `electronFuses`). */
export async function verifyFuses(binary, wanted) {
  const wire = await getCurrentFuseWire(binary)
  const wrong = []
  for (const [key, on] of Object.entries(wanted)) {
    if (!(key in FUSE_OPTIONS)) continue // resetAdHocDarwinSignature: not a fuse
    const state = wire[FUSE_OPTIONS[key]]
    const expected = on ? FuseState.ENABLE : FuseState.DISABLE
    if (state !== expected)
      wrong.push(`${key} is ${FuseState[state] ?? state}, not ${FuseState[expected]}`)
  }
  if (wrong.length > 0) throw new Error(`${binary}: fuses not applied: ${wrong.join('; ')}`)
}

/** The hook: the fuses electron-builder read from electron-builder.yml, in the signed binary. */
export default async function afterSign(context) {
  const wanted = context.packager.config.electronFuses
  if (!wanted) throw new Error('electron-builder.yml: no electronFuses to check')
  await verifyFuses(electronBinary(context), wanted)
}
