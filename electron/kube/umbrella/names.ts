// Names and label values for umbrella-window Jobs. The seed (proteinbenchmark-nrp's run-umbrella-windows.py) names
// each Job `pb-{initials}-{target}-{ff}-{replica}-{WW}` and only removes "." — so "0.0.3" becomes "003". That is
// not enough: targets such as hewl-4LZT have capitals, and 9 of proteinbenchmark's 225 force-field keys give names
// over the 63 characters the Job controller can copy into its pod label. We keep the seed's form whenever it is
// already valid (so a seed user sees the same names) and otherwise sanitise it; a name that is too long is cut
// and gets a hash of the full original form, so two different long names never collide and the same input always
// maps to the same name. The real values travel in labels, annotations and env vars; nothing parses them back
// out of a name.
import { createHash } from 'node:crypto';

/** Longest Job name that still fits the pod label the Job controller derives from it. */
export const MAX_JOB_NAME = 63;
/** Longest label value Kubernetes accepts. */
export const MAX_LABEL_VALUE = 63;

const HASH_LENGTH = 8;

/** First 8 hex digits of sha256(text): short, deterministic, enough to tell cut names apart. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, HASH_LENGTH);
}

/** Two digits ("00" … "99") as the window scripts and file names expect; three from 100 on. */
export function windowLabel(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index > 999) {
    throw new RangeError(`window index must be an integer 0–999, got ${index}`);
  }
  return String(index).padStart(2, '0');
}

/** An RFC 1123 label: what a Job name must be so its pods' job-name label stays valid. */
export function isDnsLabel(name: string): boolean {
  return name.length <= MAX_JOB_NAME && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name);
}

/** A Kubernetes label value: empty, or ≤63 of [A-Za-z0-9._-] beginning and ending alphanumeric. */
export function isLabelValue(value: string): boolean {
  return value.length <= MAX_LABEL_VALUE && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value);
}

/**
 * Cuts `text` so that `text-hash` fits in `max`, without leaving a separator before the hash. `hashOf` is the full
 * original (untruncated, unsanitised) form so distinct inputs that share a long prefix still differ.
 */
function cutWithHash(text: string, hashOf: string, max: number, trailing: RegExp): string {
  const hash = shortHash(hashOf);
  const head = text.slice(0, max - HASH_LENGTH - 1).replace(trailing, '');
  return head ? `${head}-${hash}` : hash;
}

/**
 * Makes any text a valid RFC 1123 label the seed's way (dots removed), then lowercased, every other character
 * outside [a-z0-9-] mapped to "-", runs of "-" collapsed, no "-" at either end; cut with a hash when too long.
 */
export function dnsLabel(raw: string): string {
  const clean = raw
    .replaceAll('.', '')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (clean.length <= MAX_JOB_NAME) {
    // An input made only of punctuation leaves nothing; a hash still gives a stable, valid, distinct name.
    return clean || shortHash(raw);
  }
  return cutWithHash(clean, raw, MAX_JOB_NAME, /-+$/);
}

/** The Job name for one (replica, window) — the seed's `pb-{initials}-{target}-{ff}-{replica}-{WW}`, made valid. */
export function jobName(initials: string, target: string, ff: string, replica: number, window: number): string {
  if (!Number.isInteger(replica) || replica < 1) throw new RangeError(`replica must be an integer ≥ 1, got ${replica}`);
  return dnsLabel(`pb-${initials}-${target}-${ff}-${replica}-${windowLabel(window)}`);
}

/**
 * A valid label value carrying `value` as faithfully as labels allow (case and "." kept, other characters mapped
 * to "-", non-alphanumeric ends trimmed, cut with a hash when longer than 63). Selectors use it; the exact value
 * goes to an annotation.
 */
export function labelValue(value: string): string {
  const clean = value.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  if (clean.length <= MAX_LABEL_VALUE) {
    return clean || (value === '' ? '' : shortHash(value));
  }
  return cutWithHash(clean, value, MAX_LABEL_VALUE, /[^A-Za-z0-9]+$/);
}
