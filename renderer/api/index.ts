// The renderer's one way to the core: a typed client over whichever transport this shell offers.
import { createClient, type ApiClient } from '../../shared/client.js';
import type { Params } from '../../shared/contract.js';
import { ApiError } from '../../shared/errors.js';
import type { PreloadBridge } from '../../shared/transport.js';
import { createBrowserTransport, uploadFile, type ConnectionStatus, type SocketLike, type Uploaded, type XhrLike } from './browserTransport.js';
import { createElectronTransport } from './electronTransport.js';
import { resolveToken } from './token.js';

declare global {
  interface Window {
    simdeck?: PreloadBridge;
  }
}

let client: ApiClient | null = null;
/** Browser shell only: sends a file's bytes to the core. */
let uploader: ((file: File, onProgress?: (fraction: number | null) => void) => Promise<Uploaded>) | null = null;

export interface ApiHooks {
  onStatus?: (status: ConnectionStatus) => void;
  onReconnected?: () => void;
}

/** Creates the client for this page: Electron preload bridge if present, else the browser shell's HTTP API. */
export function initApi(hooks: ApiHooks = {}): { client: ApiClient; shell: 'electron' | 'browser' } {
  if (window.simdeck) {
    client = createClient(createElectronTransport(window.simdeck));
    return { client, shell: 'electron' };
  }
  let storage: Storage | null = null;
  try {
    storage = window.sessionStorage;
  } catch {
    storage = null;
  }
  const token = resolveToken({
    href: window.location.href,
    storage,
    replaceUrl: (url) => window.history.replaceState(window.history.state, '', url),
  });
  uploader = (file, onProgress) =>
    uploadFile(file, { token, onProgress, createXhr: () => new XMLHttpRequest() as unknown as XhrLike });
  client = createClient(
    createBrowserTransport({
      token,
      location: window.location,
      fetch: (url, init) => window.fetch(url, { ...init, cache: 'no-store', credentials: 'same-origin' }),
      // The DOM WebSocket has the handler properties SocketLike needs; its event types are just more specific.
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      onStatus: hooks.onStatus,
      onReconnected: hooks.onReconnected,
    }),
  );
  return { client, shell: 'browser' };
}

/** The client; initApi must have run (main.tsx does it before rendering). */
export function api(): ApiClient {
  if (!client) throw new Error('SimDeck API used before initApi()');
  return client;
}

/** For tests: use a fake client. */
export function setApi(c: ApiClient | null): void {
  client = c;
}

/** A file the core can read: a path on the core's machine, or an upload to the browser shell. */
export type FileSource = Params<'reproduce.inspect'>['source'];

export const NO_PATH_MESSAGE =
  'SimDeck cannot tell where this file is on disk (it may come from another application or an archive). Save it to a folder first, then drop it from there.';

/**
 * How the core gets a dropped or chosen file: in the desktop app its real path (no copy), in the browser shell an
 * upload. `localPath` is the path on the core's machine when known (used to suggest folders next to the file).
 */
export async function sourceForFile(
  file: File,
  onProgress?: (fraction: number | null) => void,
): Promise<{ source: FileSource; localPath: string | null }> {
  const bridge = typeof window !== 'undefined' ? window.simdeck : undefined;
  if (bridge) {
    if (typeof bridge.pathForFile !== 'function') {
      throw new ApiError('UNKNOWN_METHOD', 'This SimDeck window cannot read dropped files. The UI and core may be from different versions; restart SimDeck.');
    }
    let path = '';
    try {
      path = bridge.pathForFile(file);
    } catch {
      path = '';
    }
    if (!path) throw new ApiError('INVALID_INPUT', NO_PATH_MESSAGE);
    return { source: { path }, localPath: path };
  }
  if (!uploader) throw new Error('SimDeck API used before initApi()');
  const up = await uploader(file, onProgress);
  return { source: { uploadId: up.uploadId }, localPath: null };
}

/** For tests: replace the uploader. */
export function setUploader(u: typeof uploader): void {
  uploader = u;
}
