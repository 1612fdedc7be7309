// How calls and events travel, for both shells. A call always answers with an Envelope, never a thrown error,
// so typed errors survive Electron IPC, contextBridge and HTTP alike.
import type { ApiErrorShape } from './errors.js';
import type { EventName, Method } from './contract.js';

export type Envelope = { ok: true; result: unknown } | { ok: false; error: ApiErrorShape };

/** What the Electron preload exposes as `window.simdeck`: one function per call, plus an event subscription. */
export interface PreloadBridge {
  calls: Record<Method, (params: unknown) => Promise<Envelope>>;
  onEvent(listener: (event: EventName, payload: unknown) => void): () => void;
  /** The real path of a dropped file (Electron's webUtils.getPathForFile). */
  pathForFile(file: File): string;
}

/** Browser shell: POST the file's bytes to /upload?name=<file name> (bearer token); answers {uploadId, name, bytes}. */
export const UPLOAD_PATH = '/upload';

/** Browser shell: POST /api/<method> with this header; events on WebSocket /ws?token=<token>. */
export const TOKEN_HEADER = 'authorization';
export const bearer = (token: string) => `Bearer ${token}`;
export const API_PREFIX = '/api/';
export const WS_PATH = '/ws';
export const TOKEN_STORAGE_KEY = 'simdeck.token';

/** A pushed event as it travels on the wire. */
export interface EventMessage {
  event: EventName;
  payload: unknown;
}
