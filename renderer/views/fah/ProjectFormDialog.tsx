// "New project" / "Edit project": ProjectData as the work server takes it (PUT /api/projects/{p} creates or
// replaces). The ranges are the contract's (hex core id, email, ≥ 300 s); its messages come back under the fields.
import { useState, type FormEvent, type ReactNode } from 'react';
import { toApiError } from '../../../shared/client.js';
import { api } from '../../api/index.js';
import { Dialog } from '../../components/Dialog.js';
import { FormError, FormField } from '../../components/FormField.js';
import type { FormErrors } from '../../lib/fieldErrors.js';
import { COMPRESSIONS, NO_ERRORS, buildProject, defaultProjectForm, projectFieldOf, projectFormFrom, secondsText, splitFahErrors, type ProjectForm } from '../../lib/fah.js';
import { useTargets } from '../../store/targets.js';
import { toast } from '../../store/toasts.js';

interface Props {
  targetId: string;
  existing: { id: number; data: Record<string, unknown> } | null;
  onSaved: (project: number) => void;
  onClose: () => void;
}

// Why the ≥ 300 rule exists is not obvious: say it where the numbers are typed.
const SECONDS_HINT = 'In seconds, at least 300: the work server reads a smaller number as days.';

export function ProjectFormDialog({ targetId, existing, onSaved, onClose }: Props) {
  const email = useTargets((s) => s.targets.find((t) => t.id === targetId)?.settings.email);
  const [form, setForm] = useState<ProjectForm>(() => (existing ? projectFormFrom(existing.id, existing.data) : defaultProjectForm(typeof email === 'string' ? email : '')));
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof ProjectForm) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const built = buildProject(form);
    setErrors(built.errors);
    if (!built.params) return;
    setBusy(true);
    try {
      await api().fah.saveProject({ targetId, ...built.params });
      toast('success', `Project ${built.params.project} saved on the work server.`);
      onSaved(built.params.project);
      onClose();
    } catch (err) {
      setErrors(splitFahErrors(toApiError(err), projectFieldOf));
    } finally {
      setBusy(false);
    }
  };

  const field = (k: keyof ProjectForm, label: string, testId: string, opts: { hint?: ReactNode; required?: boolean; numeric?: boolean; placeholder?: string } = {}) => (
    <FormField label={label} error={errors.fields[k]} hint={opts.hint} required={opts.required} className="grow-2">
      <input
        value={String(form[k] ?? '')}
        onChange={set(k)}
        inputMode={opts.numeric ? 'numeric' : undefined}
        placeholder={opts.placeholder}
        data-testid={testId}
        autoComplete="off"
        spellCheck={false}
        disabled={k === 'project' && existing !== null}
      />
    </FormField>
  );

  return (
    <Dialog title={existing ? `Edit project ${existing.id}` : 'New project'} onClose={onClose} testId="fah-project-form" wide>
      <form className="stack" onSubmit={submit} noValidate>
        <div className="form-row">
          {field('project', 'Project number', 'fp-project', { required: true, numeric: true, placeholder: 'e.g. 90001', hint: 'From the range the Folding@home team allocated to you.' })}
          {field('core_id', 'Core id', 'fp-core-id', { required: true, placeholder: '0x22', hint: 'Hexadecimal with 0x (0x22 = OpenMM core 22).' })}
          {field('contact', 'Contact email', 'fp-contact', { required: true, placeholder: 'you@example.org' })}
        </div>
        <div className="form-row">
          {field('atoms', 'Atoms (approx.)', 'fp-atoms', { required: true, numeric: true, placeholder: '25000' })}
          {field('credit', 'Base credit', 'fp-credit', { required: true, numeric: true, placeholder: '5000' })}
          {field('gens', 'Gens per clone', 'fp-gens', { numeric: true })}
        </div>
        <div className="form-row">
          {field('timeout', 'Timeout (s)', 'fp-timeout', { numeric: true, hint: <SecondsHint value={form.timeout} /> })}
          {field('deadline', 'Deadline (s)', 'fp-deadline', { numeric: true, hint: <SecondsHint value={form.deadline} /> })}
          <FormField label="Compression" error={errors.fields.compression} className="grow-2">
            <select value={form.compression} onChange={set('compression')} data-testid="fp-compression">
              {COMPRESSIONS.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </FormField>
        </div>
        <FormError message={errors.form} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy} data-testid="fp-save">
            {busy ? 'Saving…' : existing ? 'Save project' : 'Create project'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function SecondsHint({ value }: { value: string }) {
  const read = secondsText(value);
  return (
    <>
      {SECONDS_HINT}
      {read ? ` (${read})` : ''}
    </>
  );
}
