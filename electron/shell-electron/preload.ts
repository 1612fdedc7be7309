// The preload (bundled to dist/node/preload.cjs; sandboxed preloads cannot require local files). It exposes
// `window.simdeck`: one function per contract method and an event subscription. Never ipcRenderer itself or a
// generic send/invoke (Electron's context-isolation guide calls that "bad code"): the page can reach exactly
// the calls in shared/contract.ts and nothing more.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { EventName, Method } from '../../shared/contract.js';
import { EVENT_CHANNEL, EVENT_NAMES, METHODS, channelOf } from '../../shared/methods.js';
import type { Envelope, PreloadBridge } from '../../shared/transport.js';

function callFor(method: Method) {
  const channel = channelOf(method);
  return (params: unknown): Promise<Envelope> => ipcRenderer.invoke(channel, params) as Promise<Envelope>;
}

function onEvent(listener: (event: EventName, payload: unknown) => void): () => void {
  if (typeof listener !== 'function') throw new TypeError('onEvent needs a listener function');
  // The IpcRendererEvent is dropped: it carries `sender`, which must not leak into the page.
  const handler = (_event: IpcRendererEvent, message: unknown) => {
    if (isEventMessage(message)) listener(message.event, message.payload);
  };
  ipcRenderer.on(EVENT_CHANNEL, handler);
  return () => {
    ipcRenderer.removeListener(EVENT_CHANNEL, handler);
  };
}

function isEventMessage(message: unknown): message is { event: EventName; payload: unknown } {
  const event = (message as { event?: unknown } | null)?.event;
  return typeof event === 'string' && (EVENT_NAMES as readonly string[]).includes(event);
}

/** The real path of a file dropped on the window, so the core reads it in place (no upload needed). */
function pathForFile(file: File): string {
  return webUtils.getPathForFile(file);
}

export const bridge: PreloadBridge = {
  calls: Object.fromEntries(METHODS.map((m) => [m, callFor(m)])) as PreloadBridge['calls'],
  onEvent,
  pathForFile,
};

contextBridge.exposeInMainWorld('simdeck', bridge);
