// Checks events pushed by the core before anything in the UI sees them.
import { events, type EventName } from '../../shared/contract.js';

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}

/** Parses a WebSocket message `{event, payload}`; returns null for anything that is not a known, valid event. */
export function parseEventMessage(data: unknown): { event: EventName; payload: unknown } | null {
  let msg: unknown = data;
  if (typeof data === 'string') {
    try {
      msg = JSON.parse(data);
    } catch {
      return null;
    }
  }
  if (typeof msg !== 'object' || msg === null) return null;
  const { event, payload } = msg as { event?: unknown; payload?: unknown };
  if (!isEventName(event)) return null;
  const checked = events[event].safeParse(payload);
  if (!checked.success) return null;
  return { event, payload: checked.data };
}
