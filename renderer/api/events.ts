// Checks events pushed by the core before anything in the UI sees them. Payloads are validated against the
// contract where they are made (the core refuses to emit an invalid one), so the UI checks names and shape only
// and stays free of zod.
import type { EventName } from '../../shared/contract.js';
import { isEventName } from '../../shared/methods.js';

export { isEventName };

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
  if (typeof payload !== 'object' || payload === null) return null;
  return { event, payload };
}
