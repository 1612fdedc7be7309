import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppErrorReport } from '../../shared/app.js';
import type { ApiClient } from '../../shared/client.js';
import type { Project } from '../../shared/domain.js';
import { ApiError } from '../../shared/errors.js';
import { setApi } from '../api/index.js';
import { DISMISSED_KEY } from '../lib/desktop.js';
import { useApp } from './app.js';
import { openRequestAction, useDesktop } from './desktop.js';
import { useProjects } from './projects.js';
import { useReproduce } from './reproduce.js';
import { useToasts } from './toasts.js';

// Node has no sessionStorage; a Map-backed one is enough for the dismissals.
const store = new Map<string, string>();
vi.stubGlobal('sessionStorage', {
  getItem: (k: string) => store.get(k) ?? null,
  setItem: (k: string, v: string) => void store.set(k, v),
  removeItem: (k: string) => void store.delete(k),
});

const report = (id: string, at: string, restarted = false): AppErrorReport => ({ id, at, source: 'core', message: `boom ${id}`, restarted });
const settings = { updates: { enabled: true, feedUrl: null } };

let earlier: AppErrorReport[] = [];
const inspect = vi.fn(() => new Promise(() => undefined));
const setSettings = vi.fn(async (p: { updates?: { enabled?: boolean; feedUrl?: string | null } }) => {
  if (p.updates?.feedUrl?.startsWith('http://')) throw new ApiError('INVALID_INPUT', 'app.setSettings: updates.feedUrl: the update feed must use https://');
  return { updates: { ...settings.updates, ...p.updates } };
});

beforeEach(() => {
  store.clear();
  earlier = [];
  inspect.mockClear();
  setApi({
    app: { settings: async () => settings, setSettings, errors: async () => earlier },
    reproduce: { inspect },
  } as unknown as ApiClient);
});
afterEach(() => {
  useDesktop.setState({ errors: [], settingsOpen: false, settings: null, update: null });
  useToasts.getState().clear();
  useReproduce.setState({ files: [], selected: null });
  useApp.setState({ view: 'projects', projectId: null, focusJobId: null });
  setApi(null);
});

describe('the error banner', () => {
  it('shows the newest of several errors', () => {
    useDesktop.getState().onError(report('a', '2026-01-01T10:00:00Z'));
    useDesktop.getState().onError(report('b', '2026-01-01T11:00:00Z', true));
    expect(useDesktop.getState().errors.map((e) => e.id)).toEqual(['b', 'a']);
  });

  it('dismissed errors stay dismissed in this window, also after a reload fetches app.errors', async () => {
    useDesktop.getState().onError(report('a', '2026-01-01T10:00:00Z'));
    useDesktop.getState().dismissErrors();
    expect(useDesktop.getState().errors).toEqual([]);
    expect(JSON.parse(store.get(DISMISSED_KEY)!)).toMatchObject({ ids: ['a'] });
    earlier = [report('c', '2026-01-01T12:00:00Z'), report('a', '2026-01-01T10:00:00Z'), report('z', '2026-01-01T09:00:00Z')];
    await useDesktop.getState().loadErrors();
    expect(useDesktop.getState().errors.map((e) => e.id)).toEqual(['c']);
  });

  it('a core that cannot list its errors leaves the banner as it is', async () => {
    setApi({ app: { errors: async () => Promise.reject(new ApiError('UNKNOWN_METHOD', 'no')) } } as unknown as ApiClient);
    await useDesktop.getState().loadErrors();
    expect(useDesktop.getState().errors).toEqual([]);
  });
});

describe('settings', () => {
  it('openSettings opens the dialog and loads the settings; events keep them current', async () => {
    useDesktop.getState().openSettings();
    expect(useDesktop.getState().settingsOpen).toBe(true);
    await vi.waitFor(() => expect(useDesktop.getState().settings).toEqual(settings));
    useDesktop.getState().onSettings({ updates: { enabled: false, feedUrl: null } });
    expect(useDesktop.getState().settings?.updates.enabled).toBe(false);
  });

  it('saveUpdates stores the answer and passes the core’s validation error on', async () => {
    await useDesktop.getState().saveUpdates({ enabled: false });
    expect(setSettings).toHaveBeenLastCalledWith({ updates: { enabled: false } });
    expect(useDesktop.getState().settings?.updates.enabled).toBe(false);
    await expect(useDesktop.getState().saveUpdates({ feedUrl: 'http://x.example/' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('openRequestAction', () => {
  it('a file opens Reproduce and is inspected by its path', () => {
    openRequestAction({ kind: 'file', path: '/data/run7/score.sc' });
    expect(useApp.getState().view).toBe('reproduce');
    expect(useReproduce.getState().files.map((f) => f.localPath)).toEqual(['/data/run7/score.sc']);
    expect(inspect).toHaveBeenCalledTimes(1);
  });

  it('a known project becomes the current project; an unknown one is a warning', () => {
    useProjects.setState({ projects: [{ id: 'p1', name: 'Barnase' } as Project] });
    useApp.setState({ view: 'jobs' });
    openRequestAction({ kind: 'project', projectId: 'p1' });
    expect(useApp.getState()).toMatchObject({ projectId: 'p1', view: 'projects' });
    openRequestAction({ kind: 'project', projectId: 'gone' });
    expect(useApp.getState().projectId).toBe('p1');
    expect(useToasts.getState().toasts).toEqual([expect.objectContaining({ level: 'warning', message: 'SimDeck has no project gone in this workspace.' })]);
  });

  it('a job opens its drawer in Jobs; settings opens the dialog', () => {
    openRequestAction({ kind: 'job', jobId: 'j9' });
    expect(useApp.getState()).toMatchObject({ view: 'jobs', focusJobId: 'j9' });
    openRequestAction({ kind: 'settings' });
    expect(useDesktop.getState().settingsOpen).toBe(true);
  });
});
