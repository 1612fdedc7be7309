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

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  static getAllWindows = vi.fn(() => BrowserWindow.instances);
  webContents = new FakeWebContents();
  destroyed = false;
  bounds: Rect;
  maximized = false;
  fullScreen = false;
  show = vi.fn();
  focus = vi.fn();
  restore = vi.fn();
  isMinimized = vi.fn(() => false);
  isDestroyed = () => this.destroyed;
  loadURL = vi.fn(() => Promise.resolve());
  loadFile = vi.fn(() => Promise.resolve());
  getBounds = vi.fn(() => ({ ...this.bounds }));
  setBounds = vi.fn((bounds: Partial<Rect>) => void (this.bounds = { ...this.bounds, ...bounds }));
  isMaximized = vi.fn(() => this.maximized);
  maximize = vi.fn(() => void (this.maximized = true));
  isFullScreen = vi.fn(() => this.fullScreen);
  setFullScreen = vi.fn((flag: boolean) => void (this.fullScreen = flag));
  constructor(public options: Record<string, unknown>) {
    super();
    const o = options as Partial<Rect>;
    this.bounds = { x: o.x ?? 0, y: o.y ?? 0, width: o.width ?? 800, height: o.height ?? 600 };
    BrowserWindow.instances.push(this);
  }
}

/** A built menu keeps its template so tests can find items by label and click them. */
export class Menu {
  static built: Menu[] = [];
  static application: Menu | null = null;
  static buildFromTemplate = vi.fn((template: unknown[]) => {
    const menu = new Menu(template);
    Menu.built.push(menu);
    return menu;
  });
  static setApplicationMenu = vi.fn((menu: Menu | null) => void (Menu.application = menu));
  constructor(public template: unknown[]) {}
}

export class FakeImage {
  constructor(public source: string) {}
  isEmpty = () => this.source === '';
}
export const nativeImage = {
  createFromPath: vi.fn((file: string) => new FakeImage(file)),
  createEmpty: vi.fn(() => new FakeImage('')),
};

export class Tray extends EventEmitter {
  static instances: Tray[] = [];
  /** Set to make the next `new Tray()` throw, as on a Linux desktop without a status area. */
  static failNext: Error | null = null;
  tooltip = '';
  contextMenu: Menu | null = null;
  setToolTip = vi.fn((text: string) => void (this.tooltip = text));
  setContextMenu = vi.fn((menu: Menu | null) => void (this.contextMenu = menu));
  destroy = vi.fn();
  constructor(public image: FakeImage) {
    super();
    if (Tray.failNext) {
      const err = Tray.failNext;
      Tray.failNext = null;
      throw err;
    }
    Tray.instances.push(this);
  }
}

export interface FakeDisplay {
  id: number;
  bounds: Rect;
  workArea: Rect;
}
const defaultDisplay = (): FakeDisplay => ({ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 25, width: 1920, height: 1055 } });
export const screen = {
  displays: [defaultDisplay()],
  getAllDisplays: vi.fn(() => screen.displays),
  getPrimaryDisplay: vi.fn(() => screen.displays[0]!),
};

export const clipboard = { writeText: vi.fn() };

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
  /** Paths by name, e.g. userData; tests may point one at a temp dir. */
  paths: { userData: '/fake/userData', temp: '/tmp', logs: '/fake/logs' } as Record<string, string>,
  getPath: vi.fn((name: string) => app.paths[name] ?? `/fake/${name}`),
  getAppPath: vi.fn(() => '/fake/app'),
  getVersion: vi.fn(() => '0.1.0'),
  whenReady: vi.fn(() => Promise.resolve()),
  enableSandbox: vi.fn(),
  quit: vi.fn(),
  exit: vi.fn(),
  requestSingleInstanceLock: vi.fn(() => true),
  setAsDefaultProtocolClient: vi.fn((..._args: unknown[]) => true),
  setBadgeCount: vi.fn(() => true),
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
export const shell = { openExternal: vi.fn((_url: string) => Promise.resolve()), openPath: vi.fn((_path: string) => Promise.resolve('')) };
export const dialog = {
  showErrorBox: vi.fn(),
  showOpenDialog: vi.fn((..._args: unknown[]) => Promise.resolve({ canceled: true, filePaths: [] as string[] })),
  showMessageBox: vi.fn((..._args: unknown[]) => Promise.resolve({ response: 0, checkboxChecked: false })),
};
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
  app.paths = { userData: '/fake/userData', temp: '/tmp', logs: '/fake/logs' };
  app.requestSingleInstanceLock.mockImplementation(() => true);
  dialog.showOpenDialog.mockImplementation(() => Promise.resolve({ canceled: true, filePaths: [] }));
  Menu.built.length = 0;
  Menu.application = null;
  Tray.instances.length = 0;
  Tray.failNext = null;
  screen.displays = [defaultDisplay()];
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

export default {
  app,
  BrowserWindow,
  clipboard,
  contextBridge,
  dialog,
  Menu,
  nativeImage,
  Notification,
  ipcMain,
  ipcRenderer,
  safeStorage,
  screen,
  session,
  shell,
  Tray,
  utilityProcess,
  webUtils,
};
