// Desktop notifications for the Monitor's alerts: each alert that FIRES (not its resolution) becomes one OS
// notification; clicking it brings the window forward. The browser shell shows the same alerts as in-app toasts.
import { Notification, type BrowserWindow } from 'electron';

interface AlertLike {
  title?: unknown;
  message?: unknown;
  resolvedAt?: unknown;
  severity?: unknown;
}

/** Returns whether a notification was shown (not supported on this desktop, or not a new alert: no). */
export function notifyAlert(event: string, payload: unknown, win: () => BrowserWindow | null): boolean {
  if (event !== 'monitor.alert' || !Notification.isSupported()) return false;
  const a = payload as AlertLike;
  if (a.resolvedAt !== null || typeof a.title !== 'string') return false;
  const n = new Notification({ title: `SimDeck: ${a.title}`, body: typeof a.message === 'string' ? a.message : '', urgency: a.severity === 'error' ? 'critical' : 'normal' });
  n.on('click', () => {
    const w = win();
    if (w && !w.isDestroyed()) {
      if (w.isMinimized()) w.restore();
      w.focus();
    }
  });
  n.show();
  return true;
}
