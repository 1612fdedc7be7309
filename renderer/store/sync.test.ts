// Startup and the Electron shell's early events: open requests sent as soon as the page loaded (before startup
// finished) are not lost, and act once the projects are known.
import { afterEach, expect, it, vi } from 'vitest';
import type { ApiClient } from '../../shared/client.js';
import type { EventName } from '../../shared/contract.js';
import { setApi } from '../api/index.js';
import { useApp } from './app.js';
import { useDesktop } from './desktop.js';
import { bootstrap } from './sync.js';

vi.stubGlobal('document', { documentElement: { dataset: {} } });

const listeners = new Map<EventName, Array<(payload: unknown) => void>>();
const emit = (event: EventName, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));
let finishProjects!: () => void;

/** Every call answers an empty list, except projects.list, which waits for the test, and app.info. */
function fakeApi(): ApiClient {
  const group = (name: string) =>
    new Proxy({}, {
      get: (_t, method: string) => async () => {
        if (name === 'projects' && method === 'list') {
          await new Promise<void>((resolve) => (finishProjects = resolve));
          return [{ id: 'p1', name: 'Barnase', archived: false }];
        }
        if (name === 'app' && method === 'info') return { name: 'SimDeck', version: '1.0.0', shell: 'electron', workspaceDir: '/ws', secretsBackend: 'x', platform: 'linux' };
        return [];
      },
    });
  const on = (event: EventName, l: (payload: unknown) => void) => {
    listeners.set(event, [...(listeners.get(event) ?? []), l]);
    return () => listeners.set(event, (listeners.get(event) ?? []).filter((x) => x !== l));
  };
  return new Proxy({ on } as unknown as ApiClient, { get: (t, k: string) => (k === 'on' ? on : group(k)) });
}

afterEach(() => setApi(null));

it('app.update and app.open sent during startup are kept and applied once SimDeck is ready', async () => {
  setApi(fakeApi());
  const started = bootstrap();
  emit('app.update', { state: 'idle', current: '1.0.0', available: null, percent: null, message: 'x', checkedAt: null });
  emit('app.open', { kind: 'project', projectId: 'p1' });
  expect(useDesktop.getState().update?.state).toBe('idle');
  expect(useApp.getState().projectId).toBeNull(); // not yet: the projects are still loading
  finishProjects();
  await started;
  expect(useApp.getState()).toMatchObject({ appState: 'ready', projectId: 'p1', view: 'projects' });
  emit('app.open', { kind: 'job', jobId: 'j1' });
  expect(useApp.getState()).toMatchObject({ view: 'jobs', focusJobId: 'j1' });
});
