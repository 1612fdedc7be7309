// KEY=VALUE rows for a worker's environment (and a compose file's interpolation variables). Pasting a line like
// "A=1" into a key splits it, since that is how researchers copy environment lines.
import type { EnvRow } from '../../lib/fleets.js';

interface Props {
  rows: readonly EnvRow[];
  onChange: (rows: EnvRow[]) => void;
  /** Test id prefix: `${prefix}-row`, `-key`, `-value`, `-remove`, `-add`. */
  prefix: string;
  label: string;
  error?: string | undefined;
}

export function EnvRows({ rows, onChange, prefix, label, error }: Props) {
  const update = (i: number, patch: Partial<EnvRow>) => {
    const next = rows.map((r, j) => (j === i ? { ...r, ...patch } : r));
    const key = next[i]!.key;
    const eq = key.indexOf('=');
    if (eq > 0) next[i] = { key: key.slice(0, eq), value: key.slice(eq + 1) + next[i]!.value };
    onChange(next);
  };
  return (
    <div className={`field env-rows${error ? ' field-invalid' : ''}`} role="group" aria-label={label}>
      <span className="field-label">{label}</span>
      {rows.map((r, i) => (
        <div className="env-row" key={i} data-testid={`${prefix}-row`}>
          <input value={r.key} onChange={(ev) => update(i, { key: ev.target.value })} aria-label={`Variable ${i + 1} name`} placeholder="NAME" className="mono" data-testid={`${prefix}-key`} spellCheck={false} />
          <span aria-hidden="true">=</span>
          <input value={r.value} onChange={(ev) => update(i, { value: ev.target.value })} aria-label={`Variable ${i + 1} value`} placeholder="value" className="mono" data-testid={`${prefix}-value`} spellCheck={false} />
          <button type="button" className="button button-small button-ghost" onClick={() => onChange(rows.filter((_, j) => j !== i))} aria-label={`Remove variable ${r.key || i + 1}`} data-testid={`${prefix}-remove`}>
            ×
          </button>
        </div>
      ))}
      <div>
        <button type="button" className="button button-small" onClick={() => onChange([...rows, { key: '', value: '' }])} data-testid={`${prefix}-add`}>
          Add variable
        </button>
      </div>
      {error ? (
        <span className="field-error" data-testid="field-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}
