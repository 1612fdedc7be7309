import { afterEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../shared/alerts.js';
import { useApp } from './app.js';
import { useMonitor } from './monitor.js';
import { useToasts } from './toasts.js';

const alert = (p: Partial<AlertEvent> = {}): AlertEvent => ({
  id: 'a1',
  ruleId: 'gpu-idle',
  kind: 'gpu-idle',
  subject: 'gpu:t1/n1/0',
  title: 'GPU idle: md-run',
  message: 'GPU 0 on n1 has stayed below 5% utilisation for 10 minutes.',
  severity: 'warning',
  firedAt: '2026-01-01T10:00:00.000Z',
  resolvedAt: null,
  link: { area: 'jobs', id: 'j1' },
  ...p,
});

afterEach(() => {
  useMonitor.setState({ alerts: [] });
  useToasts.getState().clear();
  useApp.setState({ shell: 'browser', focusJobId: null });
});

describe('monitor.alert events', () => {
  it('a new firing alert goes on top and becomes one toast; its resolution updates the row without a toast', () => {
    useMonitor.getState().onAlert(alert());
    useMonitor.getState().onAlert(alert({ id: 'a2', firedAt: '2026-01-01T11:00:00.000Z' }));
    expect(useMonitor.getState().alerts.map((a) => a.id)).toEqual(['a2', 'a1']);
    expect(useToasts.getState().toasts).toHaveLength(1); // same title and message: not stacked
    expect(useToasts.getState().toasts[0]).toMatchObject({ level: 'warning', title: 'GPU idle: md-run' });
    useToasts.getState().clear();
    useMonitor.getState().onAlert(alert({ resolvedAt: '2026-01-01T12:00:00.000Z' }));
    expect(useMonitor.getState().alerts.find((a) => a.id === 'a1')!.resolvedAt).toBe('2026-01-01T12:00:00.000Z');
    expect(useToasts.getState().toasts).toHaveLength(0);
  });
  it('no in-app toast in the Electron shell (it sends desktop notifications)', () => {
    useApp.setState({ shell: 'electron' });
    useMonitor.getState().onAlert(alert({ id: 'a3' }));
    expect(useMonitor.getState().alerts).toHaveLength(1);
    expect(useToasts.getState().toasts).toHaveLength(0);
  });
  it('a job link opens the Jobs area with that job', async () => {
    const { followAlertLink } = await import('./monitor.js');
    followAlertLink({ area: 'jobs', id: 'j9' });
    expect(useApp.getState().view).toBe('jobs');
    expect(useApp.getState().focusJobId).toBe('j9');
  });
});
