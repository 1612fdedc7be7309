// Multi-select of job states in a small disclosure menu.
import { JobState } from '../../../shared/domain.js';

export function StateFilter({ states, onChange, counts }: { states: ReadonlySet<string>; onChange: (s: Set<string>) => void; counts: ReadonlyMap<string, number> }) {
  const label = states.size === 0 ? 'All states' : states.size <= 2 ? [...states].join(', ') : `${states.size} states`;
  return (
    <details className="menu" data-testid="jobs-state-filter">
      <summary className="button">State: {label}</summary>
      <div className="menu-body" role="group" aria-label="Show jobs in these states">
        {JobState.options.map((s) => (
          <label key={s} className="check">
            <input
              type="checkbox"
              checked={states.has(s)}
              onChange={(e) => {
                const n = new Set(states);
                if (e.target.checked) n.add(s);
                else n.delete(s);
                onChange(n);
              }}
              data-state={s}
            />
            {s} <span className="muted">{(counts.get(s) ?? 0).toLocaleString()}</span>
          </label>
        ))}
        <button type="button" className="button button-small" onClick={() => onChange(new Set())} disabled={states.size === 0}>
          Show all
        </button>
      </div>
    </details>
  );
}
