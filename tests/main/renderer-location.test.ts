/** Which URLs count as "our app" for the IPC sender check and the navigation guard. */
import { describe, expect, it } from 'vitest'
import {
  appFilePath,
  isAppUrl,
  isSameDocument,
  resolveRendererLocation,
} from '../../src/main/renderer-location'

describe('renderer location', () => {
  const file = resolveRendererLocation({
    isPackaged: true,
    devServerUrl: undefined,
    mainDir: '/opt/Hugeswap App/out/main',
  })
  const dev = resolveRendererLocation({
    isPackaged: false,
    devServerUrl: 'http://localhost:5173/',
    mainDir: '/x/out/main',
  })

  it('resolves the built page next to the main bundle, or the dev server', () => {
    expect(file).toEqual({
      kind: 'app',
      url: 'app://hugeswap/index.html',
      origin: 'app://hugeswap',
      dir: '/opt/Hugeswap App/out/renderer',
    })
    expect(dev).toEqual({
      kind: 'dev-server',
      url: 'http://localhost:5173/',
      origin: 'http://localhost:5173',
    })
  })

  it('accepts exactly our index.html on the app origin, with any hash or query', () => {
    const url = 'app://hugeswap/index.html'
    expect(isAppUrl(file, url)).toBe(true)
    expect(isAppUrl(file, `${url}#/results`)).toBe(true)
    expect(isAppUrl(file, `${url}?tab=2`)).toBe(true)
  })

  it.each([
    'file:///opt/Hugeswap%20App/out/renderer/index.html',
    'app://hugeswap/other.html',
    'app://evil/index.html',
    'file:///opt/Hugeswap%20App/out/renderer/other.html',
    'file:///tmp/index.html',
    'file://evil-host/opt/Hugeswap%20App/out/renderer/index.html',
    'https://evil.example/opt/Hugeswap%20App/out/renderer/index.html',
    'http://localhost:5173/',
    'about:blank',
    'devtools://devtools/bundled/inspector.html',
    'not a url',
    '',
  ])('refuses %s for the file build', (url) => {
    expect(isAppUrl(file, url)).toBe(false)
  })

  it('maps app:// paths into the renderer directory and nowhere else', () => {
    expect(appFilePath(file, 'app://hugeswap/index.html')).toBe(
      '/opt/Hugeswap App/out/renderer/index.html',
    )
    expect(appFilePath(file, 'app://hugeswap/assets/a%20b.js?x#y')).toBe(
      '/opt/Hugeswap App/out/renderer/assets/a b.js',
    )
    for (const url of [
      'app://hugeswap/..%2f..%2fmain/index.js',
      'app://hugeswap/%2e%2e%2fpreload/index.cjs',
      'app://hugeswap/a%00b',
      'app://hugeswap/a%5c..%5c..%5cx',
      'app://hugeswap/%E0%A4%A',
      'app://hugeswap/',
      'app://other/index.html',
      'file:///opt/Hugeswap%20App/out/renderer/index.html',
    ]) {
      expect(appFilePath(file, url), url).toBeNull()
    }
    expect(appFilePath(dev, 'app://hugeswap/index.html')).toBeNull()
  })

  it('accepts the dev server origin only', () => {
    expect(isAppUrl(dev, 'http://localhost:5173/')).toBe(true)
    expect(isAppUrl(dev, 'http://localhost:5173/src/index.html#x')).toBe(true)
    expect(isAppUrl(dev, 'http://localhost:5174/')).toBe(false)
    expect(isAppUrl(dev, 'https://localhost:5173/')).toBe(false)
    expect(isAppUrl(dev, 'http://localhost.evil.example:5173/')).toBe(false)
    expect(isAppUrl(dev, 'file:///x/out/renderer/index.html')).toBe(false)
  })

  it('treats a hash change as the same document, anything else as a navigation', () => {
    expect(isSameDocument('file:///a/index.html', 'file:///a/index.html#x')).toBe(true)
    expect(isSameDocument('file:///a/index.html', 'file:///a/index.html')).toBe(true)
    expect(isSameDocument('file:///a/index.html', 'file:///a/index.html?x')).toBe(false)
    expect(isSameDocument('file:///a/index.html', 'https://evil.example/')).toBe(false)
    expect(isSameDocument('', 'https://evil.example/')).toBe(false)
  })
})
