// Take jobs SimDeck did not submit (slurm.foreign) under its watch, in the current project (slurm.adopt).
import { useEffect, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { Project, Target } from '../../../shared/domain.js';
import type { ForeignJob } from '../../../shared/slurm.js';
import { api } from '../../api/index.js';
import { Dialog } from '../../components/Dialog.js';
import { FormField } from '../../components/FormField.js';
import { formatTime } from '../../lib/format.js';
import { HostKeyDeclined, withHostKeyTrust } from '../../store/hostKeyTrust.js';
import { useJobs } from '../../store/jobs.js';
import { toast } from '../../store/toasts.js';

export function AdoptDialog({ clusters, projects, projectId, onClose }: { clusters: readonly Target[]; projects: readonly Project[]; projectId: string | null; onClose: () => void }) {
  const [targetId, setTargetId] = useState(clusters[0]?.id ?? '');
  const [project, setProject] = useState(projectId ?? projects[0]?.id ?? '');
  const [list, setList] = useState<ForeignJob[] | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!targetId) return;
    let live = true;
    setList(null);
    setPicked(new Set());
    setError(null);
    withHostKeyTrust(() => api().slurm.foreign({ targetId }))
      .then((l) => live && setList(l))
      .catch((err: unknown) => live && setError(err instanceof HostKeyDeclined ? err.message : toApiError(err).message));
    return () => {
      live = false;
    };
  }, [targetId]);

  const adopt = async () => {
    setBusy(true);
    setError(null);
    try {
      const jobs = await api().slurm.adopt({ targetId, projectId: project, remoteIds: [...picked] });
      toast('success', `SimDeck now follows ${jobs.length} adopted job${jobs.length === 1 ? '' : 's'}.`);
      void useJobs.getState().refresh();
      onClose();
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  };
  const all = list !== null && list.length > 0 && picked.size === list.length;

  return (
    <Dialog title="Adopt jobs" onClose={onClose} testId="adopt-dialog" wide>
      <div className="stack">
        <p className="muted">Jobs on a cluster that SimDeck did not submit (e.g. from a terminal). Adopted jobs are followed like SimDeck’s own.</p>
        <div className="form-row">
          <FormField label="Cluster" className="grow-2">
            <select value={targetId} onChange={(e) => setTargetId(e.target.value)} data-testid="adopt-cluster">
              {clusters.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </FormField>
          <FormField label="Into project" className="grow-2">
            <select value={project} onChange={(e) => setProject(e.target.value)} data-testid="adopt-project">
              {projects.filter((p) => !p.archived).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </FormField>
        </div>
        {list === null ? (
          error ? null : <p className="muted">Asking the cluster…</p>
        ) : list.length === 0 ? (
          <p className="muted">No foreign jobs on this cluster.</p>
        ) : (
          <div className="table-wrap adopt-table">
            <table className="data-table" aria-label="Foreign jobs">
              <thead>
                <tr>
                  <th scope="col">
                    <input type="checkbox" aria-label="Select all" checked={all} onChange={() => setPicked(all ? new Set() : new Set(list.map((j) => j.remoteId)))} />
                  </th>
                  <th scope="col">Remote id</th>
                  <th scope="col">Name</th>
                  <th scope="col">State</th>
                  <th scope="col">Partition</th>
                  <th scope="col">Submitted</th>
                </tr>
              </thead>
              <tbody>
                {list.map((j) => (
                  <tr key={j.remoteId} data-testid="foreign-row">
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Adopt ${j.remoteId} ${j.name}`}
                        checked={picked.has(j.remoteId)}
                        onChange={() =>
                          setPicked((s) => {
                            const n = new Set(s);
                            if (n.has(j.remoteId)) n.delete(j.remoteId);
                            else n.add(j.remoteId);
                            return n;
                          })
                        }
                      />
                    </td>
                    <td className="mono">{j.remoteId}</td>
                    <td>{j.name}</td>
                    <td>{j.state}</td>
                    <td>{j.partition}</td>
                    <td>{formatTime(j.submitTime)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="button button-primary" disabled={busy || picked.size === 0 || !project} onClick={() => void adopt()} data-testid="adopt-submit">
            {busy ? 'Adopting…' : `Adopt ${picked.size || ''} job${picked.size === 1 ? '' : 's'}`}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
