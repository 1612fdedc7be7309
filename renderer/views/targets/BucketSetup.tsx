// The results bucket of a Kubernetes target: the row shows the imported rclone remote (settings.bucketRemote) or
// "not set up"; the dialog imports the laptop's remote (the seed's `nrp`; pods use `nrp-internal`) with
// umbrella.bucketImport, from the researcher's rclone.conf or, with consent, from the namespace Secret. Only the
// remote's section is kept, encrypted in the vault; its keys never come back to the UI.
import { useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { Target } from '../../../shared/domain.js';
import { api } from '../../api/index.js';
import { Dialog } from '../../components/Dialog.js';
import { FormError, FormField } from '../../components/FormField.js';
import { DEFAULT_RCLONE_CONF, buildBucketImport, defaultBucketForm, splitBucketErrors, type BucketErrors, type BucketForm } from '../../lib/umbrella.js';
import { useTargets } from '../../store/targets.js';
import { toast } from '../../store/toasts.js';

const NO_ERRORS: BucketErrors = { fields: {}, form: null };

export function bucketRemoteOf(t: Target): string | null {
  const r = t.settings.bucketRemote;
  return typeof r === 'string' && r ? r : null;
}

/** The row's cell: the imported remote or "not set up", and the button that opens the dialog. */
export function BucketCell({ target, onSetUp }: { target: Target; onSetUp: () => void }) {
  const remote = bucketRemoteOf(target);
  return (
    <span className="bucket-cell">
      <span className={remote ? 'mono' : 'muted'} data-testid="bucket-status" data-set={remote ? 'true' : 'false'}>
        {remote ?? 'not set up'}
      </span>
      <button type="button" className="button button-small" onClick={onSetUp} aria-label={`Results bucket of ${target.name}`} data-testid="bucket-setup">
        {remote ? 'Change…' : 'Set up…'}
      </button>
    </span>
  );
}

export function BucketDialog({ target, onClose }: { target: Target; onClose: () => void }) {
  const current = bucketRemoteOf(target);
  const [f, setF] = useState<BucketForm>(() => defaultBucketForm(current));
  const [errors, setErrors] = useState<BucketErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const namespace = typeof target.settings.namespace === 'string' && target.settings.namespace ? target.settings.namespace : 'the context’s namespace';
  const set = (patch: Partial<BucketForm>) => {
    setF((x) => ({ ...x, ...patch }));
    setErrors(NO_ERRORS);
  };
  const blocked = f.source === 'secret' && !f.consent;

  const submit = async () => {
    if (busy) return;
    const built = buildBucketImport(target.id, f);
    if (!built.params) {
      setErrors(built.errors);
      return;
    }
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      const r = await api().umbrella.bucketImport(built.params);
      toast('success', `Results bucket of “${target.name}”: remote ${r.name} (${r.provider}, ${r.endpoint}${r.region ? `, ${r.region}` : ''}) from ${r.source}.`);
      await useTargets.getState().refresh();
      onClose();
    } catch (err) {
      setErrors(splitBucketErrors(toApiError(err), f.source));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Results bucket of “${target.name}”`} onClose={onClose} testId="bucket-dialog">
      <form
        className="stack"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p className="muted">
          SimDeck reads the campaign results and checks each window’s inputs in the bucket with the rclone remote your laptop uses (the seed’s{' '}
          <span className="mono">nrp</span>; the pods use <span className="mono">nrp-internal</span>).{' '}
          {current ? (
            <>
              Imported now: <span className="mono">{current}</span>.
            </>
          ) : (
            'No remote imported yet.'
          )}
        </p>
        <FormField label="rclone remote" error={errors.fields.remote} required className="grow-0">
          <input value={f.remote} onChange={(e) => set({ remote: e.target.value })} className="mono input-narrow" data-testid="bucket-remote" spellCheck={false} autoComplete="off" data-autofocus />
        </FormField>
        <fieldset className="fieldset">
          <legend className="field-label">Read the remote from</legend>
          <label className="check">
            <input type="radio" name="bucket-source" checked={f.source === 'file'} onChange={() => set({ source: 'file' })} data-testid="bucket-source-file" />
            my rclone.conf
          </label>
          {f.source === 'file' ? (
            <FormField label="rclone.conf" error={errors.fields.path} hint="Empty: $RCLONE_CONFIG or ~/.config/rclone/rclone.conf on the machine running SimDeck’s core.">
              <input value={f.path} onChange={(e) => set({ path: e.target.value })} placeholder={DEFAULT_RCLONE_CONF} className="mono" data-testid="bucket-path" spellCheck={false} autoComplete="off" />
            </FormField>
          ) : null}
          <label className="check">
            <input type="radio" name="bucket-source" checked={f.source === 'secret'} onChange={() => set({ source: 'secret' })} data-testid="bucket-source-secret" />
            the namespace Secret
          </label>
          {f.source === 'secret' ? (
            <>
              <div className="form-row">
                <FormField label="Secret" error={errors.fields.secretName} required className="grow-2" hint={`in ${namespace}`}>
                  <input value={f.secretName} onChange={(e) => set({ secretName: e.target.value })} className="mono" data-testid="bucket-secret-name" spellCheck={false} autoComplete="off" />
                </FormField>
                <FormField label="Key" error={errors.fields.secretKey} className="grow-0">
                  <input value={f.secretKey} onChange={(e) => set({ secretKey: e.target.value })} className="mono input-narrow" data-testid="bucket-secret-key" spellCheck={false} autoComplete="off" />
                </FormField>
              </div>
              <label className="check">
                <input type="checkbox" checked={f.consent} onChange={(e) => set({ consent: e.target.checked })} data-testid="bucket-consent" />
                <span>SimDeck reads this Secret from the cluster and keeps only the remote’s section, encrypted in its vault</span>
              </label>
            </>
          ) : null}
        </fieldset>
        <FormError message={errors.form} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy || blocked} data-testid="bucket-import" title={blocked ? 'Tick the box to let SimDeck read the Secret' : undefined}>
            {busy ? 'Importing…' : 'Import'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
