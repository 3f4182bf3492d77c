/**
 * The only file that imports `ipcMain`. Every channel of IpcInvokeChannels gets a handler here,
 * typed from the map; every call is checked for its sender and its argument shape before it
 * reaches a service.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent, type WebContents } from 'electron'
import {
  INVOKE_CHANNELS,
  type EventChannel,
  type InvokeChannel,
  type IpcEventChannels,
  type IpcInvokeChannels,
} from '../shared/ipc'
import {
  parseHistoryAddArgs,
  parseHistoryRemoveArgs,
  parseNoArgs,
  parseRunArgs,
  parseSaveArgs,
  parseSaveAsArgs,
} from './ipc-validate'
import type { FileService } from './services/file-service'
import type { HistoryService } from './services/history-service'
import type { ScenarioService } from './services/scenario-service'

type Args<C extends InvokeChannel> = IpcInvokeChannels[C]['args']
type Result<C extends InvokeChannel> = IpcInvokeChannels[C]['result']

interface ChannelHandler<C extends InvokeChannel> {
  /** Turns the untrusted arguments into the channel's typed arguments, or throws. */
  parse(args: readonly unknown[]): Args<C>
  run(event: IpcMainInvokeEvent, ...args: Args<C>): Promise<Result<C>> | Result<C>
}

/** One entry per channel; a channel added to the map and not handled here fails to compile. */
type ChannelHandlers = { [C in InvokeChannel]: ChannelHandler<C> }

export interface IpcDependencies {
  /** The window whose page may call us (null while none is open). */
  getMainWindow(): BrowserWindow | null
  /** Whether a frame URL is our renderer (see renderer-location.ts). */
  isAppUrl(url: string): boolean
  scenarios: ScenarioService
  /** Native file dialogs and atomic writes; without it the file channels reject. */
  files?: FileService
  /** The run history file; without it the history channels reject. */
  history?: HistoryService
}

export class IpcSenderError extends Error {
  override name = 'IpcSenderError'
}

/**
 * The sender must be the top frame of our main window's webContents, currently showing our
 * renderer. This refuses other windows, <iframe>s inside ours (even same-origin ones), and our
 * window after it was somehow navigated to a foreign page.
 */
export function assertTrustedSender(
  channel: InvokeChannel,
  event: IpcMainInvokeEvent,
  deps: Pick<IpcDependencies, 'getMainWindow' | 'isAppUrl'>,
): void {
  const window = deps.getMainWindow()
  const frame = event.senderFrame
  const trusted =
    window !== null &&
    !window.isDestroyed() &&
    event.sender.id === window.webContents.id &&
    frame !== null &&
    frame.frameToken === window.webContents.mainFrame.frameToken &&
    deps.isAppUrl(frame.url)
  if (!trusted) {
    throw new IpcSenderError(`${channel}: rejected a call from an untrusted sender`)
  }
}

/** Typed `webContents.send` for the event channels of the map. */
export function sendEvent<E extends EventChannel>(
  contents: WebContents,
  channel: E,
  payload: IpcEventChannels[E],
): void {
  if (!contents.isDestroyed()) contents.send(channel, payload)
}

function handle<C extends InvokeChannel>(
  channel: C,
  handler: ChannelHandler<C>,
  deps: IpcDependencies,
): void {
  ipcMain.handle(channel, async (event, ...rawArgs: unknown[]) => {
    assertTrustedSender(channel, event, deps)
    const args = handler.parse(rawArgs)
    return handler.run(event, ...args)
  })
}

/** Registers every invoke channel; returns a function that removes them again. */
export function registerIpcHandlers(deps: IpcDependencies): () => void {
  const handlers: ChannelHandlers = {
    'scenario:run': {
      parse: parseRunArgs,
      // Progress goes back to the (already verified) sender, which is the main window.
      run: (event, request) =>
        deps.scenarios.run(request, (progress) =>
          sendEvent(event.sender, 'scenario:progress', progress),
        ),
    },
    'scenario:cancel': {
      parse: (args) => parseNoArgs('scenario:cancel', args),
      run: () => deps.scenarios.cancel(),
    },
    'file:open': {
      parse: (args) => parseNoArgs('file:open', args),
      run: () => files('file:open').open(),
    },
    'file:save': {
      parse: parseSaveArgs,
      run: (_event, request) => files('file:save').save(request),
    },
    'file:save-as': {
      parse: parseSaveAsArgs,
      run: (_event, request) => files('file:save-as').saveAs(request),
    },
    'history:load': {
      parse: (args) => parseNoArgs('history:load', args),
      run: () => history('history:load').load(),
    },
    'history:add': {
      parse: parseHistoryAddArgs,
      run: (_event, entry) => history('history:add').add(entry),
    },
    'history:remove': {
      parse: parseHistoryRemoveArgs,
      run: (_event, id) => history('history:remove').remove(id),
    },
    'history:clear': {
      parse: (args) => parseNoArgs('history:clear', args),
      run: () => history('history:clear').clear(),
    },
  }

  function files(channel: InvokeChannel): FileService {
    if (!deps.files) throw new Error(`${channel}: file access is not available`)
    return deps.files
  }

  function history(channel: InvokeChannel): HistoryService {
    if (!deps.history) throw new Error(`${channel}: the run history is not available`)
    return deps.history
  }

  for (const channel of INVOKE_CHANNELS) registerOne(channel, handlers, deps)
  return () => {
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel)
  }
}

// A separate generic function so TypeScript ties `handlers[channel]` to the same `C`.
function registerOne<C extends InvokeChannel>(
  channel: C,
  handlers: ChannelHandlers,
  deps: IpcDependencies,
): void {
  handle(channel, handlers[channel], deps)
}
