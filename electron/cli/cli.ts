// `simdeck`: the command line that shares SimDeck's core. `serve` runs the browser shell.
import path from 'node:path';
import { startCoreLink, type CoreLink } from '../host/core-link.js';
import { newToken } from '../shell-browser/auth.js';
import { startBrowserShell } from '../shell-browser/server.js';
import { parseArgs, USAGE, UsageError, type ServeArgs } from './args.js';
import { openInBrowser } from './open-url.js';
import { defaultWorkspaceDir } from './workspace-dir.js';
import { uploadsDir } from '../workspace/uploads.js';

declare const SIMDECK_VERSION: string;
export const VERSION = typeof SIMDECK_VERSION === 'string' ? SIMDECK_VERSION : '0.0.0-dev';

async function serve(args: ServeArgs): Promise<void> {
  const workspaceDir = path.resolve(args.workspace ?? defaultWorkspaceDir());
  // The core (SQLite, migrations) runs in a child process, restarted if it crashes; it and the HTTP server start
  // side by side, and the address is printed once both are up.
  const starting = startCoreLink({ shell: 'browser', workspaceDir, vault: 'file', version: VERSION });
  const [core, shell] = await Promise.all([
    starting,
    startBrowserShell({
      core: deferredCore(starting),
      token: newToken(),
      port: args.port,
      staticDir: path.join(__dirname, '..', 'renderer'),
      uploadDir: uploadsDir(workspaceDir),
    }),
  ]);
  process.stdout.write(`SimDeck at ${shell.url}\n`);
  process.stdout.write(`Workspace: ${workspaceDir}\n`);
  if (args.open) openInBrowser(shell.url);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await shell.close();
    await core.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

/** A core handle usable before the core is up: calls and subscriptions wait for it. */
function deferredCore(starting: Promise<CoreLink>): Pick<CoreLink, 'call' | 'onEvent'> {
  return {
    call: async (method, params) => (await starting).call(method, params),
    onEvent(listener) {
      let off = () => {};
      let cancelled = false;
      void starting.then((core) => {
        if (!cancelled) off = core.onEvent(listener);
      }, () => undefined);
      return () => {
        cancelled = true;
        off();
      };
    },
  };
}

export async function main(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    const out = (t: string) => void process.stdout.write(t);
    const err = (t: string) => void process.stderr.write(t);
    if (args.command === 'version') out(`simdeck ${VERSION}\n`);
    else if (args.command === 'help') out(USAGE + '\n');
    // The readers load only when asked, so `serve` starts as fast as it can.
    else if (args.command === 'inspect') return await (await import('./reproduce-commands.js')).inspectCommand(args, out, err);
    else if (args.command === 'recreate') return await (await import('./reproduce-commands.js')).recreateCommand(args, out, err);
    else await serve(args);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`simdeck: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`simdeck: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    if (code !== 0) process.exit(code);
  });
}
