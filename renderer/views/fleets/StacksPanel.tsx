// Stacks on a Swarm target (fleets.stacks): SimDeck's own fleets and stacks deployed with `docker stack deploy`,
// which can be adopted to be watched, scaled and torn down here; and whether the ingress routing mesh works there.
import { useCallback, useEffect, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { Result } from '../../../shared/contract.js';
import type { Target } from '../../../shared/domain.js';
import { api } from '../../api/index.js';
import { useApp } from '../../store/app.js';
import { useFleets } from '../../store/fleets.js';
import { toast } from '../../store/toasts.js';

type Stacks = Result<'fleets.stacks'>;

export function StacksPanel({ swarms }: { swarms: readonly Target[] }) {
  const [targetId, setTargetId] = useState(swarms[0]?.id ?? '');
  const [state, setState] = useState<{ id: string; data: Stacks | null; error: string | null; loading: boolean }>({ id: '', data: null, error: null, loading: false });
  const projectId = useApp((s) => s.projectId);
  const [adopting, setAdopting] = useState<string | null>(null);

  const load = useCallback(async () => {
    if (!targetId) return;
    setState((s) => ({ ...s, id: targetId, loading: true }));
    try {
      setState({ id: targetId, data: await api().fleets.stacks({ targetId }), error: null, loading: false });
    } catch (err) {
      setState({ id: targetId, data: null, error: toApiError(err).message, loading: false });
    }
  }, [targetId]);

  useEffect(() => {
    void load();
  }, [load]);

  // Adopting needs a project to file the fleet under: the one picked in the top bar.
  const adopt = async (namespace: string) => {
    if (!projectId) return;
    setAdopting(namespace);
    try {
      const fleet = await api().fleets.adoptStack({ projectId, targetId, namespace });
      useFleets.getState().onChanged(fleet);
      toast('success', `Watching stack “${namespace}” as a fleet.`);
      void load();
    } catch (err) {
      toast('error', toApiError(err).message, `Could not adopt ${namespace}`);
    } finally {
      setAdopting(null);
    }
  };

  const data = state.id === targetId ? state.data : null;
  return (
    <section className="panel" aria-label="Swarm stacks" data-testid="stacks-panel">
      <div className="panel-head">
        <h2 className="panel-title">Swarm stacks</h2>
        <label className="inline-field">
          <span className="field-label">Swarm</span>
          <select value={targetId} onChange={(ev) => setTargetId(ev.target.value)} data-testid="stacks-target">
            {swarms.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button button-small" onClick={() => void load()} disabled={state.loading} data-testid="stacks-reload">
          {state.loading ? 'Loading…' : 'Reload'}
        </button>
      </div>
      {state.id === targetId && state.error ? (
        <p className="form-error" role="alert" data-testid="stacks-error">
          {state.error}
        </p>
      ) : null}
      {data ? (
        <>
          <p data-testid="routing-mesh" data-available={data.routingMesh.available}>
            Routing mesh: <strong>{data.routingMesh.available ? 'available' : 'not available'}</strong>
            {data.routingMesh.detail ? <span className="muted"> — {data.routingMesh.detail}</span> : null}
          </p>
          {data.stacks.length ? (
            <StackTable stacks={data.stacks} canAdopt={projectId !== null} adopting={adopting} onAdopt={(ns) => void adopt(ns)} />
          ) : (
            <p className="muted" data-testid="stacks-empty">
              No stacks on this Swarm.
            </p>
          )}
        </>
      ) : null}
    </section>
  );
}

function StackTable({ stacks, canAdopt, adopting, onAdopt }: { stacks: Stacks['stacks']; canAdopt: boolean; adopting: string | null; onAdopt: (ns: string) => void }) {
  const open = useFleets((s) => s.open);
  return (
    <div className="table-wrap">
      <table className="data-table" aria-label="Stacks" data-testid="stacks-table">
        <thead>
          <tr>
            <th>Namespace</th>
            <th className="col-num">Services</th>
            <th>Deployed by</th>
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {stacks.map((s) => (
            <tr key={s.namespace} data-testid="stack-row" data-namespace={s.namespace} data-fleet-id={s.fleetId ?? undefined}>
              <td className="mono">{s.namespace}</td>
              <td className="col-num">{s.services}</td>
              <td>{s.fleetId ? 'SimDeck fleet' : 'deployed with the CLI'}</td>
              <td>
                {s.fleetId ? (
                  <button type="button" className="button button-small" onClick={() => open(s.fleetId)} data-testid="stack-open">
                    Open
                  </button>
                ) : (
                  <button
                    type="button"
                    className="button button-small"
                    disabled={!canAdopt || adopting !== null}
                    title={canAdopt ? 'Watch it as a fleet: scale, logs, teardown' : 'Pick a project in the top bar first'}
                    onClick={() => onAdopt(s.namespace)}
                    data-testid="stack-adopt"
                  >
                    {adopting === s.namespace ? 'Adopting…' : 'Adopt'}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
