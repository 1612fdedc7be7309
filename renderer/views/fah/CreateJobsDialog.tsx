// "Create jobs": a new RUN (or a given one), how many clones, and the files every clone gets (name on the work
// server + a local path; "{clone}" in the path picks a file per clone). SimDeck reserves the RUN/CLONE ids
// first, so a crash mid-way is finished at the next start and an id is never handed out twice.
import { useState, type FormEvent } from 'react';
import { toApiError } from '../../../shared/client.js';
import { api } from '../../api/index.js';
import { Dialog } from '../../components/Dialog.js';
import { FormError, FormField } from '../../components/FormField.js';
import type { FormErrors } from '../../lib/fieldErrors.js';
import { NO_ERRORS, buildCreateJobs, createJobsFieldOf, defaultCreateJobsForm, splitFahErrors, usesClonePattern, type CreateJobsForm, type FileRow } from '../../lib/fah.js';
import { toast } from '../../store/toasts.js';

interface Props {
  targetId: string;
  project: number;
  onCreated: () => void;
  onClose: () => void;
}

export function CreateJobsDialog({ targetId, project, onCreated, onClose }: Props) {
  const [form, setForm] = useState<CreateJobsForm>(defaultCreateJobsForm);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const patch = (p: Partial<CreateJobsForm>) => setForm((f) => ({ ...f, ...p }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const built = buildCreateJobs(form);
    setErrors(built.errors);
    if (!built.params) return;
    setBusy(true);
    try {
      const r = await api().fah.createJobs({ targetId, project, ...built.params });
      const failed = r.jobs.filter((j) => j.phase === 'failed').length;
      toast(failed ? 'warning' : 'success', `RUN ${r.run}: ${r.clones.length} job(s) created${failed ? `, ${failed} failed (see their message; “Retry failed” tries again)` : ''}.`);
      onCreated();
      onClose();
    } catch (err) {
      setErrors(splitFahErrors(toApiError(err), createJobsFieldOf));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Create jobs in project ${project}`} onClose={onClose} testId="fah-create-dialog" wide>
      <form className="stack" onSubmit={submit} noValidate>
        <div className="form-row">
          <fieldset className="field grow-2" data-testid="fj-run-mode">
            <legend className="field-label">RUN</legend>
            <label className="check">
              <input type="radio" name="fj-run" checked={form.runMode === 'new'} onChange={() => patch({ runMode: 'new' })} data-testid="fj-run-new" />
              a new RUN (the next free number)
            </label>
            <label className="check">
              <input type="radio" name="fj-run" checked={form.runMode === 'number'} onChange={() => patch({ runMode: 'number' })} data-testid="fj-run-number" />
              RUN number
            </label>
          </fieldset>
          {form.runMode === 'number' ? (
            <FormField label="RUN number" error={errors.fields.run} hint="New clones are added after the RUN’s existing ones." className="grow-0">
              <input value={form.run} onChange={(e) => patch({ run: e.target.value })} inputMode="numeric" className="input-narrow" data-testid="fj-run" />
            </FormField>
          ) : null}
          <FormField label="Clones" error={errors.fields.clones} hint="How many jobs (CLONEs) to create in the RUN." required className="grow-0">
            <input value={form.clones} onChange={(e) => patch({ clones: e.target.value })} inputMode="numeric" className="input-narrow" data-testid="fj-clones" />
          </FormField>
        </div>
        <FileRows rows={form.files} errors={errors} onChange={(files) => patch({ files })} />
        <FormError message={errors.form} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy} data-testid="fj-submit">
            {busy ? 'Uploading and creating…' : 'Create jobs'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function FileRows({ rows, errors, onChange }: { rows: FileRow[]; errors: FormErrors; onChange: (rows: FileRow[]) => void }) {
  const set = (i: number, p: Partial<FileRow>) => onChange(rows.map((r, k) => (k === i ? { ...r, ...p } : r)));
  return (
    <fieldset className="stack" data-testid="fj-files">
      <legend className="field-label">Files of every clone</legend>
      <p className="muted" data-testid="fj-clone-hint">
        Each file goes to RUN<i>r</i>/CLONE<i>c</i>/<i>name</i> on the work server. Put <span className="mono">{'{clone}'}</span> in a path to give
        each clone its own file, e.g. <span className="mono">/data/state-{'{clone}'}.xml.bz2</span>.
        {usesClonePattern(rows) ? ' Paths with {clone} are read once per clone.' : ''}
      </p>
      {errors.fields.files ? (
        <span className="field-error" data-testid="field-error">
          {errors.fields.files}
        </span>
      ) : null}
      {rows.map((r, i) => (
        <div key={i} className="form-row" data-testid="fj-file-row">
          <FormField label="Name on the work server" error={errors.fields[`file.${i}.name`]} className="grow-2">
            <input value={r.name} onChange={(e) => set(i, { name: e.target.value })} placeholder="system.xml.bz2" spellCheck={false} data-testid="fj-file-name" />
          </FormField>
          <FormField label="Local path" error={errors.fields[`file.${i}.path`]} className="grow-3">
            <input value={r.path} onChange={(e) => set(i, { path: e.target.value })} placeholder="/data/system.xml.bz2" spellCheck={false} className="mono" data-testid="fj-file-path" />
          </FormField>
          <div className="form-submit">
            <button type="button" className="button button-small button-ghost" onClick={() => onChange(rows.filter((_, k) => k !== i))} aria-label={`Remove file ${i + 1}`} data-testid="fj-file-remove">
              Remove
            </button>
          </div>
        </div>
      ))}
      <div>
        <button type="button" className="button button-small" onClick={() => onChange([...rows, { name: '', path: '' }])} data-testid="fj-file-add">
          Add file
        </button>
      </div>
    </fieldset>
  );
}
