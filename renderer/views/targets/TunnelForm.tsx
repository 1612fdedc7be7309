// "Add tunnel": name, cluster, local port (0 = a free one), remote host and port, start with SimDeck. The core's
// validation messages (tunnels.create) appear next to the fields they name.
import { useState, type FormEvent } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { Target } from '../../../shared/domain.js';
import { api } from '../../api/index.js';
import { FormError, FormField } from '../../components/FormField.js';
import { splitFieldErrors, type FormErrors } from '../../lib/fieldErrors.js';
import { HostKeyDeclined, withHostKeyTrust } from '../../store/hostKeyTrust.js';
import { toast } from '../../store/toasts.js';
import { useTunnels } from '../../store/tunnels.js';

const FIELDS = ['name', 'targetId', 'localPort', 'remoteHost', 'remotePort', 'autoStart'] as const;
const NO_ERRORS: FormErrors = { fields: {}, form: null };

/** A port typed in a text box: digits only, or null (empty counts as `empty`). */
function parsePort(text: string, empty: number): number | null {
  const t = text.trim();
  if (!t) return empty;
  return /^\d{1,6}$/.test(t) ? Number(t) : null;
}

export function TunnelForm({ clusters }: { clusters: readonly Target[] }) {
  const [name, setName] = useState('');
  const [targetId, setTargetId] = useState('');
  const [localPort, setLocalPort] = useState('0');
  const [remoteHost, setRemoteHost] = useState('localhost');
  const [remotePort, setRemotePort] = useState('');
  const [autoStart, setAutoStart] = useState(true);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const cluster = targetId || clusters[0]?.id || '';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const local = parsePort(localPort, 0);
    const remote = parsePort(remotePort, 0);
    const typed: Record<string, string> = {};
    if (local === null) typed.localPort = 'a port number (0 lets SimDeck pick a free one)';
    if (remote === null) typed.remotePort = 'a port number, e.g. 8888';
    if (Object.keys(typed).length) {
      setErrors({ fields: typed, form: null });
      return;
    }
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      const t = await withHostKeyTrust(() =>
        api().tunnels.create({ name, targetId: cluster, localPort: local!, remoteHost, remotePort: remote!, autoStart }),
      );
      useTunnels.getState().onChanged(t);
      toast('success', `Tunnel “${t.name}”: 127.0.0.1:${t.localPort} → ${t.remoteHost}:${t.remotePort}.`);
      setName('');
      setRemotePort('');
      setLocalPort('0');
    } catch (err) {
      if (err instanceof HostKeyDeclined) return;
      const split = splitFieldErrors(toApiError(err), FIELDS);
      setErrors(split);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="tunnel-form stack" onSubmit={submit} aria-label="Add tunnel" data-testid="tunnel-form" noValidate>
      <h3 className="panel-title plain">Add tunnel</h3>
      <div className="form-row">
        <FormField label="Name" error={errors.fields.name} required className="grow-2">
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Jupyter on gpu-node" autoComplete="off" data-testid="tunnel-name" />
        </FormField>
        <FormField label="Cluster" error={errors.fields.targetId} required className="grow-2" hint={clusters.length ? undefined : 'Add a SLURM cluster first.'}>
          <select value={cluster} onChange={(e) => setTargetId(e.target.value)} disabled={clusters.length === 0} data-testid="tunnel-cluster">
            {clusters.length === 0 ? <option value="">No SLURM cluster</option> : null}
            {clusters.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </FormField>
        <FormField label="Local port" error={errors.fields.localPort} hint="0 = pick a free one" className="grow-0">
          <input value={localPort} onChange={(e) => setLocalPort(e.target.value)} inputMode="numeric" autoComplete="off" className="input-narrow" data-testid="tunnel-local-port" />
        </FormField>
        <FormField label="Remote host" error={errors.fields.remoteHost} required className="grow-2" hint="As seen from the cluster’s login node">
          <input value={remoteHost} onChange={(e) => setRemoteHost(e.target.value)} spellCheck={false} autoComplete="off" data-testid="tunnel-remote-host" />
        </FormField>
        <FormField label="Remote port" error={errors.fields.remotePort} required className="grow-0">
          <input value={remotePort} onChange={(e) => setRemotePort(e.target.value)} inputMode="numeric" autoComplete="off" placeholder="8888" className="input-narrow" data-testid="tunnel-remote-port" />
        </FormField>
        <label className="check">
          <input type="checkbox" checked={autoStart} onChange={(e) => setAutoStart(e.target.checked)} data-testid="tunnel-autostart" />
          Start with SimDeck
        </label>
        <div className="form-submit">
          <button type="submit" className="button button-primary" disabled={busy || clusters.length === 0} data-testid="tunnel-create">
            {busy ? 'Adding…' : 'Add tunnel'}
          </button>
        </div>
      </div>
      <FormError message={[errors.fields.autoStart, errors.form].filter(Boolean).join('; ')} />
    </form>
  );
}
