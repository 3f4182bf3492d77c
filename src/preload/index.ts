/**
 * The only file that imports `ipcRenderer`. Exposes `window.hugeswap` (HugeswapApi) to the page:
 * verbs built from the channel map, never `ipcRenderer` or an IPC event object.
 *
 * Built as CommonJS (out/preload/index.cjs): a sandboxed preload cannot load ES modules and may
 * require only `electron`, so everything else it uses is bundled in.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type {
  EventChannel,
  HugeswapApi,
  InvokeChannel,
  IpcEventChannels,
  IpcInvokeChannels,
} from '../shared/ipc'

function invoke<C extends InvokeChannel>(
  channel: C,
  ...args: IpcInvokeChannels[C]['args']
): Promise<IpcInvokeChannels[C]['result']> {
  return ipcRenderer.invoke(channel, ...args) as Promise<IpcInvokeChannels[C]['result']>
}

/** Subscribes `callback` to an event channel with the event object stripped; returns unsubscribe. */
function subscribe<E extends EventChannel>(
  channel: E,
  callback: (payload: IpcEventChannels[E]) => void,
): () => void {
  if (typeof callback !== 'function') throw new TypeError(`${channel}: callback must be a function`)
  // The event carries `sender` (the ipcRenderer itself); the page gets only the payload.
  const listener = (_event: IpcRendererEvent, payload: IpcEventChannels[E]) => callback(payload)
  ipcRenderer.on(channel, listener)
  let subscribed = true
  return () => {
    if (!subscribed) return
    subscribed = false
    ipcRenderer.removeListener(channel, listener)
  }
}

const api: HugeswapApi = {
  scenario: {
    run: (request) => invoke('scenario:run', request),
    cancel: () => invoke('scenario:cancel'),
    onProgress: (callback) => subscribe('scenario:progress', callback),
  },
  file: {
    open: () => invoke('file:open'),
    save: (request) => invoke('file:save', request),
    saveAs: (request) => invoke('file:save-as', request),
  },
  history: {
    load: () => invoke('history:load'),
    add: (entry) => invoke('history:add', entry),
    remove: (id) => invoke('history:remove', id),
    clear: () => invoke('history:clear'),
  },
}

contextBridge.exposeInMainWorld('hugeswap', api)
