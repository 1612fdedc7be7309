// Time formats of the Folding@home WS/AS API (notes fah-api.md §5). The servers (cbang) write UTC with whole
// seconds and a trailing Z, `2024-05-29T19:51:02Z`; that is also the only form we send (`since`), because cbang's
// parser rejects a `+00:00` offset. On read we are lenient and accept every variant public clients produce.
import { ApiError } from '../../shared/errors.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `YYYY-MM-DDTHH:MM:SSZ` in UTC, fractions of a second dropped (cbang's `iso8601Format`). */
export function toWsTime(date: Date): string {
  const t = date.getTime();
  if (!Number.isFinite(t)) throw new ApiError('INVALID_INPUT', 'Cannot format an invalid date as a work-server time.');
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}Z`
  );
}

// YYYY-MM-DD, then T / t / one space, HH:MM:SS, optional .fraction (any number of digits), then optional
// zone: Z / z, ±HH:MM, ±HHMM or ±HH. No zone is read as UTC: the servers only work in UTC (notes §5).
const WS_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/** Parses a WS/AS time, or returns null when `text` is not one of the accepted forms (see parseWsTime). */
export function tryParseWsTime(text: string): Date | null {
  const m = WS_TIME.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  let t = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), ms);
  // Date.UTC rolls 31 Feb over into March; refuse instead.
  const check = new Date(t);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return null;
  if (second === 60) t += 1000; // a leap second reads as the next second
  if (sign) {
    const offH = Number(oh);
    const offM = om ? Number(om) : 0;
    if (offH > 23 || offM > 59) return null;
    const offset = (offH * 60 + offM) * 60_000;
    t += sign === '+' ? -offset : offset;
  }
  return new Date(t);
}

/**
 * Parses a time from the WS or AS. Accepted (notes §5):
 * - `2024-05-29T19:51:02Z` (cbang default, what the servers send)
 * - `2024-05-29 19:51:02Z` (cbang's parser accepts a space separator)
 * - `2024-05-29T19:51:02` (Python naive `isoformat()`; read as UTC)
 * - `2024-05-29T19:51:02.123456[Z]` (fractions of any length; kept to the millisecond)
 * - `2024-05-29T19:51:02+00:00`, `+0000`, `-05:00`, `+02` (Python aware `isoformat()` and other offsets)
 * Throws INVALID_INPUT naming the value otherwise.
 */
export function parseWsTime(text: string, field = 'time'): Date {
  const d = typeof text === 'string' ? tryParseWsTime(text) : null;
  if (!d) {
    const shown = typeof text === 'string' ? JSON.stringify(text.slice(0, 64)) : typeof text;
    throw new ApiError('INVALID_INPUT', `The work server sent ${field} ${shown}, which is not a time SimDeck understands (expected e.g. 2024-05-29T19:51:02Z).`, { field });
  }
  return d;
}
