// One SimDeck per user: a second launch (double-clicking a result file, a simdeck:// link on Windows/Linux) hands
// its command line to the running instance and quits, so two processes never share one workspace database.
// macOS delivers files and links to the running app as 'open-file' / 'open-url' events instead.
import path from 'node:path';
import { app } from 'electron';
import { logInfo, logWarn } from './log.js';
import { openRequestsFromArgv, parseDeepLink, PROTOCOL, type OpenRequestQueue } from './open-requests.js';

/** False when another SimDeck is running: it has been told about our command line, and we quit at once. */
export function claimSingleInstance(): boolean {
  if (app.requestSingleInstanceLock()) return true;
  logInfo('SimDeck is already running; handing the command line to it');
  app.quit();
  return false;
}

/** Registered before 'ready': macOS sends 'open-file' for the file that launched the app before it is ready. */
export function listenForOpenRequests(queue: OpenRequestQueue): void {
  app.on('second-instance', (_event, argv, workingDirectory) => {
    queue.push(openRequestsFromArgv(argv, workingDirectory, { isPackaged: app.isPackaged }));
  });
  app.on('open-file', (event, file) => {
    event.preventDefault(); // tells macOS we handled it
    queue.push([{ kind: 'file', path: file }]);
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    const parsed = parseDeepLink(url);
    if (parsed.ok) queue.push([parsed.request]);
    else logWarn(`ignored link ${JSON.stringify(url.slice(0, 200))}: ${parsed.reason}`);
  });
}

/**
 * Makes simdeck:// links open SimDeck. In development (`electron .`) the OS must start Electron with the app
 * directory, so the executable and that path are given (Electron docs, "Deep Links"). On macOS the scheme must also
 * be in Info.plist and in a packaged Linux app the .desktop file registers it; the call is harmless there.
 */
export function registerProtocol(argv: readonly string[] = process.argv): void {
  const ok =
    process.defaultApp && argv.length >= 2
      ? app.setAsDefaultProtocolClient(PROTOCOL, process.execPath, [path.resolve(argv[1]!)])
      : app.setAsDefaultProtocolClient(PROTOCOL);
  if (!ok) logWarn(`could not register ${PROTOCOL}:// links with the OS`);
}
