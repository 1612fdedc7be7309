// The Monitor: GPU use per target over the last hour with who under-uses their GPUs (dashboard), any GPU series over
// a range (charts), and alerts with their rules. The parts live in views/monitor/; each tab loads on first use so the
// area adds little to the start-up bundle (the charts bring recharts).
import { Suspense, lazy, useEffect } from 'react';
import { PageHeader } from '../components/PageHeader.js';
import { useMonitor, type MonitorTab } from '../store/monitor.js';
import { useDashboard } from './monitor/useDashboard.js';

const Dashboard = lazy(() => import('./monitor/Dashboard.js'));
const MonitorCharts = lazy(() => import('./monitor/MonitorCharts.js'));
const AlertsPanel = lazy(() => import('./monitor/AlertsPanel.js'));

const TABS: { id: MonitorTab; label: string }[] = [
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'charts', label: 'Charts' },
  { id: 'alerts', label: 'Alerts' },
];

export function MonitorView() {
  const tab = useMonitor((s) => s.tab);
  const setTab = useMonitor((s) => s.setTab);
  const threshold = useMonitor((s) => s.underusePercent);
  const open = useMonitor((s) => s.alerts.filter((a) => a.resolvedAt === null).length);
  const loadAlerts = useMonitor((s) => s.loadAlerts);
  const dashboard = useDashboard(threshold);

  useEffect(() => {
    void loadAlerts();
  }, [loadAlerts]);

  return (
    <div className="view view-wide" data-testid="view-monitor">
      <PageHeader title="Monitor">
        GPU use of your running jobs per target over the last hour, who is under-using their GPUs, any GPU over time, and alerts when jobs fail,
        GPUs idle or clusters stop answering.
      </PageHeader>
      <div className="segmented monitor-tabs" role="tablist" aria-label="Monitor">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            className="button"
            aria-selected={tab === t.id}
            aria-pressed={tab === t.id}
            onClick={() => setTab(t.id)}
            data-testid={`monitor-tab-${t.id}`}
          >
            {t.label}
            {t.id === 'alerts' && open > 0 ? (
              <span className="badge badge-warning monitor-tab-count" data-testid="monitor-open-alerts" data-count={open}>
                {open}
              </span>
            ) : null}
          </button>
        ))}
      </div>
      <Suspense fallback={<p className="muted">Loading…</p>}>
        {tab === 'dashboard' ? <Dashboard dashboard={dashboard} /> : tab === 'charts' ? <MonitorCharts dashboard={dashboard} /> : <AlertsPanel />}
      </Suspense>
    </div>
  );
}
