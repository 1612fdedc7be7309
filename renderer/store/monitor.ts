// The Monitor area's state that outlives the page: the tab shown, the under-use threshold (kept in localStorage),
// the GPU series the chart shows, and the alert history, kept live by `monitor.alert` (new alerts on top, a
// resolution replaces its firing) with an in-app toast for each new firing alert in the browser shell (the Electron
// shell sends desktop notifications itself).
import { create } from 'zustand';
import { toApiError } from '../../shared/client.js';
import type { AlertEvent, AlertLink, AlertSeverity } from '../../shared/alerts.js';
import { api } from '../api/index.js';
import { coalesce } from '../lib/coalesce.js';
import { mergeAlertHistory, upsertAlert } from '../lib/alertHistory.js';
import { readLocal, writeLocal } from '../lib/storage.js';
import { useApp } from './app.js';
import { useFah } from './fah.js';
import { useFleets } from './fleets.js';
import { toast, type ToastLevel } from './toasts.js';
import { useUmbrella } from './umbrella.js';

export const THRESHOLD_KEY = 'simdeck.monitor.underusePercent';
export const DEFAULT_UNDERUSE_PERCENT = 40;

export type MonitorTab = 'dashboard' | 'charts' | 'alerts';

function storedThreshold(): number {
  const v = Number(readLocal(THRESHOLD_KEY));
  return Number.isFinite(v) && v >= 1 && v <= 100 ? v : DEFAULT_UNDERUSE_PERCENT;
}

interface MonitorStore {
  tab: MonitorTab;
  /** Under-use threshold (% utilization) for the dashboard's list; default 40 %. */
  underusePercent: number;
  /** The GPU series the chart shows (null: the first one on the dashboard). */
  chartSeries: string | null;
  alerts: AlertEvent[];
  alertsLoaded: boolean;
  alertsError: string | null;
  setTab(tab: MonitorTab): void;
  setUnderusePercent(v: number): void;
  /** Opens the chart of one GPU series. */
  showChart(series: string): void;
  loadAlerts(): Promise<void>;
  onAlert(e: AlertEvent): void;
}

const TOAST_LEVEL: Record<AlertSeverity, ToastLevel> = { info: 'info', warning: 'warning', error: 'error' };

/** Alerts that arrived since the last load started; merged into what monitor.alerts returns. */
let liveSinceLoad: AlertEvent[] = [];

export const useMonitor = create<MonitorStore>()((set, get) => {
  const load = coalesce(async () => {
    liveSinceLoad = [];
    const loaded = await api().monitor.alerts({ limit: 500 });
    set({ alerts: mergeAlertHistory(loaded, liveSinceLoad), alertsLoaded: true, alertsError: null });
  });
  return {
    tab: 'dashboard',
    underusePercent: storedThreshold(),
    chartSeries: null,
    alerts: [],
    alertsLoaded: false,
    alertsError: null,
    setTab: (tab) => set({ tab }),
    setUnderusePercent(v) {
      writeLocal(THRESHOLD_KEY, String(v));
      set({ underusePercent: v });
    },
    showChart: (series) => set({ chartSeries: series, tab: 'charts' }),
    loadAlerts: () => load().catch((err: unknown) => set({ alertsLoaded: true, alertsError: toApiError(err).message })),
    onAlert(e) {
      liveSinceLoad.push(e);
      const { list, isNew } = upsertAlert(get().alerts, e);
      set({ alerts: list });
      if (isNew && e.resolvedAt === null && useApp.getState().shell === 'browser') toast(TOAST_LEVEL[e.severity], e.message, e.title);
    },
  };
});

/** Follows an alert's link: the area, and there the object (a job's drawer, a campaign, a fleet, a work server). */
export function followAlertLink(link: AlertLink): void {
  const app = useApp.getState();
  switch (link.area) {
    case 'jobs':
      app.openJob(link.id);
      return;
    case 'umbrella':
      useUmbrella.getState().open(link.id || null);
      app.navigate('umbrella');
      return;
    case 'fleets':
      useFleets.getState().open(link.id || null);
      app.navigate('fleets');
      return;
    case 'fah':
      if (link.id) useFah.getState().setTarget(link.id);
      app.navigate('fah');
      return;
    case 'monitor':
      useMonitor.getState().setTab('dashboard');
      app.navigate('monitor');
      return;
    default:
      app.navigate('targets');
  }
}
