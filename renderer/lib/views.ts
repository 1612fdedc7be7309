// The nine areas of SimDeck, in sidebar order, and how each maps to the address bar (#/projects, ...).
export const VIEWS = [
  { id: 'projects', label: 'Projects', slug: 'projects' },
  { id: 'targets', label: 'Targets', slug: 'targets' },
  { id: 'jobs', label: 'Jobs', slug: 'jobs' },
  { id: 'umbrella', label: 'Umbrella windows', slug: 'umbrella' },
  { id: 'fleets', label: 'Fleets', slug: 'fleets' },
  { id: 'fah', label: 'Folding@home', slug: 'fah' },
  { id: 'reproduce', label: 'Reproduce', slug: 'reproduce' },
  { id: 'monitor', label: 'Monitor', slug: 'monitor' },
  { id: 'activity', label: 'Activity', slug: 'activity' },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];
export const DEFAULT_VIEW: ViewId = 'projects';

const BY_SLUG = new Map<string, ViewId>(VIEWS.map((v) => [v.slug, v.id]));

/** `#/projects`, `#projects`, `#/projects/anything?x` → 'projects'; unknown or empty → null. */
export function viewFromHash(hash: string): ViewId | null {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '');
  const slug = (path.split(/[/?]/, 1)[0] ?? '').trim().toLowerCase();
  if (!slug) return null;
  return BY_SLUG.get(slug) ?? null;
}

export function hashForView(view: ViewId): string {
  const v = VIEWS.find((x) => x.id === view);
  return `#/${v ? v.slug : DEFAULT_VIEW}`;
}

export function labelOf(view: ViewId): string {
  return VIEWS.find((x) => x.id === view)?.label ?? view;
}

/** Alt+1 … Alt+9 jump to the nine areas. `n` is the digit pressed. */
export function viewForDigit(n: number): ViewId | null {
  if (!Number.isInteger(n) || n < 1 || n > VIEWS.length) return null;
  return VIEWS[n - 1]?.id ?? null;
}

/** The digit of a keyboard event's physical key ("Digit3", "Numpad3"), independent of layout and Alt symbols. */
export function digitOfKeyCode(code: string): number | null {
  const m = /^(?:Digit|Numpad)([1-9])$/.exec(code);
  return m ? Number(m[1]) : null;
}
