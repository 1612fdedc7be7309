import { useEffect } from 'react';
import { ConnectionBanner } from './components/ConnectionBanner.js';
import { DropOverlay } from './components/DropOverlay.js';
import { ErrorBanner } from './components/ErrorBanner.js';
import { HostKeyDialog } from './components/HostKeyDialog.js';
import { SettingsDialog } from './components/SettingsDialog.js';
import { Sidebar } from './components/Sidebar.js';
import { SshPromptDialog } from './components/SshPromptDialog.js';
import { Toasts } from './components/Toasts.js';
import { TopBar } from './components/TopBar.js';
import { digitOfKeyCode, viewForDigit, type ViewId } from './lib/views.js';
import { useApp } from './store/app.js';
import { bootstrap } from './store/sync.js';
import { ActivityView } from './views/ActivityView.js';
import { FahView } from './views/FahView.js';
import { FleetsView } from './views/FleetsView.js';
import { JobsView } from './views/JobsView.js';
import { MonitorView } from './views/MonitorView.js';
import { ProjectsView } from './views/ProjectsView.js';
import { ReproduceView } from './views/ReproduceView.js';
import { TargetsView } from './views/TargetsView.js';
import { UmbrellaView } from './views/UmbrellaView.js';

const VIEW_COMPONENTS: Record<ViewId, () => React.JSX.Element> = {
  projects: ProjectsView,
  targets: TargetsView,
  jobs: JobsView,
  umbrella: UmbrellaView,
  fleets: FleetsView,
  fah: FahView,
  reproduce: ReproduceView,
  monitor: MonitorView,
  activity: ActivityView,
};

export function App() {
  const appState = useApp((s) => s.appState);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
      const digit = digitOfKeyCode(e.code);
      const view = digit === null ? null : viewForDigit(digit);
      if (!view || useApp.getState().appState !== 'ready') return;
      if (document.querySelector('dialog[open]')) return; // a dialog owns the keyboard
      e.preventDefault();
      useApp.getState().jumpTo(view);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <>
      {appState === 'ready' ? <Shell /> : appState === 'error' ? <StartupError /> : <Loading />}
      <Toasts />
    </>
  );
}

function Shell() {
  const view = useApp((s) => s.view);
  const View = VIEW_COMPONENTS[view];
  return (
    <div className="app-shell">
      <a className="skip-link" href="#main-content" onClick={(e) => {
        e.preventDefault();
        document.getElementById('main-content')?.focus();
      }}>
        Skip to content
      </a>
      <Sidebar />
      <div className="main-column">
        <TopBar />
        <ConnectionBanner />
        <ErrorBanner />
        <main id="main-content" className="content" tabIndex={-1} data-view={view}>
          <View key={view} />
        </main>
      </div>
      <DropOverlay />
      <HostKeyDialog />
      <SshPromptDialog />
      <SettingsDialog />
    </div>
  );
}

function Loading() {
  return (
    <div className="splash" role="status" data-testid="app-loading">
      <span className="spinner" aria-hidden="true" />
      Connecting to the SimDeck core…
    </div>
  );
}

function StartupError() {
  const fatal = useApp((s) => s.fatal);
  return (
    <div className="splash splash-error" data-testid="app-error">
      <div className="fatal-card" role="alert">
        <h1>{fatal?.title ?? 'SimDeck could not start'}</h1>
        <p>{fatal?.message}</p>
        <div className="fatal-actions">
          <button type="button" className="button button-primary" onClick={() => void bootstrap()} data-testid="retry-startup">
            Try again
          </button>
          <button type="button" className="button" onClick={() => window.location.reload()}>
            Reload page
          </button>
        </div>
      </div>
    </div>
  );
}
