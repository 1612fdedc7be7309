// What fleets.importCompose read: the unsupported keys first and loud (SimDeck would deploy without them), the
// warnings, then the services with their image, mode and replicas, and the volumes, networks and secrets.
import type { Result } from '../../../shared/contract.js';

type Imported = Result<'fleets.importCompose'>;

interface Props {
  imported: Imported;
  mode: 'compose' | 'stack';
  accepted: boolean;
  onAccept: (v: boolean) => void;
}

export function ImportResult({ imported, mode, accepted, onAccept }: Props) {
  const u = imported.unsupported;
  return (
    <section className="stack" aria-label="What SimDeck read" data-testid="fc-result" data-unsupported={u.length}>
      {u.length ? (
        <div className="callout callout-warning unsupported-keys" data-testid="fc-unsupported">
          <span className="callout-icon" aria-hidden="true">
            !
          </span>
          <div className="callout-body">
            <p>
              <strong>
                {u.length} key{u.length === 1 ? '' : 's'} not supported
              </strong>{' '}
              {mode === 'stack' ? '(or ignored by docker stack deploy)' : ''}: the fleet would be deployed without {u.length === 1 ? 'it' : 'them'}.
            </p>
            <ul className="issue-list">
              {u.map((x, i) => (
                <li key={i} data-testid="fc-unsupported-row" data-path={x.path}>
                  <code>{x.path}</code> — {x.why}
                </li>
              ))}
            </ul>
            <label className="check">
              <input type="checkbox" checked={accepted} onChange={(ev) => onAccept(ev.target.checked)} data-testid="fc-accept" />
              Deploy without the unsupported keys
            </label>
          </div>
        </div>
      ) : (
        <p data-testid="fc-all-supported">Every key in the file is supported.</p>
      )}
      {imported.warnings.length ? (
        <ul className="warning-list" aria-label="Warnings">
          {imported.warnings.map((w, i) => (
            <li key={i} className="callout callout-info" data-testid="fc-warning" data-path={w.path}>
              <code>{w.path}</code> — {w.why}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="table-wrap">
        <table className="data-table" data-testid="fc-services" aria-label="Services">
          <thead>
            <tr>
              <th>Service</th>
              <th>Image</th>
              <th>Mode</th>
              <th className="col-num">Replicas</th>
            </tr>
          </thead>
          <tbody>
            {imported.services.map((s) => (
              <tr key={s.name} data-testid="fc-service-row" data-service={s.name}>
                <td className="mono">{s.name}</td>
                <td className="mono">{s.image ?? '—'}</td>
                <td>{s.mode ?? 'replicated'}</td>
                <td className="col-num">{s.replicas ?? 1}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted">
        Volumes: {imported.volumes.join(', ') || 'none'} · networks: {imported.networks.join(', ') || 'default'} · secrets: {imported.secrets.join(', ') || 'none'}
      </p>
    </section>
  );
}
