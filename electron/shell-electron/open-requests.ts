// What the OS asks SimDeck to open: files ("Open with SimDeck", a second launch with a path) and simdeck:// links
// to a project or a job. Links only ever name an id: a link from a web page must never make SimDeck open a file.
// Requests wait until the renderer has loaded (it would drop events sent earlier), then arrive as 'app.open'.
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserWindow } from 'electron';
import type { OpenRequest } from '../../shared/app.js';
import { logWarn } from './log.js';

export const PROTOCOL = 'simdeck';

export type LinkParse = { ok: true; request: OpenRequest } | { ok: false; reason: string };

// Parsed by hand rather than with URL, which would resolve `..` segments and decode %-escapes before we could refuse
// them. Only the `simdeck://kind/id` form is accepted (an optional trailing slash is allowed because Windows adds
// one); the opaque `simdeck:project/id` form is refused so there is one link format to document and generate.
const LINK = /^simdeck:\/\/(project|job)\/([A-Za-z0-9_-]{1,64})\/?$/i;

export function parseDeepLink(url: string): LinkParse {
  if (!/^simdeck:/i.test(url)) return { ok: false, reason: 'not a simdeck: link' };
  const match = LINK.exec(url);
  if (!match) return { ok: false, reason: 'expected simdeck://project/<id> or simdeck://job/<id>' };
  const id = match[2]!;
  return { ok: true, request: match[1]!.toLowerCase() === 'project' ? { kind: 'project', projectId: id } : { kind: 'job', jobId: id } };
}

export interface ArgvOptions {
  /** In an unpackaged app argv[1] is the app directory (`electron .`), not something to open. */
  isPackaged: boolean;
  isFile?: (file: string) => boolean;
}

/** SimDeck's own flags that take a separate value (`--workspace DIR`); the value is not a file to open. */
const VALUE_FLAGS = new Set(['--workspace']);

export function openRequestsFromArgv(argv: readonly string[], cwd: string, options: ArgvOptions): OpenRequest[] {
  const isFile = options.isFile ?? isRegularFile;
  const requests: OpenRequest[] = [];
  for (const arg of positionalArgs(argv.slice(1), !options.isPackaged)) {
    const request = /^simdeck:/i.test(arg) ? linkRequest(arg) : fileRequest(path.resolve(cwd, arg), isFile);
    if (request) requests.push(request);
  }
  return requests;
}

/** Arguments that are not flags or flag values; in development the first one (the app path) is dropped too. */
function positionalArgs(args: readonly string[], skipAppPath: boolean): string[] {
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (VALUE_FLAGS.has(arg)) i++;
    else if (!arg.startsWith('-') && arg !== '') positional.push(arg);
  }
  return skipAppPath ? positional.slice(1) : positional;
}

function linkRequest(url: string): OpenRequest | null {
  const parsed = parseDeepLink(url);
  if (parsed.ok) return parsed.request;
  logWarn(`ignored link ${JSON.stringify(url.slice(0, 200))}: ${parsed.reason}`);
  return null;
}

function fileRequest(file: string, isFile: (file: string) => boolean): OpenRequest | null {
  if (isFile(file)) return { kind: 'file', path: file };
  logWarn(`ignored ${file}: not an existing file`);
  return null;
}

export function isRegularFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Brings the window forward, from the taskbar or the dock if need be. */
export function focusWindow(win: BrowserWindow | null): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

/**
 * Holds open requests until the current window's renderer has loaded, then delivers them in order; later ones
 * go straight through. Before the first window exists (macOS 'open-file' before 'ready') they simply wait.
 */
export class OpenRequestQueue {
  private pending: OpenRequest[] = [];
  private win: BrowserWindow | null = null;
  private loaded = false;

  constructor(
    private readonly deliver: (win: BrowserWindow, request: OpenRequest) => void,
    /** Opens a window when a request comes while there is none (macOS keeps running with every window closed). */
    private readonly reopen: () => void = () => {},
  ) {}

  attach(win: BrowserWindow): void {
    this.win = win;
    this.loaded = false;
    win.webContents.once('did-finish-load', () => {
      if (this.win !== win) return;
      this.loaded = true;
      this.flush();
    });
  }

  push(requests: readonly OpenRequest[]): void {
    this.pending.push(...requests);
    if (this.win?.isDestroyed()) this.reopen(); // reopen() attaches the new window, which flushes once loaded
    if (this.loaded) this.flush();
    this.focus();
  }

  focus(): void {
    focusWindow(this.win);
  }

  private flush(): void {
    const win = this.win;
    if (!win || win.isDestroyed()) return;
    const requests = this.pending;
    this.pending = [];
    requests.forEach((request) => this.deliver(win, request));
  }
}
