// Key/value rows of a record part (scores, task options, system info, .init options). Nested values as JSON.
import { entriesOf, formatValue } from '../../lib/reproduce.js';

export function KeyValueTable({ value, label, keyHeader = 'Name', valueHeader = 'Value', empty, testId }: {
  value: unknown;
  label: string;
  keyHeader?: string;
  valueHeader?: string;
  empty: string;
  testId?: string;
}) {
  const rows = entriesOf(value);
  if (rows.length === 0) return <p className="muted">{empty}</p>;
  return (
    <div className="table-wrap kv-wrap">
      <table className="data-table kv-table" aria-label={label} data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">{keyHeader}</th>
            <th scope="col">{valueHeader}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([k, v]) => {
            const nested = typeof v === 'object' && v !== null;
            return (
              <tr key={k}>
                <th scope="row" className="kv-key mono">
                  {k || '—'}
                </th>
                <td className={`mono kv-value${nested ? ' kv-nested' : ''}`}>{nested ? nestedJson(v) : formatValue(v)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Short nested values on one line (["300"]), longer ones indented. */
function nestedJson(v: unknown): string {
  const flat = JSON.stringify(v);
  return flat.length <= 80 ? flat : JSON.stringify(v, null, 1);
}
