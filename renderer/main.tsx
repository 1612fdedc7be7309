// Entry point of the renderer: pick the transport, wire address bar, theme and OS preferences, then render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { api, initApi } from './api/index.js';
import { App } from './App.js';
import { viewFromHash } from './lib/views.js';
import { selectTheme, useApp } from './store/app.js';
import { useConnection, watchConnection } from './store/connection.js';
import { refreshAll, setDocumentState, bootstrap } from './store/sync.js';
import './styles/app.css';

setDocumentState('loading');

const { shell } = initApi({
  onStatus: (status) => useConnection.getState().set(status),
  onReconnected: refreshAll,
});
useApp.setState({ shell });
if (shell === 'browser') watchConnection(() => api().app.info());

// Current area ↔ address bar (#/projects, …).
const initialView = viewFromHash(window.location.hash);
if (initialView) useApp.setState({ view: initialView });
useApp.getState().setViewFromHash(window.location.hash);
window.addEventListener('hashchange', () => useApp.getState().setViewFromHash(window.location.hash));

// Theme: the OS preference unless the user chose; applied as data-theme on <html>.
const media = window.matchMedia?.('(prefers-color-scheme: dark)');
if (media) {
  useApp.getState().setSystemDark(media.matches);
  media.addEventListener('change', (e) => useApp.getState().setSystemDark(e.matches));
}
const applyTheme = () => {
  const theme = selectTheme(useApp.getState());
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
};
applyTheme();
useApp.subscribe(applyTheme);

const rootEl = document.getElementById('root');
if (!rootEl) throw new Error('SimDeck: #root is missing from index.html');
createRoot(rootEl).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

void bootstrap();
