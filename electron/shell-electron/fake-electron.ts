// A hand-written stand-in for the 'electron' module in unit tests, loaded with
// `vi.mock('electron', () => import('./fake-electron.js'))`. The real module would try to download the
// Electron binary when required from Node. Only what the shell uses is faked; every call is a vi.fn spy.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { vi } from 'vitest';

/** Electron-style event object: listeners call preventDefault() to veto. */
export class FakeEvent {
  defaultPrevented = false;
  constructor(fields: Record<string, unknown> = {}) {
    Object.assign(this, fields);
  }
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export class FakeFrame {
  parent: FakeFrame | null = null;
  constructor(public url: string) {}
}

export class FakeSession {
  headersListener: ((details: unknown, cb: (r: unknown) => void) => void) | null = null;
  webRequest = { onHeadersReceived: vi.fn((listener: FakeSession['headersListener']) => (this.headersListener = listener)) };
  setPermissionRequestHandler = vi.fn();
  setPermissionCheckHandler = vi.fn();
  setDevicePermissionHandler = vi.fn();
}

export class FakeWebContents extends EventEmitter {
  mainFrame: FakeFrame;
  windowOpenHandler: ((details: { url: string }) => unknown) | null = null;
  setWindowOpenHandler = vi.fn((handler: FakeWebContents['windowOpenHandler']) => (this.windowOpenHandler = handler));
  send = vi.fn();
  destroyed = false;
  isDestroyed = () => this.destroyed;
  loadURL = vi.fn(() => Promise.resolve());
  loadFile = vi.fn(() => Promise.resolve());
  constructor(url = 'about:blank') {
    super();
    this.mainFrame = new FakeFrame(url);
  }
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  static getAllWindows = vi.fn(() => BrowserWindow.instances);
  webContents = new FakeWebContents();
  destroyed = false;
  show = vi.fn();
  focus = vi.fn();
  restore = vi.fn();
  isMinimized = vi.fn(() => false);
  isDestroyed = () => this.destroyed;
  loadURL = vi.fn(() => Promise.resolve());
  loadFile = vi.fn(() => Promise.resolve());
  constructor(public options: Record<string, unknown>) {
    super();
    BrowserWindow.instances.push(this);
  }
}

export class FakeUtilityProcess extends EventEmitter {
  stdout = new PassThrough();
  stderr = new PassThrough();
  posted: unknown[] = [];
  postMessage = vi.fn((message: unknown) => void this.posted.push(message));
  kill = vi.fn(() => {
    setImmediate(() => this.emit('exit', 15));
    return true;
  });
  constructor(
    public modulePath: string,
    public args: string[],
    public options: Record<string, unknown>,
  ) {
    super();
  }
}

const appEmitter = new EventEmitter();
export const app = Object.assign(appEmitter, {
  isPackaged: false,
  getPath: vi.fn(() => '/fake/userData'),
  getAppPath: vi.fn(() => '/fake/app'),
  getVersion: vi.fn(() => '0.1.0'),
  whenReady: vi.fn(() => Promise.resolve()),
  enableSandbox: vi.fn(),
  quit: vi.fn(),
  exit: vi.fn(),
});

export const ipcMain = {
  handlers: new Map<string, (...args: unknown[]) => unknown>(),
  handle: vi.fn((channel: string, handler: (...args: unknown[]) => unknown) => {
    if (ipcMain.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    ipcMain.handlers.set(channel, handler);
  }),
  removeHandler: vi.fn((channel: string) => void ipcMain.handlers.delete(channel)),
};

export const ipcRenderer = {
  invoke: vi.fn((..._args: unknown[]): Promise<unknown> => Promise.resolve({ ok: true, result: null })),
  on: vi.fn(),
  removeListener: vi.fn(),
  send: vi.fn(),
};

export const contextBridge = { exposeInMainWorld: vi.fn() };
export const webUtils = { getPathForFile: vi.fn((file: { name?: string }) => `/dropped/${file.name ?? 'file'}`) };
export const session = { defaultSession: new FakeSession() };
export const shell = { openExternal: vi.fn((_url: string) => Promise.resolve()) };
export const dialog = { showErrorBox: vi.fn() };
/** Notifications shown, newest last (the fake is always "supported"). */
export class Notification extends EventEmitter {
  static shown: Notification[] = [];
  static isSupported = vi.fn(() => true);
  constructor(public options: { title: string; body: string; urgency?: string }) {
    super();
  }
  show = vi.fn(() => {
    Notification.shown.push(this);
  });
}

export const safeStorage = {
  isEncryptionAvailable: vi.fn(() => true),
  getSelectedStorageBackend: vi.fn(() => 'gnome_libsecret'),
  encryptString: vi.fn((text: string) => Buffer.from(`sealed:${text}`)),
  decryptString: vi.fn((data: Buffer) => data.toString().replace(/^sealed:/, '')),
};

export const utilityProcess = {
  children: [] as FakeUtilityProcess[],
  fork: vi.fn((modulePath: string, args: string[] = [], options: Record<string, unknown> = {}) => {
    const child = new FakeUtilityProcess(modulePath, args, options);
    utilityProcess.children.push(child);
    return child;
  }),
};

/** Back to a fresh fake: spies keep their default implementations, recorded state is dropped. */
export function resetFake(): void {
  vi.clearAllMocks();
  appEmitter.removeAllListeners();
  app.isPackaged = false;
  ipcMain.handlers.clear();
  utilityProcess.children.length = 0;
  BrowserWindow.instances.length = 0;
  Notification.shown.length = 0;
  Notification.isSupported.mockImplementation(() => true);
  session.defaultSession = new FakeSession();
  safeStorage.isEncryptionAvailable.mockImplementation(() => true);
  safeStorage.getSelectedStorageBackend.mockImplementation(() => 'gnome_libsecret');
  safeStorage.encryptString.mockImplementation((text: string) => Buffer.from(`sealed:${text}`));
  safeStorage.decryptString.mockImplementation((data: Buffer) => data.toString().replace(/^sealed:/, ''));
}

export default { app, BrowserWindow, contextBridge, dialog, Notification, ipcMain, ipcRenderer, safeStorage, session, shell, utilityProcess, webUtils };
