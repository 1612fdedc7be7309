// "Copy to another cluster…": choose a destination SLURM cluster (not the source) and a folder there; files.copy
// streams it through SimDeck as a resumable transfer (progress in the Transfers panel).
import { useMemo, useState, type FormEvent } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { RemoteEntry } from '../../../shared/files.js';
import { api } from '../../api/index.js';
import { Dialog } from '../../components/Dialog.js';
import { FormError, FormField } from '../../components/FormField.js';
import { splitFieldErrors, type FormErrors } from '../../lib/fieldErrors.js';
import { HostKeyDeclined, withHostKeyTrust } from '../../store/hostKeyTrust.js';
import { useTargets } from '../../store/targets.js';
import { toast } from '../../store/toasts.js';
import { useTransfers } from '../../store/transfers.js';

export function CopyDialog({ fromTargetId, entry, onClose }: { fromTargetId: string; entry: RemoteEntry; onClose: () => void }) {
  const targets = useTargets((s) => s.targets);
  const destinations = useMemo(() => targets.filter((t) => t.kind === 'slurm' && t.id !== fromTargetId), [targets, fromTargetId]);
  const [toTargetId, setToTargetId] = useState(destinations[0]?.id ?? '');
  const [toDir, setToDir] = useState('~');
  const [errors, setErrors] = useState<FormErrors>({ fields: {}, form: null });
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!toTargetId) {
      setErrors({ fields: { toTargetId: 'choose the cluster to copy to' }, form: null });
      return;
    }
    setBusy(true);
    setErrors({ fields: {}, form: null });
    try {
      const t = await withHostKeyTrust(() => api().files.copy({ fromTargetId, fromPath: entry.path, toTargetId, toDir: toDir.trim() }));
      useTransfers.getState().onChanged(t);
      const dest = destinations.find((d) => d.id === toTargetId)?.name ?? 'the other cluster';
      toast('info', `Copying ${entry.name} to ${dest}:${t.to.path}… Progress is under Transfers on the Jobs page.`);
      onClose();
    } catch (err) {
      if (err instanceof HostKeyDeclined) return;
      setErrors(splitFieldErrors(toApiError(err), ['toTargetId', 'toDir']));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Copy “${entry.name}” to another cluster`} onClose={onClose} testId="copy-dialog">
      <form className="stack" onSubmit={submit} noValidate>
        <p className="muted">
          SimDeck streams <span className="mono">{entry.path}</span> from this cluster to the other one; if the connection drops, resume it from
          Transfers.
        </p>
        {destinations.length === 0 ? (
          <p className="muted" data-testid="copy-no-destination">
            There is no other SLURM cluster to copy to. Add one under Targets first.
          </p>
        ) : null}
        <FormField label="Destination cluster" error={errors.fields.toTargetId} required>
          <select value={toTargetId} onChange={(e) => setToTargetId(e.target.value)} disabled={destinations.length === 0} data-testid="copy-cluster" data-autofocus>
            {destinations.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </FormField>
        <FormField label="Destination folder" error={errors.fields.toDir} hint="On the destination cluster; ~ is your home folder. The folder keeps the name." required>
          <input value={toDir} onChange={(e) => setToDir(e.target.value)} className="mono" spellCheck={false} autoComplete="off" data-testid="copy-dir" />
        </FormField>
        <FormError message={errors.form} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy || destinations.length === 0} data-testid="copy-submit">
            {busy ? 'Starting…' : 'Copy'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
