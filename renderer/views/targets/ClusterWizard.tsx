// "Add SLURM cluster": login node, user, how to log in, jump hosts, work directory, import from ~/.ssh/config, then
// "Test connection" (saves, then targets.check through the host-key question). Secrets go to the vault and the
// inputs are emptied; they are never kept in the form's state.
import { useRef, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { Target, TargetCheck } from '../../../shared/domain.js';
import type { SshConfigHost } from '../../../shared/slurm.js';
import { api } from '../../api/index.js';
import { Dialog } from '../../components/Dialog.js';
import { FormError, FormField } from '../../components/FormField.js';
import { AUTH_METHODS, buildClusterSettings, emptyClusterForm, formFromSettings, formFromSshConfig, type AuthMethod, type ClusterForm } from '../../lib/clusterWizard.js';
import { secretLabel } from '../../lib/credentials.js';
import { splitFieldErrors } from '../../lib/fieldErrors.js';
import { useClusters } from '../../store/clusters.js';
import { HostKeyDeclined, withHostKeyTrust } from '../../store/hostKeyTrust.js';
import { useTargets } from '../../store/targets.js';
import { toast } from '../../store/toasts.js';
import { CheckResult } from './CheckResult.js';
import { JumpHops } from './JumpHops.js';

export function ClusterWizard({ existing, onClose }: { existing?: Target; onClose: () => void }) {
  const [f, setF] = useState<ClusterForm>(() => (existing ? formFromSettings(existing.name, existing.settings) : emptyClusterForm()));
  const [targetId, setTargetId] = useState<string | null>(existing?.id ?? null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [hopErrors, setHopErrors] = useState<Record<number, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'save' | 'test' | 'import' | null>(null);
  const [check, setCheck] = useState<TargetCheck | null>(null);
  const [configHosts, setConfigHosts] = useState<SshConfigHost[] | null>(null);
  const secretRef = useRef<HTMLInputElement>(null);
  const set = (p: Partial<ClusterForm>) => setF((x) => ({ ...x, ...p }));

  const importConfig = async () => {
    setBusy('import');
    try {
      const hosts = await api().ssh.configHosts({});
      setConfigHosts(hosts);
      if (hosts.length === 0) toast('info', 'No Host entries found in ~/.ssh/config.');
    } catch (err) {
      toast('error', toApiError(err).message, 'Could not read ~/.ssh/config');
    } finally {
      setBusy(null);
    }
  };

  /** Creates or updates the target and stores a typed secret; the target id, or null when the form has errors. */
  const save = async (): Promise<string | null> => {
    const built = buildClusterSettings(f);
    setErrors(built.errors);
    setHopErrors(built.hopErrors);
    setFormError(null);
    if (Object.keys(built.errors).length) return null;
    try {
      const t = targetId
        ? await api().targets.update({ id: targetId, name: f.name.trim(), settings: built.settings })
        : await api().targets.create({ name: f.name.trim(), kind: 'slurm', settings: built.settings });
      setTargetId(t.id);
      const secret = secretRef.current?.value ?? '';
      if (secret && (f.auth === 'password' || f.auth === 'key')) {
        const role = f.auth === 'password' ? 'password' : 'keyPassphrase';
        const info = await api().secrets.store({ label: secretLabel(t.name, role), value: secret });
        if (secretRef.current) secretRef.current.value = '';
        await api().targets.attachSecret({ id: t.id, role, secretId: info.id });
      }
      void useTargets.getState().refresh();
      return t.id;
    } catch (err) {
      const e = toApiError(err);
      const split = splitFieldErrors(e, ['name', 'settings']);
      const fields: Record<string, string> = {};
      if (split.fields.name) fields.name = split.fields.name;
      const m = /settings\.(\w+)/.exec(e.message);
      if (split.fields.settings && m) fields[m[1] === 'username' ? 'user' : m[1]!] = split.fields.settings;
      setErrors(fields);
      setFormError(split.form ?? (split.fields.settings && !m ? split.fields.settings : null));
      return null;
    }
  };

  const test = async () => {
    setBusy('test');
    setCheck(null);
    try {
      const id = await save();
      if (!id) return;
      const r = await withHostKeyTrust(() => api().targets.check({ id }));
      setCheck(r);
      void useClusters.getState().refresh();
    } catch (err) {
      if (!(err instanceof HostKeyDeclined)) {
        const e = toApiError(err);
        const field = e.details?.field;
        if (field) setErrors((x) => ({ ...x, [field === 'username' ? 'user' : field]: e.message }));
        else setFormError(e.message);
      }
    } finally {
      setBusy(null);
    }
  };

  const saveAndClose = async () => {
    setBusy('save');
    const id = await save();
    setBusy(null);
    if (id) {
      toast('success', `Saved cluster “${f.name.trim()}”.`);
      onClose();
    }
  };

  const authHint = AUTH_METHODS.find((a) => a.value === f.auth)?.hint;
  const hasSecret = existing ? Boolean(existing.secretRefs[f.auth === 'password' ? 'password' : 'keyPassphrase']) : false;

  return (
    <Dialog title={existing ? `Cluster “${existing.name}”` : 'Add SLURM cluster'} onClose={onClose} testId="cluster-wizard" wide>
      <form
        className="stack"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void test();
        }}
      >
        <div className="wizard-import">
          <button type="button" className="button button-small" onClick={() => void importConfig()} disabled={busy !== null} data-testid="wizard-import">
            {busy === 'import' ? 'Reading…' : 'Import from ~/.ssh/config'}
          </button>
          {configHosts && configHosts.length ? (
            <select
              aria-label="Host from ~/.ssh/config"
              data-testid="wizard-import-host"
              defaultValue=""
              onChange={(e) => {
                const h = configHosts.find((x) => x.alias === e.target.value);
                if (h) setF((x) => formFromSshConfig(h, x));
              }}
            >
              <option value="" disabled>
                Pick a Host ({configHosts.length})
              </option>
              {configHosts.map((h) => (
                <option key={h.alias} value={h.alias}>
                  {h.alias} — {h.user ? `${h.user}@` : ''}
                  {h.hostName}
                  {h.proxyJump ? ` via ${h.proxyJump}` : ''}
                </option>
              ))}
            </select>
          ) : null}
        </div>

        <div className="form-row">
          <FormField label="Name" error={errors.name} required className="grow-2">
            <input value={f.name} onChange={(e) => set({ name: e.target.value })} placeholder="e.g. Expanse" data-testid="wizard-name" autoComplete="off" data-autofocus />
          </FormField>
          <FormField label="Login node" error={errors.host} required className="grow-3">
            <input value={f.host} onChange={(e) => set({ host: e.target.value })} placeholder="login.cluster.example.edu" data-testid="wizard-host" spellCheck={false} autoComplete="off" />
          </FormField>
          <FormField label="Port" error={errors.port} className="grow-0">
            <input value={f.port} onChange={(e) => set({ port: e.target.value })} placeholder="22" inputMode="numeric" className="input-narrow" data-testid="wizard-port" />
          </FormField>
          <FormField label="User" error={errors.user} className="grow-2" hint="Empty: your user name on this machine">
            <input value={f.user} onChange={(e) => set({ user: e.target.value })} placeholder="jdoe" data-testid="wizard-user" spellCheck={false} autoComplete="off" />
          </FormField>
        </div>

        <div className="form-row">
          <FormField label="Log in with" hint={authHint} className="grow-2">
            <select value={f.auth} onChange={(e) => set({ auth: e.target.value as AuthMethod })} data-testid="wizard-auth">
              {AUTH_METHODS.map((a) => (
                <option key={a.value} value={a.value}>
                  {a.label}
                </option>
              ))}
            </select>
          </FormField>
          {f.auth === 'key' ? (
            <>
              <FormField label="Private key file" error={errors.privateKeyPath} required className="grow-3" hint="On this machine; the key is never copied.">
                <input value={f.keyPath} onChange={(e) => set({ keyPath: e.target.value })} placeholder="~/.ssh/id_ed25519" className="mono" data-testid="wizard-key-path" spellCheck={false} />
              </FormField>
              <FormField label="Key passphrase" className="grow-2" hint={hasSecret ? 'A passphrase is stored; type to replace it.' : 'Optional; stored in the vault.'}>
                <input key="passphrase" ref={secretRef} type="password" autoComplete="off" data-testid="wizard-passphrase" />
              </FormField>
            </>
          ) : f.auth === 'password' ? (
            <FormField label="Password" className="grow-3" hint={hasSecret ? 'A password is stored; type to replace it.' : 'Stored encrypted in the vault.'}>
              <input key="password" ref={secretRef} type="password" autoComplete="off" data-testid="wizard-password" />
            </FormField>
          ) : null}
        </div>

        <JumpHops hops={f.hops} errors={hopErrors} onChange={(hops) => set({ hops })} />

        <FormField label="Working directory on the cluster" error={errors.workDir} hint="Where SimDeck puts project folders and job scripts, e.g. your scratch space. Empty: your home directory.">
          <input value={f.workDir} onChange={(e) => set({ workDir: e.target.value })} placeholder="/scratch/jdoe/simdeck" className="mono" data-testid="wizard-workdir" spellCheck={false} />
        </FormField>

        <FormError message={formError} />
        {busy === 'test' ? (
          <p role="status">
            <span className="spinner" aria-hidden="true" /> Connecting to {f.host || 'the cluster'}… (a 2FA question may appear)
          </p>
        ) : null}
        {check ? <CheckResult result={check} /> : null}

        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            {targetId && !existing ? 'Close' : 'Cancel'}
          </button>
          <button type="submit" className="button" disabled={busy !== null} data-testid="wizard-test">
            {busy === 'test' ? 'Testing…' : 'Test connection'}
          </button>
          <button type="button" className="button button-primary" disabled={busy !== null} onClick={() => void saveAndClose()} data-testid="wizard-save">
            {busy === 'save' ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
