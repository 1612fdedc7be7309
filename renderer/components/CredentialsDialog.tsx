// Gives a target its passwords, passphrases, keys and tokens. Values go one way: into the vault through
// secrets.store, and only the vault id is linked to the target. The dialog shows whether a role is set and when,
// never a value, because the core never returns one.
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { toApiError } from '../../shared/client.js';
import type { SecretInfo, Target } from '../../shared/domain.js';
import { api } from '../api/index.js';
import { ROLES, credentialStatus, isCredentialRole, roleLabel, roleShort, rolesForKind, rolesToShow, secretLabel, secretUnshared } from '../lib/credentials.js';
import { useTargets } from '../store/targets.js';
import { toast, toastError } from '../store/toasts.js';
import { Dialog } from './Dialog.js';

export function CredentialsDialog({ target, onClose }: { target: Target; onClose: () => void }) {
  const [secrets, setSecrets] = useState<SecretInfo[] | null>(null);

  const reload = useCallback(async () => {
    const [list] = await Promise.all([
      api()
        .secrets.list()
        .catch((err: unknown) => void toastError(err, 'Could not list the stored secrets')),
      useTargets.getState().refresh(),
    ]);
    if (list) setSecrets(list);
  }, []);
  useEffect(() => void reload(), [reload]);

  const roles = rolesToShow(target);
  return (
    <Dialog title={`Credentials for “${target.name}”`} onClose={onClose} testId="credentials-dialog">
      <div className="stack">
        <p className="muted">
          Secrets are encrypted in this workspace (with the OS keychain in the desktop app, with a key file readable only by you in the browser
          shell) and are never shown again, not even here. To change one, replace it.
        </p>
        {rolesForKind(target.kind).length === 0 ? (
          <p className="notice-inline" data-testid="credentials-none">
            Docker targets need no credentials; access is controlled by the socket’s permissions.
          </p>
        ) : null}
        {roles.length ? (
          <ul className="credential-list">
            {roles.map((role) => (
              <CredentialRow key={role} target={target} role={role} secrets={secrets} onChanged={reload} />
            ))}
          </ul>
        ) : null}
      </div>
    </Dialog>
  );
}

interface RowProps {
  target: Target;
  role: string;
  secrets: SecretInfo[] | null;
  onChanged: () => Promise<void>;
}

function CredentialRow({ target, role, secrets, onChanged }: RowProps) {
  const secretId = target.secretRefs[role];
  // A role the kind does not use (attached through the API) can only be removed.
  const settable = isCredentialRole(role) && rolesForKind(target.kind).includes(role) ? role : null;
  const [replacing, setReplacing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [filled, setFilled] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refocus, setRefocus] = useState(false);
  // Uncontrolled on purpose: a controlled input would copy the secret into React state, and React mirrors it
  // into the DOM (value attribute, textarea text). The value is read once on Save and the field emptied at once.
  const inputRef = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const rowRef = useRef<HTMLLIElement>(null);
  const id = useId();
  const label = roleLabel(role);
  const short = roleShort(role);
  const showForm = settable !== null && (!secretId || replacing);
  const status = credentialStatus(secretId, secrets);
  const missing = Boolean(secretId && secrets && !secrets.some((s) => s.id === secretId));

  // The clicked button disappears when the row changes mode; put focus on the row's first control instead of
  // dropping it to the page, unless the user has moved elsewhere meanwhile.
  useEffect(() => {
    if (!refocus) return;
    setRefocus(false);
    const active = document.activeElement;
    if (active && active !== document.body && !rowRef.current?.contains(active)) return;
    rowRef.current?.querySelector<HTMLElement>('input, textarea, button:not([disabled])')?.focus();
  }, [refocus]);

  const forgetSecret = async (oldId: string) => {
    if (!secretUnshared(oldId, target.id, useTargets.getState().targets)) return;
    try {
      await api().secrets.delete({ id: oldId });
    } catch (err) {
      // Already gone is what we wanted.
      if (toApiError(err).code !== 'NOT_FOUND') throw err;
    }
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const el = inputRef.current;
    if (!settable || !el || busy || !el.value) return;
    const value = el.value;
    el.value = '';
    setFilled(false);
    setBusy(true);
    try {
      const stored = await api().secrets.store({ label: secretLabel(target.name, settable), value });
      try {
        await api().targets.attachSecret({ id: target.id, role: settable, secretId: stored.id });
      } catch (err) {
        // Leave no unlinked copy in the vault.
        await api().secrets.delete({ id: stored.id }).catch(() => undefined);
        throw err;
      }
      toast('success', `${label} saved for “${target.name}”.`);
      setReplacing(false);
      if (secretId && secretId !== stored.id) await forgetSecret(secretId).catch((err: unknown) => void toastError(err, 'The replaced secret is still in the vault'));
    } catch (err) {
      toastError(err, `Could not save the ${short}; type it again`);
    } finally {
      setBusy(false);
      setRefocus(true);
      await onChanged();
    }
  };

  const remove = async () => {
    if (!secretId) return;
    setBusy(true);
    try {
      await api().targets.detachSecret({ id: target.id, role });
      await forgetSecret(secretId);
      toast('success', `Removed the ${short} of “${target.name}”.`);
    } catch (err) {
      toastError(err, `Could not remove the ${short}`);
    } finally {
      setBusy(false);
      setConfirming(false);
      setRefocus(true);
      await onChanged();
    }
  };

  const statusClass = !secretId ? 'muted' : missing ? 'badge badge-warning' : 'badge badge-success';
  const multiline = settable ? ROLES[settable].multiline : false;
  const hintId = `${id}-hint`;

  return (
    <li className="credential-row" ref={rowRef} data-testid="credential-row" data-role={role}>
      <div className="credential-head">
        {showForm ? (
          <label className="credential-label" htmlFor={id}>
            {label}
          </label>
        ) : (
          <span className="credential-label">{label}</span>
        )}
        <span className={statusClass} data-testid={`credential-status-${role}`} data-set={secretId ? 'true' : 'false'}>
          {status}
        </span>
        {secretId && !confirming && !replacing ? (
          <span className="row-actions">
            {settable ? (
              <button
                type="button"
                className="button button-small"
                disabled={busy}
                onClick={() => {
                  setReplacing(true);
                  setRefocus(true);
                }}
                data-testid={`credential-replace-${role}`}
              >
                Replace
              </button>
            ) : null}
            <button
              type="button"
              className="button button-small button-danger-quiet"
              disabled={busy}
              onClick={() => {
                setConfirming(true);
                setRefocus(true);
              }}
              data-testid={`credential-remove-${role}`}
            >
              Remove
            </button>
          </span>
        ) : null}
      </div>

      {confirming ? (
        <div className="credential-confirm" role="group" aria-label={`Remove the ${short}`}>
          <span>Remove the {short} from this target and delete it from the vault?</span>
          <span className="row-actions">
            <button
              type="button"
              className="button button-small"
              disabled={busy}
              onClick={() => {
                setConfirming(false);
                setRefocus(true);
              }}
            >
              Cancel
            </button>
            <button type="button" className="button button-small button-danger" disabled={busy} onClick={() => void remove()} data-testid={`credential-remove-confirm-${role}`}>
              {busy ? 'Removing…' : 'Remove'}
            </button>
          </span>
        </div>
      ) : null}

      {showForm ? (
        <form className="credential-form" onSubmit={save} noValidate>
          {multiline ? (
            <textarea
              id={id}
              ref={inputRef}
              data-autofocus
              className="mono"
              rows={5}
              spellCheck={false}
              autoComplete="off"
              autoCapitalize="off"
              autoCorrect="off"
              placeholder="-----BEGIN … PRIVATE KEY-----"
              aria-describedby={settable === 'privateKey' ? hintId : undefined}
              onInput={(e) => setFilled(e.currentTarget.value.length > 0)}
              data-testid={`credential-input-${role}`}
            />
          ) : (
            <input
              id={id}
              ref={inputRef}
              data-autofocus
              type="password"
              autoComplete="off"
              spellCheck={false}
              onInput={(e) => setFilled(e.currentTarget.value.length > 0)}
              data-testid={`credential-input-${role}`}
            />
          )}
          <span className="row-actions">
            {replacing ? (
              <button
                type="button"
                className="button button-small"
                onClick={() => {
                  setReplacing(false);
                  setRefocus(true);
                }}
                disabled={busy}
              >
                Cancel
              </button>
            ) : null}
            <button type="submit" className="button button-small button-primary" disabled={!filled || busy} data-testid={`credential-save-${role}`}>
              {busy ? 'Saving…' : 'Save'}
            </button>
          </span>
          {settable === 'privateKey' ? (
            <span className="field-hint credential-hint" id={hintId}>
              Usually better: set “Private key path” in the target’s settings, so the key stays in your ~/.ssh and is never copied.
            </span>
          ) : null}
        </form>
      ) : null}
    </li>
  );
}
