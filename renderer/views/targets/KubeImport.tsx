// "Add from kubeconfig": lists the contexts of ~/.kube/config (or another kubeconfig) with kube.contexts and adds
// one as a Kubernetes target (context, namespace, and the kubeconfig path only when it is not the default).
import { useEffect, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { Result } from '../../../shared/contract.js';
import type { Target } from '../../../shared/domain.js';
import { api } from '../../api/index.js';
import { Dialog } from '../../components/Dialog.js';
import { FormField } from '../../components/FormField.js';
import { useTargets } from '../../store/targets.js';
import { toast } from '../../store/toasts.js';

type Contexts = Result<'kube.contexts'>;

export function KubeImport({ targets, onClose }: { targets: readonly Target[]; onClose: () => void }) {
  const [path, setPath] = useState('');
  const [usedPath, setUsedPath] = useState('');
  const [data, setData] = useState<Contexts | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [names, setNames] = useState<Record<string, string>>({});
  const [namespaces, setNamespaces] = useState<Record<string, string>>({});
  const [rowError, setRowError] = useState<Record<string, string>>({});
  const [adding, setAdding] = useState<string | null>(null);

  const list = async (p: string) => {
    setBusy(true);
    setError(null);
    try {
      const r = await api().kube.contexts(p.trim() ? { path: p.trim() } : {});
      setData(r);
      setUsedPath(p.trim());
    } catch (err) {
      setData(null);
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    void list('');
  }, []);

  const existing = (context: string, ns: string) =>
    targets.find((t) => t.kind === 'kubernetes' && t.settings.context === context && (t.settings.namespace ?? '') === ns && (t.settings.kubeconfigPath ?? '') === usedPath);

  const add = async (c: Contexts['contexts'][number]) => {
    const name = (names[c.name] ?? c.name).trim();
    const namespace = (namespaces[c.name] ?? c.namespace ?? 'default').trim();
    setAdding(c.name);
    setRowError((e) => ({ ...e, [c.name]: '' }));
    try {
      const settings: Record<string, string> = { context: c.name, namespace };
      if (usedPath) settings.kubeconfigPath = usedPath;
      const t = await api().targets.create({ name, kind: 'kubernetes', settings });
      toast('success', `Added Kubernetes target “${t.name}” (${c.name}, namespace ${namespace}). Use “Check connection” to see its GPU nodes.`);
      await useTargets.getState().refresh();
    } catch (err) {
      setRowError((e) => ({ ...e, [c.name]: toApiError(err).message.replace(/^targets\.create:\s+/, '') }));
    } finally {
      setAdding(null);
    }
  };

  return (
    <Dialog title="Add Kubernetes targets from a kubeconfig" onClose={onClose} testId="kube-import" wide>
      <form
        className="form-row"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void list(path);
        }}
      >
        <FormField label="Kubeconfig" className="grow-3" hint="Empty: $KUBECONFIG or ~/.kube/config on the machine running SimDeck’s core.">
          <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="~/.kube/config" className="mono" data-testid="kube-import-path" spellCheck={false} autoComplete="off" />
        </FormField>
        <div className="form-submit">
          <button type="submit" className="button" disabled={busy} data-testid="kube-import-list">
            {busy ? 'Reading…' : 'List contexts'}
          </button>
        </div>
      </form>
      {error ? (
        <p className="form-error" role="alert" data-testid="kube-import-error">
          {error}
        </p>
      ) : null}
      {data ? (
        <div className="stack">
          <p className="muted">
            {data.contexts.length} context{data.contexts.length === 1 ? '' : 's'} in <span className="mono">{data.file}</span>
          </p>
          {data.contexts.length ? (
            <div className="table-wrap">
              <table className="data-table" aria-label="Contexts">
                <thead>
                  <tr>
                    <th>Context</th>
                    <th>Server</th>
                    <th>Target name</th>
                    <th>Namespace</th>
                    <th>
                      <span className="visually-hidden">Add</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.contexts.map((c) => {
                    const ns = namespaces[c.name] ?? c.namespace ?? 'default';
                    const dup = existing(c.name, ns);
                    return (
                      <tr key={c.name} data-testid="kube-context-row" data-context={c.name} data-current={c.current}>
                        <td>
                          <strong className="mono">{c.name}</strong> {c.current ? <span className="badge badge-info">current</span> : null}
                          <div className="muted">
                            cluster {c.cluster} · user {c.user}
                          </div>
                        </td>
                        <td className="mono truncate" title={c.server}>
                          {c.server}
                        </td>
                        <td>
                          <input aria-label={`Target name for ${c.name}`} value={names[c.name] ?? c.name} onChange={(e) => setNames((n) => ({ ...n, [c.name]: e.target.value }))} data-testid="kube-context-name" />
                        </td>
                        <td>
                          <input aria-label={`Namespace for ${c.name}`} value={ns} onChange={(e) => setNamespaces((n) => ({ ...n, [c.name]: e.target.value }))} className="mono input-narrow" data-testid="kube-context-namespace" />
                        </td>
                        <td>
                          {dup ? (
                            <span className="muted">added as {dup.name}</span>
                          ) : (
                            <button type="button" className="button button-small button-primary" disabled={adding !== null} onClick={() => void add(c)} data-testid="kube-context-add">
                              {adding === c.name ? 'Adding…' : 'Add'}
                            </button>
                          )}
                          {rowError[c.name] ? (
                            <span className="field-error" data-testid="field-error">
                              {rowError[c.name]}
                            </span>
                          ) : null}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          ) : null}
        </div>
      ) : null}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
