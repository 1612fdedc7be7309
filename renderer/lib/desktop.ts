// Pure helpers for the desktop parts of the UI: which unexpected errors the banner shows (dismissed ones stay
// dismissed across a reload of this window, via sessionStorage), the updater's status in words, and the update
// feed's validation message.
import type { AppErrorReport, UpdateStatus } from '../../shared/app.js';
import type { ApiError } from '../../shared/errors.js';
import { splitFieldErrors } from './fieldErrors.js';

export const DISMISSED_KEY = 'simdeck.dismissedErrors';
const MAX_REMEMBERED = 50;

/** What this window dismissed: the ids, and the newest time among them (anything older is old news). */
export interface Dismissed {
  ids: string[];
  before: string | null;
}

export const NOTHING_DISMISSED: Dismissed = { ids: [], before: null };

export function parseDismissed(raw: string | null): Dismissed {
  if (!raw) return NOTHING_DISMISSED;
  try {
    const v = JSON.parse(raw) as Partial<Dismissed>;
    const ids = Array.isArray(v.ids) ? v.ids.filter((x): x is string => typeof x === 'string') : [];
    return { ids, before: typeof v.before === 'string' ? v.before : null };
  } catch {
    return NOTHING_DISMISSED;
  }
}

export function addDismissed(d: Dismissed, reports: readonly AppErrorReport[]): Dismissed {
  const ids = [...new Set([...reports.map((r) => r.id), ...d.ids])].slice(0, MAX_REMEMBERED);
  const before = [d.before, ...reports.map((r) => r.at)].filter((x): x is string => !!x).sort().at(-1) ?? null;
  return { ids, before };
}

export function isDismissed(d: Dismissed, r: AppErrorReport): boolean {
  return d.ids.includes(r.id) || (d.before !== null && r.at <= d.before);
}

/** The banner's list after `incoming` arrived: newest first, each error once, dismissed ones left out. */
export function mergeErrors(current: readonly AppErrorReport[], incoming: readonly AppErrorReport[], d: Dismissed): AppErrorReport[] {
  const byId = new Map<string, AppErrorReport>();
  for (const r of [...current, ...incoming]) if (!isDismissed(d, r)) byId.set(r.id, r);
  return [...byId.values()].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

const STATE_LABEL: Record<UpdateStatus['state'], string> = {
  unsupported: 'Not available',
  disabled: 'Off',
  idle: 'Up to date',
  checking: 'Checking…',
  downloading: 'Downloading',
  ready: 'Ready to install',
  error: 'Problem',
};

/** The status line of the Settings dialog, e.g. "Downloading 1.3.0 (42%)". */
export function updateHeadline(s: UpdateStatus): string {
  const label = s.state === 'idle' && !s.checkedAt ? 'Waiting for the first check' : STATE_LABEL[s.state];
  const version = s.available && (s.state === 'downloading' || s.state === 'ready') ? ` ${s.available}` : '';
  const percent = s.state === 'downloading' && s.percent !== null ? ` (${Math.round(s.percent)}%)` : '';
  return `${label}${version}${percent}`;
}

/** The message to show next to the feed field: the core's INVALID_INPUT issue without "app.setSettings: updates.feedUrl:". */
export function feedUrlError(err: Pick<ApiError, 'code' | 'message' | 'details'>): string {
  const { fields, form } = splitFieldErrors(err, ['updates']);
  const msg = fields.updates ?? form ?? err.message;
  return msg.replace(/^feedUrl:\s+/, '');
}

/** Where the core writes its log: <workspace>/logs/core.log, with the platform's separator. */
export function coreLogPath(workspaceDir: string, platform: string): string {
  const sep = platform === 'win32' ? '\\' : '/';
  return `${workspaceDir.replace(/[\\/]+$/, '')}${sep}logs${sep}core.log`;
}
