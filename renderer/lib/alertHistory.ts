// The Monitor's alert history, kept live by `monitor.alert`: pure helpers the start-up bundle needs (store/monitor),
// kept apart from lib/monitor so the rest of the area loads with its tabs.
import type { AlertEvent } from '../../shared/alerts.js';

/**
 * Merges an alert event into the history (newest first): a new id goes on top, a known one (its resolution) is
 * replaced in place. `isNew` says whether the id was unknown.
 */
export function upsertAlert(list: readonly AlertEvent[], e: AlertEvent, limit = 500): { list: AlertEvent[]; isNew: boolean } {
  const i = list.findIndex((a) => a.id === e.id);
  if (i >= 0) {
    const next = list.slice();
    next[i] = e;
    return { list: next, isNew: false };
  }
  return { list: [e, ...list].slice(0, limit), isNew: true };
}

/** The history from monitor.alerts, plus events that arrived while it loaded and are not in it yet. */
export function mergeAlertHistory(loaded: readonly AlertEvent[], live: readonly AlertEvent[]): AlertEvent[] {
  const ids = new Set(loaded.map((a) => a.id));
  const extra = live.filter((a) => !ids.has(a.id));
  const byId = new Map(live.map((a) => [a.id, a]));
  // A live resolution is newer than the loaded firing of the same alert.
  const merged = loaded.map((a) => {
    const l = byId.get(a.id);
    return l && l.resolvedAt && !a.resolvedAt ? l : a;
  });
  return [...extra, ...merged].sort((a, b) => b.firedAt.localeCompare(a.firedAt));
}
