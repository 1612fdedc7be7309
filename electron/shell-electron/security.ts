// Window and session hardening, after Electron's security checklist (docs/tutorial/security.md): isolated,
// sandboxed renderers with no Node, a strict CSP, no navigation away from the app, no new windows, no webviews,
// no permissions, and only http(s) links handed to the OS browser.
import { app, shell } from 'electron';
import type { Session, WebContents, WebPreferences } from 'electron';
import type { AppUrlCheck } from './app-url.js';
import { logWarn, logError } from './log.js';

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
    navigateOnDragDrop: false,
  };
}

// Works with a Vite build loaded from file:// as long as Vite emits relative asset URLs (base: './') and no
// inline <script>: 'self' matches file: URLs, and React sets styles through the CSSOM, which CSP allows.
// frame-src 'none' goes beyond default-src 'self' because the app has no frames and a file:// frame is a risk.
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

// The Vite dev server injects an inline React-refresh preamble and <style> tags, and talks HMR over a WebSocket
// to its own origin. Only used when SIMDECK_DEV_URL is set on an unpackaged app.
export function devCsp(devOrigin: string): string {
  const ws = devOrigin.replace(/^http/, 'ws');
  return CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
    .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    .replace("connect-src 'self'", `connect-src 'self' ${ws}`);
}

/** Sets the CSP header on every response; any CSP the response carried is replaced, not merged. */
export function applyCsp(session: Session, csp: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    }
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });
}

/** Electron approves every permission request by default; SimDeck needs none (no camera, USB, notifications…). */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    logWarn(`denied permission request: ${permission}`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

export function hardenSession(session: Session, csp: string): void {
  applyCsp(session, csp);
  denyAllPermissions(session);
}

const hardened = new WeakSet<WebContents>();

/** Idempotent, so hardening from 'web-contents-created' and an explicit call never double-register handlers. */
export function hardenWebContents(contents: WebContents, isAppUrl: AppUrlCheck): void {
  if (hardened.has(contents)) return;
  hardened.add(contents);
  const guard = (kind: string) => (event: { preventDefault(): void; url: string }) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    logWarn(`blocked ${kind} to ${event.url}`);
  };
  contents.on('will-navigate', guard('navigation'));
  contents.on('will-redirect', guard('redirect'));
  // The app has no frames (CSP frame-src 'none'); a subframe navigating anywhere is refused outright.
  contents.on('will-frame-navigate', (event) => {
    if (event.isMainFrame) return; // covered by will-navigate
    event.preventDefault();
    logWarn(`blocked subframe navigation to ${event.url}`);
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    logWarn('blocked a <webview>');
  });
  contents.setWindowOpenHandler(({ url }) => {
    openExternalIfWeb(url);
    return { action: 'deny' };
  });
}

/** Hardens every webContents Electron ever creates, including ones we did not create ourselves. */
export function hardenAllWebContents(isAppUrl: AppUrlCheck): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, isAppUrl));
}

/** Links to the web open in the user's browser; file:, javascript:, smb: and friends are never handed to the OS. */
export function openExternalIfWeb(url: string): boolean {
  const parsed = webUrl(url);
  if (!parsed) {
    logWarn(`ignored a request to open ${JSON.stringify(url)}: only http(s) links open externally`);
    return false;
  }
  shell.openExternal(parsed.href).catch((err: unknown) => logError(`could not open ${parsed.href}`, err));
  return true;
}

function webUrl(url: string): URL | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : null;
  } catch {
    return null;
  }
}
