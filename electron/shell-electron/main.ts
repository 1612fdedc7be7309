// Entry point of the Electron main process (bundled to dist/node/electron-main.cjs). The logic lives in
// shell-app.ts and the modules it wires together, so it can be tested without Electron.
import { app, dialog } from 'electron';
import { describe, logError } from './log.js';
import { isSelfCheck } from './self-check.js';
import { startShell } from './shell-app.js';

app.enableSandbox(); // every renderer sandboxed, whatever a future window's webPreferences say

startShell(__dirname).catch((err: unknown) => {
  logError('SimDeck could not start', err);
  // The self-check runs headless in CI: a dialog would hang it, so it reports in its JSON line instead.
  if (isSelfCheck(process.argv)) process.stdout.write(`${JSON.stringify({ ok: false, check: 'startup', message: describe(err) })}\n`);
  else dialog.showErrorBox('SimDeck could not start', describe(err));
  app.exit(1);
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
