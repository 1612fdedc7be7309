// The IPC surface: one ipcMain.handle per contract method, nothing else. Every handler checks who is asking
// (Electron security checklist #17, VS Code's ValidatedIpcMain): the app's own page, in the main frame. Valid
// calls go to the core unchanged; the core validates params against the contract. Handlers never throw,
// so typed errors reach the renderer intact instead of being flattened by Electron's error wrapping.
import { ipcMain } from 'electron';
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { EVENT_CHANNEL, METHODS, channelOf, type EventName, type Method } from '../../shared/contract.js';
import type { EventMessage, Envelope } from '../../shared/transport.js';
import type { AppUrlCheck } from './app-url.js';
import { describe, logError, logWarn } from './log.js';

export interface CoreCaller {
  call(method: Method, params: unknown): Promise<Envelope>;
}

export function registerIpc(core: CoreCaller, isAppUrl: AppUrlCheck): () => void {
  for (const method of METHODS) {
    ipcMain.handle(channelOf(method), (event, params: unknown) => handleCall(core, isAppUrl, method, event, params));
  }
  return () => METHODS.forEach((method) => ipcMain.removeHandler(channelOf(method)));
}

export async function handleCall(
  core: CoreCaller,
  isAppUrl: AppUrlCheck,
  method: Method,
  event: IpcMainInvokeEvent,
  params: unknown,
): Promise<Envelope> {
  const problem = senderProblem(event, isAppUrl);
  if (problem) {
    logWarn(`refused ${method}: ${problem}`);
    return { ok: false, error: { code: 'FORBIDDEN', message: `SimDeck refused ${method}: ${problem}.` } };
  }
  try {
    return await core.call(method, params);
  } catch (err) {
    logError(`${method} failed in the shell`, err);
    return { ok: false, error: { code: 'INTERNAL', message: `${method} failed: ${describe(err)}` } };
  }
}

/** Why a sender may not call, or null when it is the app's main frame. */
export function senderProblem(event: IpcMainInvokeEvent, isAppUrl: AppUrlCheck): string | null {
  let frame: IpcMainInvokeEvent['senderFrame'];
  try {
    frame = event.senderFrame; // null (or a throw, in some versions) once the frame navigated away or closed
  } catch {
    frame = null;
  }
  if (!frame) return 'the sending frame is gone';
  if (frame !== event.sender.mainFrame) return 'calls are accepted only from the main frame';
  if (!isAppUrl(frame.url)) return `calls are accepted only from the SimDeck page, not ${frame.url}`;
  return null;
}

/** Pushes a core event to the window's renderer, where the preload hands it to onEvent listeners. */
export function sendEvent(win: BrowserWindow | null, event: EventName, payload: unknown): void {
  if (!win || win.isDestroyed() || win.webContents.isDestroyed()) return;
  const message: EventMessage = { event, payload };
  win.webContents.send(EVENT_CHANNEL, message);
}
