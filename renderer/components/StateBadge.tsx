// Colored badge for a job state or an activity outcome. Text always says the state, color only repeats it.
export type Tone = 'neutral' | 'info' | 'pending' | 'success' | 'danger' | 'warning';

const TONES: Record<string, Tone> = {
  draft: 'neutral',
  submitting: 'pending',
  pending: 'pending',
  running: 'info',
  completing: 'info',
  suspended: 'warning',
  completed: 'success',
  failed: 'danger',
  cancelled: 'neutral',
  timeout: 'danger',
  'out-of-memory': 'danger',
  'node-fail': 'danger',
  preempted: 'warning',
  unknown: 'warning',
  started: 'info',
  ok: 'success',
  error: 'danger',
  archived: 'neutral',
};

export function toneOf(state: string): Tone {
  return TONES[state] ?? 'neutral';
}

export function StateBadge({ state, label, tone }: { state: string; label?: string; tone?: Tone }) {
  return (
    <span className={`badge badge-${tone ?? toneOf(state)}`} data-testid="state-badge" data-state={state}>
      {label ?? state}
    </span>
  );
}
