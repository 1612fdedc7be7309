// The renderer's one way to the core: a typed client over whichever transport this shell offers.
import { createClient, type ApiClient } from '../../shared/client.js';
import type { PreloadBridge } from '../../shared/transport.js';
import { createBrowserTransport, type ConnectionStatus, type SocketLike } from './browserTransport.js';
import { createElectronTransport } from './electronTransport.js';
import { resolveToken } from './token.js';

declare global {
  interface Window {
    simdeck?: PreloadBridge;
  }
}

let client: ApiClient | null = null;

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
