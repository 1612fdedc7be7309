import { Fragment, useRef, useState, type FormEvent } from 'react';
import { toApiError } from '../../shared/client.js';
import type { Target, TargetCheck, TargetKind } from '../../shared/domain.js';
import { api } from '../api/index.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { CredentialsDialog } from '../components/CredentialsDialog.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { EmptyState } from '../components/EmptyState.js';
import { FormError, FormField } from '../components/FormField.js';
import { PageHeader } from '../components/PageHeader.js';
import { StateBadge } from '../components/StateBadge.js';
import { credentialsSet } from '../lib/credentials.js';
import { splitFieldErrors, type FormErrors } from '../lib/fieldErrors.js';
import { formatTime } from '../lib/format.js';
import { TARGET_FIELDS, TARGET_KINDS, buildSettings, defaultValues, kindLabel, summarizeSettings, type SettingField } from '../lib/targets.js';
import { HostKeyDeclined, withHostKeyTrust } from '../store/hostKeyTrust.js';
import { useTargets } from '../store/targets.js';
import { formErrorToasts, toast, toastError } from '../store/toasts.js';
import { BucketCell, BucketDialog } from './targets/BucketSetup.js';
import { ClusterWizard } from './targets/ClusterWizard.js';
import { HostKeysPanel } from './targets/HostKeysPanel.js';
import { KubeImport } from './targets/KubeImport.js';
import { TunnelsPanel } from './targets/TunnelsPanel.js';

type CheckState =
  | { status: 'checking'; at: string }
  | { status: 'done'; at: string; result: TargetCheck }
  | { status: 'error'; at: string; message: string };

export function TargetsView() {
  const targets = useTargets((s) => s.targets);
  const loaded = useTargets((s) => s.loaded);
  const refresh = useTargets((s) => s.refresh);
  const [checks, setChecks] = useState<Record<string, CheckState>>({});
  const [shownCheck, setShownCheck] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Target | null>(null);
  // By id, so the dialog follows the live target as secrets are attached and detached.
  const [credentialsId, setCredentialsId] = useState<string | null>(null);
  // The SLURM wizard: 'new', or the id of a cluster to edit.
  const [wizard, setWizard] = useState<string | null>(null);
  const [kubeImport, setKubeImport] = useState(false);
  // The results bucket dialog of a Kubernetes target, by id (follows the live target).
  const [bucketId, setBucketId] = useState<string | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  const check = async (t: Target) => {
    const at = new Date().toISOString();
    setChecks((c) => ({ ...c, [t.id]: { status: 'checking', at } }));
    setShownCheck(t.id);
    try {
      const result = await withHostKeyTrust(() => api().targets.check({ id: t.id }));
      setChecks((c) => ({ ...c, [t.id]: { status: 'done', at, result } }));
      if (!result.ok) toast('warning', result.summary, `Check of “${t.name}” found a problem`);
    } catch (err) {
      setChecks((c) => ({ ...c, [t.id]: { status: 'error', at, message: toApiError(err).message } }));
      if (!(err instanceof HostKeyDeclined)) toastError(err, `Could not connect to “${t.name}”`);
    }
  };

  const columns: Column<Target>[] = [
    { key: 'name', header: 'Name', sortValue: (t) => t.name, className: 'col-name', render: (t) => <strong>{t.name}</strong> },
    { key: 'kind', header: 'Kind', sortValue: (t) => kindLabel(t.kind), className: 'nowrap', render: (t) => kindLabel(t.kind) },
    {
      key: 'settings',
      header: 'Connection',
      className: 'col-connection',
      render: (t) => (
        <span className="mono truncate" title={JSON.stringify(t.settings, null, 1)}>
          {summarizeSettings(t)}
        </span>
      ),
    },
    {
      key: 'credentials',
      header: 'Credentials',
      className: 'col-credentials',
      render: (t) => {
        const set = credentialsSet(t);
        if (!set.length) return <span className="muted" data-testid="target-credentials-summary">—</span>;
        // Wraps between roles, never inside one ("key / passphrase"), so the column stays narrow.
        return (
          <span data-testid="target-credentials-summary">
            {set.map((r, i) => (
              <Fragment key={r}>
                {i > 0 ? ', ' : ''}
                <span className="nowrap">{r}</span>
              </Fragment>
            ))}
          </span>
        );
      },
    },
    // Only while there is a Kubernetes target: where umbrella campaigns keep their results.
    ...(targets.some((t) => t.kind === 'kubernetes')
      ? [
          {
            key: 'bucket',
            header: 'Results bucket',
            className: 'nowrap',
            render: (t: Target) => (t.kind === 'kubernetes' ? <BucketCell target={t} onSetUp={() => setBucketId(t.id)} /> : <span className="muted">—</span>),
          },
        ]
      : []),
    {
      key: 'check',
      header: 'Last check',
      className: 'nowrap',
      render: (t) => {
        const c = checks[t.id];
        if (!c) return <span className="muted">not checked</span>;
        if (c.status === 'checking') return <StateBadge state="started" label="checking…" />;
        if (c.status === 'error') return <StateBadge state="error" label="unreachable" />;
        return <StateBadge state={c.result.ok ? 'ok' : 'error'} label={c.result.ok ? 'ok' : 'problem'} />;
      },
    },
    {
      key: 'actions',
      header: 'Actions',
      hiddenHeader: true,
      className: 'col-actions',
      render: (t) => (
        <span className="row-actions">
          {t.kind === 'slurm' ? (
            <button type="button" className="button button-small" onClick={() => setWizard(t.id)} aria-label={`Edit cluster ${t.name}`} data-testid="target-edit">
              Edit
            </button>
          ) : null}
          <button
            type="button"
            className="button button-small"
            onClick={() => void check(t)}
            disabled={checks[t.id]?.status === 'checking'}
            aria-label={`Check connection to ${t.name}`}
            data-testid="target-check"
          >
            Check connection
          </button>
          <button
            type="button"
            className="button button-small"
            onClick={() => setCredentialsId(t.id)}
            aria-label={`Credentials of ${t.name}`}
            data-testid="target-credentials"
          >
            Credentials
          </button>
          <button
            type="button"
            className="button button-small button-danger-quiet"
            onClick={() => setDeleting(t)}
            aria-label={`Delete target ${t.name}`}
            data-testid="target-delete"
          >
            Delete
          </button>
        </span>
      ),
    },
  ];

  const shown = shownCheck ? targets.find((t) => t.id === shownCheck) : undefined;
  const shownState = shownCheck ? checks[shownCheck] : undefined;
  const credentialsTarget = credentialsId ? targets.find((t) => t.id === credentialsId) : undefined;
  const bucketTarget = bucketId ? targets.find((t) => t.id === bucketId) : undefined;

  return (
    <div className="view" data-testid="view-targets">
      <PageHeader title="Targets">
        A target is a place SimDeck runs work: a SLURM cluster over SSH, a Kubernetes namespace, Docker on this machine, a Swarm, or a Folding@home
        work server. Targets hold connection settings; passwords, keys and tokens go in through “Credentials” and are never shown again.
      </PageHeader>

      <div className="wizard-launch">
        <button type="button" className="button button-primary" onClick={() => setWizard('new')} data-testid="cluster-wizard-open">
          Add SLURM cluster
        </button>
        <span className="muted">Guided: login node, ssh-agent / key / password / 2FA, jump hosts, ~/.ssh/config import, connection test.</span>
      </div>
      <div className="wizard-launch">
        <button type="button" className="button" onClick={() => setKubeImport(true)} data-testid="kube-import-open">
          Add from kubeconfig
        </button>
        <span className="muted">Kubernetes: pick a context of ~/.kube/config (or another kubeconfig) and its namespace.</span>
      </div>

      <NewTargetForm nameRef={nameRef} />

      {targets.length === 0 ? (
        loaded ? (
          <EmptyState
            title="No targets yet"
            icon="◎"
            testId="targets-empty"
            action={
              <button type="button" className="button button-primary" onClick={() => nameRef.current?.focus()}>
                Add your first target
              </button>
            }
          >
            <p>
              Add the compute you already use: for a SLURM cluster, the login node you normally <span className="mono">ssh</span> into; for umbrella
              sampling on Kubernetes, your kubeconfig context and namespace; for worker fleets, a Docker socket. Then use “Check connection” to see
              that SimDeck can reach it. Every command SimDeck runs is listed under Activity.
            </p>
          </EmptyState>
        ) : (
          <p className="muted">Loading targets…</p>
        )
      ) : (
        <DataTable
          label="Targets"
          testId="targets-table"
          columns={columns}
          rows={targets}
          rowKey={(t) => t.id}
          rowTestId="target-row"
          rowAttrs={(t) => ({ 'data-target-name': t.name, 'data-kind': t.kind })}
        />
      )}

      {shown && shownState ? (
        <section className="panel check-panel" aria-live="polite" data-testid="target-check-result" data-status={shownState.status}>
          <div className="panel-head">
            <h2 className="panel-title plain">
              Connection check: {shown.name} <span className="muted">· {kindLabel(shown.kind)}</span>
            </h2>
            <span className="muted">{formatTime(shownState.at)}</span>
            <button type="button" className="icon-button" aria-label="Close check result" onClick={() => setShownCheck(null)}>
              ×
            </button>
          </div>
          {shownState.status === 'checking' ? (
            <p>
              <span className="spinner" aria-hidden="true" /> Connecting to {shown.name}…
            </p>
          ) : shownState.status === 'error' ? (
            <p className="form-error">{shownState.message}</p>
          ) : (
            <>
              <p>
                <StateBadge state={shownState.result.ok ? 'ok' : 'error'} label={shownState.result.ok ? 'ok' : 'problem'} /> {shownState.result.summary}
              </p>
              {Object.keys(shownState.result.details).length ? (
                <dl className="details">
                  {Object.entries(shownState.result.details).map(([k, v]) => (
                    <div key={k} className="details-row">
                      <dt>{k}</dt>
                      <dd className="mono pre">{v}</dd>
                    </div>
                  ))}
                </dl>
              ) : null}
            </>
          )}
        </section>
      ) : null}

      <TunnelsPanel />
      <HostKeysPanel />

      {wizard ? <ClusterWizard existing={wizard === 'new' ? undefined : targets.find((t) => t.id === wizard)} onClose={() => setWizard(null)} /> : null}

      {kubeImport ? <KubeImport targets={targets} onClose={() => setKubeImport(false)} /> : null}

      {bucketTarget ? <BucketDialog target={bucketTarget} onClose={() => setBucketId(null)} /> : null}

      {credentialsTarget ? <CredentialsDialog target={credentialsTarget} onClose={() => setCredentialsId(null)} /> : null}

      {deleting ? (
        <ConfirmDialog
          title={`Delete target “${deleting.name}”?`}
          confirmText={deleting.name}
          confirmLabel="Delete target"
          onClose={() => setDeleting(null)}
          onConfirm={async (typed) => {
            await api().targets.delete({ id: deleting.id, confirmName: typed });
            toast('success', `Deleted target “${deleting.name}”.`);
            setChecks(({ [deleting.id]: _gone, ...rest }) => rest);
            await refresh();
          }}
        >
          <p>
            SimDeck forgets this target and its connection settings. Nothing changes on the remote system. SimDeck refuses while the target has
            active jobs.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

function NewTargetForm({ nameRef }: { nameRef: React.RefObject<HTMLInputElement | null> }) {
  const refresh = useTargets((s) => s.refresh);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<TargetKind>('slurm');
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<FormErrors>({ fields: {}, form: null });
  const [busy, setBusy] = useState(false);
  const [errorToasts] = useState(formErrorToasts);
  const fields = TARGET_FIELDS[kind];
  const blurb = TARGET_KINDS.find((k) => k.kind === kind)?.blurb;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const built = buildSettings(kind, values);
    if (Object.keys(built.errors).length) {
      setErrors({ fields: built.errors, form: null });
      return;
    }
    setBusy(true);
    setErrors({ fields: {}, form: null });
    try {
      const target = await api().targets.create({ name, kind, settings: built.settings });
      errorToasts.clear();
      setName('');
      setValues(defaultValues(kind));
      toast('success', `Added target “${target.name}”. Use “Check connection” to test it.`);
      await refresh();
    } catch (err) {
      const split = splitFieldErrors(toApiError(err), ['name', 'kind', 'settings']);
      // "settings.host: …" belongs to the host field.
      const fieldErrors = { ...split.fields };
      if (fieldErrors.settings) {
        const m = /settings\.(\w+)/.exec(toApiError(err).message);
        if (m && fields.some((f) => f.key === m[1])) {
          fieldErrors[m[1]!] = fieldErrors.settings;
          delete fieldErrors.settings;
        }
      }
      setErrors({ fields: fieldErrors, form: [split.form, fieldErrors.settings, fieldErrors.kind].filter(Boolean).join('; ') || null });
      errorToasts.report(err, 'Could not add the target');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel" onSubmit={submit} aria-label="Add target" data-testid="new-target-form" noValidate>
      <h2 className="panel-title">Add target</h2>
      <div className="form-row">
        <FormField label="Name" error={errors.fields.name} required className="grow-2">
          <input ref={nameRef} value={name} onChange={(e) => setName(e.target.value)} data-testid="new-target-name" placeholder="e.g. Perlmutter" autoComplete="off" />
        </FormField>
        <FormField label="Kind" className="grow-2" hint={blurb}>
          <select
            value={kind}
            onChange={(e) => {
              const next = e.target.value as TargetKind;
              setKind(next);
              // What was typed stays (kinds share keys such as socketPath); the new kind's defaults fill the gaps.
              setValues((v) => ({ ...defaultValues(next), ...v }));
              setErrors({ fields: {}, form: null });
            }}
            data-testid="new-target-kind"
          >
            {TARGET_KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </FormField>
      </div>
      <div className="form-row" data-testid="new-target-settings">
        {fields.map((f) => (
          <FormField key={`${kind}-${f.key}`} label={f.label} error={errors.fields[f.key]} hint={f.hint} required={f.required} className={fieldClass(f)}>
            {f.type === 'textarea' ? (
              <textarea
                value={values[f.key] ?? ''}
                onChange={(e) => setValues((v) => ({ ...v, [f.key]: e.target.value }))}
                placeholder={f.placeholder}
                data-testid={`new-target-${f.key}`}
                spellCheck={false}
                rows={3}
                className="mono"
              />
            ) : (
              <input
                type="text"
                inputMode={f.type === 'number' ? 'numeric' : undefined}
                value={values[f.key] ?? ''}
                onChange={(e) => setValues((v) => ({ ...v, [f.key]: e.target.value }))}
                placeholder={f.placeholder}
                data-testid={`new-target-${f.key}`}
                autoComplete="off"
                spellCheck={false}
                className={f.type === 'number' ? 'input-narrow' : undefined}
              />
            )}
          </FormField>
        ))}
        <div className="form-submit">
          <button type="submit" className="button button-primary" disabled={busy} data-testid="create-target">
            {busy ? 'Adding…' : 'Add target'}
          </button>
        </div>
      </div>
      <FormError message={errors.form} />
    </form>
  );
}

/** Ports stay narrow; a PEM block takes a row of its own. */
const fieldClass = (f: SettingField) => (f.type === 'number' ? 'grow-0' : f.type === 'textarea' ? 'grow-3 field-full' : 'grow-2');
