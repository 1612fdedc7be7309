// Desktop notifications for alerts, with the fake electron module.
import { beforeEach, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./fake-electron.js'));
const fake = await import('./fake-electron.js');
const { notifyAlert } = await import('./notify.js');

beforeEach(() => fake.resetFake());

const alert = { id: 'a1', title: 'Job failed', message: 'mutant-A failed with exit code 3; open its output.', severity: 'error', resolvedAt: null };

it('shows one notification per alert that fires, none for resolutions or other events, and focuses the window on click', () => {
  const win = new fake.BrowserWindow({});
  expect(notifyAlert('monitor.alert', alert, () => win as never)).toBe(true);
  expect(notifyAlert('monitor.alert', { ...alert, resolvedAt: new Date().toISOString() }, () => win as never)).toBe(false);
  expect(notifyAlert('jobs.changed', { jobIds: ['j1'] }, () => win as never)).toBe(false);
  expect(fake.Notification.shown).toHaveLength(1);
  const n = fake.Notification.shown[0]!;
  expect(n.options).toMatchObject({ title: 'SimDeck: Job failed', body: alert.message, urgency: 'critical' });
  n.emit('click');
  expect(win.focus).toHaveBeenCalled();
});

it('stays quiet where the desktop has no notifications', () => {
  fake.Notification.isSupported.mockImplementation(() => false);
  expect(notifyAlert('monitor.alert', alert, () => null)).toBe(false);
  expect(fake.Notification.shown).toHaveLength(0);
});
