import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as fake from './fake-electron.js';
import { FakeEvent, FakeSession, FakeWebContents, resetFake } from './fake-electron.js';
import { createAppUrlCheck } from './app-url.js';
import {
  CSP,
  applyCsp,
  denyAllPermissions,
  devCsp,
  hardenAllWebContents,
  hardenWebContents,
  openExternalIfWeb,
  secureWebPreferences,
} from './security.js';

vi.mock('electron', () => import('./fake-electron.js'));

const indexFile = path.resolve('/opt/simdeck/dist/renderer/index.html');
const indexUrl = pathToFileURL(indexFile).href;
const isAppUrl = createAppUrlCheck({ indexFile });

beforeEach(() => {
  resetFake();
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

describe('secureWebPreferences', () => {
  it('isolates, sandboxes and strips Node from the renderer', () => {
    expect(secureWebPreferences('/dist/node/preload.cjs')).toEqual({
      preload: '/dist/node/preload.cjs',
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
    });
  });
});

describe('CSP', () => {
  it('allows only the app itself to supply scripts, styles and connections', () => {
    const directives = Object.fromEntries(CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    expect(directives).toMatchObject({
      'default-src': "'self'",
      'script-src': "'self'",
      'style-src': "'self'",
      'img-src': "'self' data: blob:",
      'font-src': "'self'",
      'connect-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'none'",
      'form-action': "'none'",
      'frame-ancestors': "'none'",
    });
    expect(CSP).not.toMatch(/unsafe-(inline|eval)/);
  });

  it('is set on every response, replacing a CSP the response carried in any letter case', () => {
    const session = new FakeSession();
    applyCsp(session as unknown as Electron.Session, CSP);
    const callback = vi.fn();
    session.headersListener?.(
      { url: indexUrl, responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] } },
      callback,
    );
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [CSP] },
    });
  });

  it('relaxes only what the Vite dev server needs, and only for its own origin', () => {
    const dev = devCsp('http://localhost:5173');
    expect(dev).toContain("script-src 'self' 'unsafe-inline'");
    expect(dev).toContain("connect-src 'self' ws://localhost:5173");
    expect(dev).toContain("object-src 'none'");
    expect(CSP).not.toContain('unsafe-inline');
  });
});

describe('navigation', () => {
  const navigate = (contents: FakeWebContents, event: string, url: string, extra: Record<string, unknown> = {}) => {
    const e = new FakeEvent({ url, isMainFrame: true, ...extra });
    contents.emit(event, e, url);
    return e.defaultPrevented;
  };

  it.each([
    ['file:///etc/passwd'],
    ['https://evil.example/'],
    [`${indexUrl}.evil.html`], // startsWith(indexUrl) would accept this
    [`${indexUrl}/../../../../etc/passwd`],
    [pathToFileURL(path.resolve('/opt/simdeck/dist/renderer/other.html')).href],
    [indexUrl.replace('file:///', 'file://evil.example/')],
    ['javascript:alert(1)'],
    ['not a url'],
  ])('blocks navigation to %s', (url) => {
    const contents = new FakeWebContents(indexUrl);
    hardenWebContents(contents as unknown as Electron.WebContents, isAppUrl);
    expect(navigate(contents, 'will-navigate', url)).toBe(true);
    expect(navigate(contents, 'will-redirect', url)).toBe(true);
  });

  it.each([[indexUrl], [`${indexUrl}#/projects`], [`${indexUrl}?x=1`]])('allows navigation to the app at %s', (url) => {
    const contents = new FakeWebContents(indexUrl);
    hardenWebContents(contents as unknown as Electron.WebContents, isAppUrl);
    expect(navigate(contents, 'will-navigate', url)).toBe(false);
    expect(navigate(contents, 'will-redirect', url)).toBe(false);
  });

  it('blocks every subframe navigation, even to the app', () => {
    const contents = new FakeWebContents(indexUrl);
    hardenWebContents(contents as unknown as Electron.WebContents, isAppUrl);
    expect(navigate(contents, 'will-frame-navigate', indexUrl, { isMainFrame: false })).toBe(true);
  });

  it('with a dev server, only its exact origin is the app', () => {
    const dev = createAppUrlCheck({ indexFile, devUrl: 'http://localhost:5173/' });
    expect(dev('http://localhost:5173/#/jobs')).toBe(true);
    expect(dev('http://localhost:5173.evil.example/')).toBe(false);
    expect(dev('http://localhost:5173@evil.example/')).toBe(false);
    expect(dev('http://localhost:5174/')).toBe(false);
    expect(dev('https://localhost:5173/')).toBe(false);
    expect(dev(indexUrl)).toBe(false);
    expect(() => createAppUrlCheck({ indexFile, devUrl: 'file:///tmp/x' })).toThrow(/http\(s\)/);
  });

  it('refuses <webview> attachment', () => {
    const contents = new FakeWebContents(indexUrl);
    hardenWebContents(contents as unknown as Electron.WebContents, isAppUrl);
    const e = new FakeEvent();
    contents.emit('will-attach-webview', e, {}, {});
    expect(e.defaultPrevented).toBe(true);
  });

  it('hardens every webContents the app creates, once', () => {
    hardenAllWebContents(isAppUrl);
    const contents = new FakeWebContents(indexUrl);
    fake.app.emit('web-contents-created', new FakeEvent(), contents);
    hardenWebContents(contents as unknown as Electron.WebContents, isAppUrl);
    expect(contents.listenerCount('will-navigate')).toBe(1);
    expect(contents.setWindowOpenHandler).toHaveBeenCalledTimes(1);
    expect(navigate(contents, 'will-navigate', 'https://evil.example/')).toBe(true);
  });
});

describe('new windows and external links', () => {
  const open = (url: string) => {
    const contents = new FakeWebContents(indexUrl);
    hardenWebContents(contents as unknown as Electron.WebContents, isAppUrl);
    return contents.windowOpenHandler?.({ url });
  };

  it.each([['https://slurm.schedmd.com/sbatch.html'], ['http://example.org/x?y=1']])(
    'denies the window and opens %s in the browser',
    (url) => {
      expect(open(url)).toEqual({ action: 'deny' });
      expect(fake.shell.openExternal).toHaveBeenCalledWith(new URL(url).href);
    },
  );

  it.each([
    ['file:///etc/passwd'],
    ['javascript:alert(1)'],
    ['smb://attacker/share'],
    ['ms-msdt:/id PCWDiagnostic'],
    ['http//missing-colon'],
    ['::not a url'],
    [''],
    [indexUrl],
  ])('denies the window and never hands %s to the OS', (url) => {
    expect(open(url)).toEqual({ action: 'deny' });
    expect(fake.shell.openExternal).not.toHaveBeenCalled();
  });

  it('logs instead of throwing when the OS cannot open a link', async () => {
    fake.shell.openExternal.mockRejectedValueOnce(new Error('no browser'));
    expect(openExternalIfWeb('https://example.org')).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(console.error).toHaveBeenCalled();
  });
});

describe('permissions', () => {
  it('denies every request, check and device permission', () => {
    const session = new FakeSession();
    denyAllPermissions(session as unknown as Electron.Session);
    const callback = vi.fn();
    for (const permission of ['media', 'notifications', 'geolocation', 'openExternal', 'clipboard-read']) {
      session.setPermissionRequestHandler.mock.calls[0]![0](null, permission, callback, {});
    }
    expect(callback.mock.calls).toEqual(Array(5).fill([false]));
    expect(session.setPermissionCheckHandler.mock.calls[0]![0](null, 'media', 'file://', {})).toBe(false);
    expect(session.setDevicePermissionHandler.mock.calls[0]![0]({ deviceType: 'usb' })).toBe(false);
  });
});
