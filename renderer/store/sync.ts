// Startup and live updates: the first app.info + projects.list decides whether the app is ready; after that,
// every `*.changed` event reloads the matching list and `activity.appended` extends the log.
import type { OpenRequest } from '../../shared/app.js';
import { toApiError } from '../../shared/client.js';
import { api } from '../api/index.js';
import { useActivity } from './activity.js';
import { useApp } from './app.js';
import { useClusters } from './clusters.js';
import { openRequestAction, useDesktop } from './desktop.js';
import { useFleets } from './fleets.js';
import { useJobs } from './jobs.js';
import { useMonitor } from './monitor.js';
import { useProjects } from './projects.js';
import { useReproduce } from './reproduce.js';
import { useSshPrompts } from './sshPrompts.js';
import { useTargets } from './targets.js';
import { toast } from './toasts.js';
import { useTransfers } from './transfers.js';
import { useTunnels } from './tunnels.js';
import { useUmbrella } from './umbrella.js';

export function setDocumentState(state: 'loading' | 'ready' | 'error'): void {
  document.documentElement.dataset.appState = state;
}

/** What to do about a startup failure, by error code. */
export function startupAdvice(code: string, shell: 'electron' | 'browser'): string {
  if (code === 'UNAUTHORIZED' || code === 'FORBIDDEN') return '';
  if (code === 'UNAVAILABLE' && shell === 'browser') return 'If `simdeck serve` stopped, start it again and open the new address it prints.';
  if (shell === 'electron') return 'Try again; if it keeps failing, quit and restart SimDeck and check its log.';
  return 'Try again; if it keeps failing, restart `simdeck serve` and check its output.';
}

let unsubscribers: Array<() => void> = [];
let shellListening = false;
let pendingOpens: OpenRequest[] = [];

/**
 * The Electron shell sends the updater's status and open requests once the page has loaded ('did-finish-load'),
 * before startup finishes: listen at once (events nobody listens to are lost) and act on open requests when ready.
 */
function listenToShell(): void {
  if (shellListening) return;
  shellListening = true;
  const client = api();
  client.on('app.update', (s) => useDesktop.getState().onUpdate(s));
  client.on('app.open', (req) => (useApp.getState().appState === 'ready' ? openRequestAction(req) : void pendingOpens.push(req)));
}

export async function bootstrap(): Promise<void> {
  listenToShell();
  const app = useApp.getState();
  useApp.setState({ appState: 'loading', fatal: null });
  setDocumentState('loading');
  try {
    // Both at once: start-up time is what a researcher feels every morning.
    const [info] = await Promise.all([api().app.info(), useProjects.getState().load()]);
    useApp.setState({ info, appState: 'ready' });
    setDocumentState('ready');
  } catch (err) {
    const e = toApiError(err);
    const advice = startupAdvice(e.code, app.shell);
    useApp.setState({
      appState: 'error',
      fatal: { title: 'SimDeck could not start', message: advice ? `${e.message} ${advice}` : e.message },
    });
    setDocumentState('error');
    return;
  }
  startLiveUpdates();
}

export function refreshAll(): void {
  void useProjects.getState().refresh();
  void useTargets.getState().refresh();
  void useJobs.getState().refresh();
  void useActivity.getState().refresh();
  void useReproduce.getState().refreshRuns();
  void useClusters.getState().refresh();
  void useTransfers.getState().refresh();
  void useTunnels.getState().refresh();
}

function forgetMissingProject(projects: ReadonlyArray<{ id: string; archived: boolean }>): void {
  const { projectId, setProject } = useApp.getState();
  if (projectId && !projects.some((p) => p.id === projectId && !p.archived)) setProject(null);
}

function startLiveUpdates(): void {
  for (const u of unsubscribers) u();
  const client = api();
  unsubscribers = [
    client.on('projects.changed', () => void useProjects.getState().refresh()),
    client.on('targets.changed', () => {
      void useTargets.getState().refresh();
      void useClusters.getState().refresh();
    }),
    client.on('jobs.changed', () => {
      void useJobs.getState().refresh();
      void useProjects.getState().refresh(); // job counts
    }),
    client.on('activity.appended', (entry) => useActivity.getState().append(entry)),
    client.on('notice', (n) => void toast(n.level, n.message)),
    // Recreate and reproduce runs: output streams in, the final state arrives once.
    client.on('run.output', (p) => useReproduce.getState().onOutput(p)),
    client.on('run.finished', (info) => useReproduce.getState().onFinished(info)),
    // SLURM clusters: connection state, and 2FA questions asked while connecting.
    client.on('clusters.status', (s) => useClusters.getState().onStatus(s)),
    client.on('ssh.prompt', (p) => useSshPrompts.getState().push(p)),
    // Downloads and copies report progress; tunnels report their state.
    client.on('transfers.changed', (t) => useTransfers.getState().onChanged(t)),
    client.on('tunnels.changed', (t) => useTunnels.getState().onChanged(t)),
    client.on('tunnels.removed', (p) => useTunnels.getState().onRemoved(p.id)),
    // Worker fleets: each event is the whole fleet, upserted into the list.
    client.on('fleets.changed', (f) => useFleets.getState().onChanged(f)),
    // Umbrella campaigns: only the windows that changed, merged by replica:window.
    client.on('umbrella.changed', (p) => useUmbrella.getState().onChanged(p)),
    // Results downloads of campaigns report progress and their end.
    client.on('umbrella.download', (d) => useUmbrella.getState().onDownload(d)),
    // Monitor alerts: new ones go on top of the history (and become a toast), resolutions update theirs.
    client.on('monitor.alert', (e) => useMonitor.getState().onAlert(e)),
    // Desktop: settings and unexpected errors (the banner); app.update and app.open are heard from the start.
    client.on('app.settings', (s) => useDesktop.getState().onSettings(s)),
    client.on('app.error', (r) => useDesktop.getState().onError(r)),
    // Jobs follow the project switcher.
    useApp.subscribe((s, prev) => {
      if (s.projectId !== prev.projectId) void useJobs.getState().refresh();
    }),
    // A remembered project that was deleted or archived falls back to "All projects".
    useProjects.subscribe((s) => forgetMissingProject(s.projects)),
  ];
  forgetMissingProject(useProjects.getState().projects);
  void useDesktop.getState().loadErrors(); // errors from before this window (re)loaded
  const opens = pendingOpens;
  pendingOpens = [];
  opens.forEach(openRequestAction);
  void useTargets.getState().refresh();
  void useJobs.getState().refresh();
  void useActivity.getState().refresh();
  void useClusters.getState().refresh();
  void useTransfers.getState().refresh();
  void useTunnels.getState().refresh();
}
