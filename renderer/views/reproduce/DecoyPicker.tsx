// Picks one decoy of a scorefile that holds many: type to narrow the list, then choose. Choosing re-reads the file
// for that decoy (reproduce.inspect with decoyName).
import { useId, useState } from 'react';
import { filterDecoys } from '../../lib/reproduce.js';

const SHOWN = 500;

export function DecoyPicker({ decoys, current, loading, error, onChoose }: {
  decoys: readonly string[];
  current: string | null;
  loading: string | null;
  error: string | null;
  onChoose: (decoyName: string) => void;
}) {
  const [query, setQuery] = useState('');
  const id = useId();
  const { shown, matched } = filterDecoys(decoys, query, SHOWN);
  const value = loading ?? current ?? '';
  const options = value && !shown.includes(value) && decoys.includes(value) ? [value, ...shown] : shown;
  return (
    <div className="decoy-picker">
      <div className="decoy-picker-head">
        <label className="field-label" htmlFor={`${id}-q`}>
          Decoy ({decoys.length.toLocaleString()} in this file)
        </label>
        <input
          id={`${id}-q`}
          type="search"
          className="decoy-search"
          placeholder="Filter by name…"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          aria-controls={`${id}-list`}
          autoComplete="off"
          spellCheck={false}
          data-testid="decoy-search"
        />
        <span className="muted" aria-live="polite">
          {query ? `${matched.toLocaleString()} match${matched === 1 ? '' : 'es'}` : ''}
          {matched > SHOWN ? ` · first ${SHOWN} shown, type to narrow` : ''}
        </span>
      </div>
      <select
        id={`${id}-list`}
        size={Math.min(8, Math.max(3, options.length))}
        className="decoy-list mono"
        value={value}
        onChange={(e) => e.target.value && onChoose(e.target.value)}
        aria-label="Decoy to show"
        data-testid="decoy-picker"
      >
        {options.map((d) => (
          <option key={d} value={d}>
            {d}
          </option>
        ))}
      </select>
      {loading ? (
        <span className="muted" role="status">
          <span className="spinner" aria-hidden="true" /> Reading {loading}…
        </span>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
