import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as electron from 'electron';
import type * as FakeElectron from './fake-electron.js';

vi.mock('electron', () => import('./fake-electron.js'));
const startShell = vi.hoisted(() => vi.fn(() => Promise.resolve()));
vi.mock('./shell-app.js', () => ({ startShell }));

// Through 'electron', not './fake-electron.js': vi.resetModules() below reloads plain modules but keeps mocks.
const fake = electron as unknown as typeof FakeElectron;

beforeEach(() => {
  fake.resetFake();
  vi.resetModules();
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

describe('main', () => {
  it('sandboxes every renderer and starts the shell from dist/node', async () => {
    await import('./main.js');
    expect(fake.app.enableSandbox).toHaveBeenCalled();
    expect(startShell).toHaveBeenCalledWith(expect.any(String));
  });

  it('quits when the last window closes, except on macOS', async () => {
    await import('./main.js');
    fake.app.emit('window-all-closed');
    expect(fake.app.quit).toHaveBeenCalledTimes(process.platform === 'darwin' ? 0 : 1);
  });

  it('shows the startup error and exits non-zero', async () => {
    startShell.mockImplementationOnce(() => Promise.reject(new Error('--workspace needs a directory')));
    await import('./main.js');
    await vi.waitFor(() => expect(fake.app.exit).toHaveBeenCalledWith(1));
    expect(fake.dialog.showErrorBox).toHaveBeenCalledWith('SimDeck could not start', '--workspace needs a directory');
  });

  it('in --self-check mode reports a startup failure as a JSON line, never a dialog that would hang CI', async () => {
    const argv = process.argv;
    process.argv = ['simdeck', '--self-check'];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      startShell.mockImplementationOnce(() => Promise.reject(new Error('app not ready')));
      await import('./main.js');
      await vi.waitFor(() => expect(fake.app.exit).toHaveBeenCalledWith(1));
      expect(write).toHaveBeenCalledWith(`${JSON.stringify({ ok: false, check: 'startup', message: 'app not ready' })}\n`);
      expect(fake.dialog.showErrorBox).not.toHaveBeenCalled();
    } finally {
      process.argv = argv;
      write.mockRestore();
    }
  });
});
