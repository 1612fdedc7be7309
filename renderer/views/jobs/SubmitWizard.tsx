// "Submit job": project, clusters, template and its values, folder, array, dependency, multi-cluster policy →
// Preview (slurm.preview: the scripts and commands per cluster) → Submit (slurm.submit).
import { useMemo, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { Result } from '../../../shared/contract.js';
import type { Job, Project, Target } from '../../../shared/domain.js';
import { isTerminal } from '../../../shared/domain.js';
import { api } from '../../api/index.js';
import { CopyButton } from '../../components/CopyButton.js';
import { Dialog } from '../../components/Dialog.js';
import { FormError, FormField } from '../../components/FormField.js';
import { DEFAULT_VALUES, buildSubmit, splitSubmitErrors, type SubmitErrors, type SubmitForm } from '../../lib/submit.js';
import { HostKeyDeclined, withHostKeyTrust } from '../../store/hostKeyTrust.js';
import { useJobs } from '../../store/jobs.js';
import { toast } from '../../store/toasts.js';

type Preview = Result<'slurm.preview'>;
const FOLDER_HINTS = ['mutant', 'group', 'model'];
const NO_ERRORS: SubmitErrors = { fields: {}, values: {}, form: null };

interface Props {
  projects: readonly Project[];
  projectId: string | null;
  clusters: readonly Target[];
  jobs: readonly Job[];
  onClose: () => void;
}

export function SubmitWizard({ projects, projectId, clusters, jobs, onClose }: Props) {
  const [f, setF] = useState<SubmitForm>(() => ({
    projectId: projectId ?? projects.find((p) => !p.archived)?.id ?? '',
    targetIds: clusters.length === 1 ? [clusters[0]!.id] : [],
    name: '',
    template: 'cpu',
    values: DEFAULT_VALUES.cpu.map((key) => ({ key, value: '' })),
    folder: ['', '', ''],
    array: '',
    dependencyType: 'afterok',
    dependencyIds: [],
    cancelPendingDuplicates: true,
    maxTries: '2',
    backoffMinutes: '5',
  }));
  const [errors, setErrors] = useState<SubmitErrors>(NO_ERRORS);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [busy, setBusy] = useState<'preview' | 'submit' | null>(null);
  const [depFilter, setDepFilter] = useState('');
  const set = (patch: Partial<SubmitForm>) => {
    setF((x) => ({ ...x, ...patch }));
    setPreview(null);
  };
  const nameOfCluster = (id: string) => clusters.find((c) => c.id === id)?.name ?? id;

  const depChoices = useMemo(() => {
    const q = depFilter.trim().toLowerCase();
    const out: Job[] = [];
    for (const j of jobs) {
      if (j.kind !== 'slurm' || isTerminal(j.state)) continue;
      if (q && !j.name.toLowerCase().includes(q) && !(j.remoteId ?? '').includes(q)) continue;
      out.push(j);
      if (out.length >= 200) break;
    }
    return out;
  }, [jobs, depFilter]);

  const run = async (what: 'preview' | 'submit') => {
    setBusy(what);
    setErrors(NO_ERRORS);
    const req = buildSubmit(f);
    try {
      if (what === 'preview') {
        setPreview(await withHostKeyTrust(() => api().slurm.preview(req)));
      } else {
        const created = await withHostKeyTrust(() => api().slurm.submit(req));
        toast('success', `Submitted “${req.name}” to ${created.length} cluster${created.length === 1 ? '' : 's'}.`);
        void useJobs.getState().refresh();
        onClose();
      }
    } catch (err) {
      if (err instanceof HostKeyDeclined) return;
      setErrors(splitSubmitErrors(toApiError(err)));
    } finally {
      setBusy(null);
    }
  };

  const vErr = errors.fields;
  return (
    <Dialog title="Submit job" onClose={onClose} testId="submit-wizard" wide>
      <form
        className="stack"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void run('preview');
        }}
      >
        <div className="form-row">
          <FormField label="Project" error={vErr.projectId} className="grow-2" required>
            <select value={f.projectId} onChange={(e) => set({ projectId: e.target.value })} data-testid="submit-project">
              {projects.filter((p) => !p.archived).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </FormField>
          <FormField label="Job name" error={vErr.name} className="grow-3" required>
            <input value={f.name} onChange={(e) => set({ name: e.target.value })} data-testid="submit-name" placeholder="relax-mutantA-model3" autoComplete="off" data-autofocus />
          </FormField>
          <FormField label="Template" error={vErr.template} className="grow-0">
            <select
              value={f.template}
              data-testid="submit-template"
              onChange={(e) => {
                const template = e.target.value as 'cpu' | 'gpu';
                const have = new Set(f.values.map((v) => v.key));
                set({ template, values: [...f.values, ...DEFAULT_VALUES[template].filter((k) => !have.has(k)).map((key) => ({ key, value: '' }))] });
              }}
            >
              <option value="cpu">CPU</option>
              <option value="gpu">GPU</option>
            </select>
          </FormField>
        </div>

        <fieldset className="fieldset" data-testid="submit-clusters" aria-invalid={vErr.targetIds ? true : undefined}>
          <legend className="field-label">Clusters</legend>
          {clusters.length === 0 ? <p className="muted">No SLURM cluster yet: add one under Targets.</p> : null}
          <div className="check-row">
            {clusters.map((c) => (
              <label key={c.id} className="check">
                <input
                  type="checkbox"
                  checked={f.targetIds.includes(c.id)}
                  onChange={(e) => set({ targetIds: e.target.checked ? [...f.targetIds, c.id] : f.targetIds.filter((x) => x !== c.id) })}
                  data-cluster={c.name}
                />
                {c.name}
              </label>
            ))}
          </div>
          {vErr.targetIds ? <span className="field-error" data-testid="field-error">{vErr.targetIds}</span> : null}
        </fieldset>

        {f.targetIds.length > 1 ? (
          <fieldset className="fieldset" data-testid="submit-policy">
            <legend className="field-label">When submitted to {f.targetIds.length} clusters</legend>
            <div className="form-row">
              <label className="check grow-3">
                <input type="checkbox" checked={f.cancelPendingDuplicates} onChange={(e) => set({ cancelPendingDuplicates: e.target.checked })} />
                Cancel the pending copies once one starts running
              </label>
              <FormField label="Max tries" className="grow-0" error={vErr.policy}>
                <input type="number" min={1} max={20} value={f.maxTries} onChange={(e) => set({ maxTries: e.target.value })} className="input-narrow" />
              </FormField>
              <FormField label="Backoff (min)" className="grow-0">
                <input type="number" min={0} max={1440} value={f.backoffMinutes} onChange={(e) => set({ backoffMinutes: e.target.value })} className="input-narrow" />
              </FormField>
            </div>
          </fieldset>
        ) : null}

        <fieldset className="fieldset">
          <legend className="field-label">Template values</legend>
          <div className="kv-list">
            {f.values.map((kv, i) => (
              <div key={i} className="kv-row">
                <input aria-label={`Placeholder ${i + 1} name`} className="mono kv-key" value={kv.key} placeholder="name" onChange={(e) => set({ values: f.values.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)) })} />
                <input
                  aria-label={`Value of ${kv.key || `placeholder ${i + 1}`}`}
                  className={`mono kv-value${kv.key === 'command' ? ' kv-wide' : ''}`}
                  value={kv.value}
                  placeholder={PLACEHOLDERS[kv.key] ?? ''}
                  data-testid={`submit-value-${kv.key}`}
                  aria-invalid={errors.values[kv.key] ? true : undefined}
                  onChange={(e) => set({ values: f.values.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)) })}
                />
                <button type="button" className="icon-button" aria-label={`Remove ${kv.key || 'row'}`} onClick={() => set({ values: f.values.filter((_, j) => j !== i) })}>
                  ×
                </button>
                {errors.values[kv.key] ? <span className="field-error kv-error" data-testid="field-error">{errors.values[kv.key]}</span> : null}
              </div>
            ))}
          </div>
          <button type="button" className="button button-small" onClick={() => set({ values: [...f.values, { key: '', value: '' }] })}>
            Add value
          </button>
          {vErr.values ? <span className="field-error" data-testid="field-error">{vErr.values}</span> : null}
        </fieldset>

        <fieldset className="fieldset">
          <legend className="field-label">Folder on the cluster (under the project’s folder)</legend>
          <div className="folder-row">
            {f.folder.map((part, i) => (
              <span key={i} className="folder-part">
                {i > 0 ? <span className="muted" aria-hidden="true">/</span> : null}
                <input
                  aria-label={`Folder level ${i + 1}${FOLDER_HINTS[i] ? ` (${FOLDER_HINTS[i]})` : ''}`}
                  value={part}
                  placeholder={FOLDER_HINTS[i] ?? `level ${i + 1}`}
                  className="input-folder"
                  onChange={(e) => set({ folder: f.folder.map((x, j) => (j === i ? e.target.value : x)) })}
                />
                <button type="button" className="icon-button" aria-label={`Remove folder level ${i + 1}`} onClick={() => set({ folder: f.folder.filter((_, j) => j !== i) })}>
                  ×
                </button>
              </span>
            ))}
            <button type="button" className="button button-small" disabled={f.folder.length >= 10} onClick={() => set({ folder: [...f.folder, ''] })}>
              Add level
            </button>
          </div>
          {vErr.folder ? <span className="field-error" data-testid="field-error">{vErr.folder}</span> : null}
        </fieldset>

        <div className="form-row">
          <FormField label="Array" error={vErr.array} hint="sbatch --array, e.g. 1-100%10" className="grow-2">
            <input value={f.array} onChange={(e) => set({ array: e.target.value })} placeholder="1-100%10" className="mono" data-testid="submit-array" />
          </FormField>
          <FormField label="Run after" className="grow-dep" error={vErr.dependency}>
            <select value={f.dependencyType} onChange={(e) => set({ dependencyType: e.target.value as SubmitForm['dependencyType'] })}>
              <option value="afterok">succeeded</option>
              <option value="afterany">finished</option>
              <option value="afternotok">failed</option>
            </select>
          </FormField>
          <div className="field grow-3">
            <label className="field-label" htmlFor="dep-filter">
              Dependencies ({f.dependencyIds.length} chosen)
            </label>
            <input id="dep-filter" value={depFilter} onChange={(e) => setDepFilter(e.target.value)} placeholder="Find an active job…" />
            <select
              multiple
              aria-label="Jobs this job waits for"
              className="dep-select"
              value={f.dependencyIds}
              onChange={(e) => set({ dependencyIds: [...e.target.selectedOptions].map((o) => o.value) })}
            >
              {depChoices.map((j) => (
                <option key={j.id} value={j.id}>
                  {j.name} {j.remoteId ? `(${j.remoteId})` : ''} · {j.state}
                </option>
              ))}
            </select>
          </div>
        </div>

        <FormError message={errors.form} />

        {preview ? (
          <section className="preview" aria-label="Preview" data-testid="submit-preview-result">
            {preview.scripts.map((s) => (
              <div key={s.targetId} className="preview-script">
                <div className="section-head">
                  <h3 className="panel-title plain">
                    {nameOfCluster(s.targetId)} <span className="mono muted">{s.path}</span>
                  </h3>
                  <CopyButton text={s.text} label={`Copy the script for ${nameOfCluster(s.targetId)}`} what="script" />
                </div>
                <pre className="code code-tall" data-testid="submit-script">
                  {s.text}
                </pre>
              </div>
            ))}
            <h3 className="panel-title">Commands</h3>
            <ul className="result-list">
              {preview.commands.map((c, i) => (
                <li key={i} className="command-line">
                  <code className="mono">{c}</code>
                  <CopyButton text={c} label="Copy the command" what="command" />
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button" disabled={busy !== null} data-testid="submit-preview">
            {busy === 'preview' ? 'Preparing…' : 'Preview'}
          </button>
          <button type="button" className="button button-primary" disabled={busy !== null || !preview} onClick={() => void run('submit')} data-testid="submit-send" title={preview ? undefined : 'Preview first'}>
            {busy === 'submit' ? 'Submitting…' : `Submit${f.targetIds.length > 1 ? ` to ${f.targetIds.length} clusters` : ''}`}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

const PLACEHOLDERS: Record<string, string> = {
  partition: 'e.g. shared',
  time: '02:00:00',
  cpus: '8',
  mem: '16G',
  gpus: '1',
  account: 'e.g. m1234',
  qos: 'e.g. regular',
  command: 'e.g. gmx mdrun -deffnm urmd',
};
