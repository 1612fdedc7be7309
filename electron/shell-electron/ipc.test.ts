import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as fake from './fake-electron.js';
import { EVENT_CHANNEL, METHODS, channelOf } from '../../shared/contract.js';
import { BrowserWindow, FakeFrame, FakeWebContents, resetFake } from './fake-electron.js';
import { createAppUrlCheck } from './app-url.js';
import { registerIpc, sendEvent } from './ipc.js';

vi.mock('electron', () => import('./fake-electron.js'));

const indexFile = path.resolve('/opt/simdeck/dist/renderer/index.html');
const indexUrl = pathToFileURL(indexFile).href;
const isAppUrl = createAppUrlCheck({ indexFile });

function setup() {
  const core = { call: vi.fn(async (method: string) => ({ ok: true as const, result: { method } })) };
  registerIpc(core, isAppUrl);
  const invoke = (channel: string, event: unknown, params: unknown = {}) => fake.ipcMain.handlers.get(channel)!(event, params);
  return { core, invoke };
}

/** An invoke event as Electron builds it: the sending WebContents and the frame that sent. */
function eventFrom(contents: FakeWebContents, frame: FakeFrame | null | 'throws') {
  const event = { sender: contents } as Record<string, unknown>;
  Object.defineProperty(event, 'senderFrame', {
    get: () => {
      if (frame === 'throws') throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      return frame;
    },
  });
  return event;
}

beforeEach(() => {
  resetFake();
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

describe('registerIpc', () => {
  it('registers exactly one handler per contract method and nothing else', () => {
    setup();
    const channels = fake.ipcMain.handle.mock.calls.map(([channel]) => channel);
    expect(channels.sort()).toEqual(METHODS.map(channelOf).sort());
    expect(new Set(channels).size).toBe(METHODS.length);
  });

  it('forwards a call from the app main frame to the core and returns its envelope as is', async () => {
    const { core, invoke } = setup();
    const contents = new FakeWebContents(`${indexUrl}#/projects`);
    const reply = await invoke(channelOf('projects.create'), eventFrom(contents, contents.mainFrame), { name: 'x' });
    expect(core.call).toHaveBeenCalledWith('projects.create', { name: 'x' });
    expect(reply).toEqual({ ok: true, result: { method: 'projects.create' } });
  });

  it('passes a core error envelope through untouched', async () => {
    const { core, invoke } = setup();
    const error = { ok: false, error: { code: 'CONFLICT', message: 'name in use' } };
    core.call.mockResolvedValueOnce(error as never);
    const contents = new FakeWebContents(indexUrl);
    expect(await invoke(channelOf('projects.create'), eventFrom(contents, contents.mainFrame))).toEqual(error);
  });

  it('answers INTERNAL instead of throwing if the core call rejects', async () => {
    const { core, invoke } = setup();
    core.call.mockRejectedValueOnce(new Error('boom'));
    const contents = new FakeWebContents(indexUrl);
    const reply = await invoke(channelOf('app.info'), eventFrom(contents, contents.mainFrame));
    expect(reply).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  const refusals: Array<[string, () => unknown]> = [
    ['a foreign page in the main frame', () => {
      const contents = new FakeWebContents('https://evil.example/');
      return eventFrom(contents, contents.mainFrame);
    }],
    ['another local file', () => {
      const contents = new FakeWebContents('file:///tmp/evil.html');
      return eventFrom(contents, contents.mainFrame);
    }],
    ['a subframe showing the app URL', () => {
      const contents = new FakeWebContents(indexUrl);
      const sub = new FakeFrame(indexUrl);
      sub.parent = contents.mainFrame;
      return eventFrom(contents, sub);
    }],
    ['no frame (navigated away or closed)', () => eventFrom(new FakeWebContents(indexUrl), null)],
    ['a disposed frame', () => eventFrom(new FakeWebContents(indexUrl), 'throws')],
    ['a look-alike URL', () => {
      const contents = new FakeWebContents(`${indexUrl}.evil.html`);
      return eventFrom(contents, contents.mainFrame);
    }],
  ];

  it.each(refusals)('refuses %s with FORBIDDEN and forwards nothing', async (_name, makeEvent) => {
    const { core, invoke } = setup();
    for (const method of METHODS) {
      const reply = await invoke(channelOf(method), makeEvent());
      expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(core.call).not.toHaveBeenCalled();
    expect(console.warn).toHaveBeenCalled();
  });

  it('can be unregistered', () => {
    const unregister = registerIpc({ call: vi.fn() }, isAppUrl);
    unregister();
    expect(fake.ipcMain.handlers.size).toBe(0);
  });
});

describe('sendEvent', () => {
  it('sends {event, payload} on the event channel', () => {
    const win = new BrowserWindow({});
    sendEvent(win as unknown as Electron.BrowserWindow, 'jobs.changed', { jobIds: ['a'] });
    expect(win.webContents.send).toHaveBeenCalledWith(EVENT_CHANNEL, { event: 'jobs.changed', payload: { jobIds: ['a'] } });
  });

  it('drops events when there is no live window', () => {
    const win = new BrowserWindow({});
    win.destroyed = true;
    sendEvent(win as unknown as Electron.BrowserWindow, 'projects.changed', { projectId: null });
    sendEvent(null, 'projects.changed', { projectId: null });
    expect(win.webContents.send).not.toHaveBeenCalled();
  });
});
