import { useRef, useState, type FormEvent, type RefObject } from 'react';
import { toApiError } from '../../shared/client.js';
import type { Project } from '../../shared/domain.js';
import { api } from '../api/index.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { Dialog } from '../components/Dialog.js';
import { EmptyState } from '../components/EmptyState.js';
import { FormError, FormField } from '../components/FormField.js';
import { PageHeader } from '../components/PageHeader.js';
import { StateBadge } from '../components/StateBadge.js';
import { splitFieldErrors, type FormErrors } from '../lib/fieldErrors.js';
import { formatAgo, formatTime } from '../lib/format.js';
import { formatTags, parseTags, sameTags } from '../lib/tags.js';
import { useProjects } from '../store/projects.js';
import { formErrorToasts, toast, toastError } from '../store/toasts.js';

const NO_ERRORS: FormErrors = { fields: {}, form: null };
const PROJECT_FIELDS = ['name', 'description', 'tags'] as const;

export function ProjectsView() {
  const projects = useProjects((s) => s.projects);
  const refresh = useProjects((s) => s.refresh);
  const [showArchived, setShowArchived] = useState(false);
  const [editing, setEditing] = useState<Project | null>(null);
  const [deleting, setDeleting] = useState<Project | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  const archivedCount = projects.filter((p) => p.archived).length;
  const visible = showArchived ? projects : projects.filter((p) => !p.archived);

  const setArchived = async (p: Project, archived: boolean) => {
    setBusyId(p.id);
    try {
      await api().projects.setArchived({ id: p.id, archived });
      toast('success', archived ? `Archived “${p.name}”. Its jobs and data are kept; turn on “Show archived” to find it.` : `Restored “${p.name}”.`);
      await refresh();
    } catch (err) {
      toastError(err, archived ? 'Could not archive the project' : 'Could not restore the project');
    } finally {
      setBusyId(null);
    }
  };

  const columns: Column<Project>[] = [
    {
      key: 'name',
      header: 'Name',
      sortValue: (p) => p.name,
      className: 'col-name',
      render: (p) => (
        <span className="name-cell">
          <strong>{p.name}</strong>
          {p.archived ? <StateBadge state="archived" /> : null}
        </span>
      ),
    },
    {
      key: 'description',
      header: 'Description',
      className: 'col-description',
      render: (p) =>
        p.description ? (
          <span className="truncate" title={p.description}>
            {p.description}
          </span>
        ) : (
          <span className="muted">—</span>
        ),
    },
    {
      key: 'tags',
      header: 'Tags',
      className: 'col-tags',
      sortValue: (p) => p.tags.join(', '),
      render: (p) =>
        p.tags.length ? (
          <span className="tags">
            {p.tags.map((t) => (
              <span key={t} className="tag">
                {t}
              </span>
            ))}
          </span>
        ) : (
          <span className="muted">—</span>
        ),
    },
    { key: 'jobs', header: 'Jobs', sortValue: (p) => p.jobCount, className: 'col-num', render: (p) => p.jobCount },
    {
      key: 'created',
      header: 'Created',
      sortValue: (p) => p.createdAt,
      className: 'col-time',
      render: (p) => <time dateTime={p.createdAt} title={formatAgo(p.createdAt)}>{formatTime(p.createdAt)}</time>,
    },
    {
      key: 'actions',
      header: 'Actions',
      hiddenHeader: true,
      className: 'col-actions',
      render: (p) => (
        <span className="row-actions">
          <button type="button" className="button button-small" onClick={() => setEditing(p)} aria-label={`Edit project ${p.name}`} data-testid="project-edit">
            Edit
          </button>
          <button
            type="button"
            className="button button-small"
            disabled={busyId === p.id}
            onClick={() => void setArchived(p, !p.archived)}
            aria-label={`${p.archived ? 'Restore' : 'Archive'} project ${p.name}`}
            data-testid={p.archived ? 'project-restore' : 'project-archive'}
          >
            {p.archived ? 'Restore' : 'Archive'}
          </button>
          <button
            type="button"
            className="button button-small button-danger-quiet"
            onClick={() => setDeleting(p)}
            aria-label={`Delete project ${p.name}`}
            data-testid="project-delete"
          >
            Delete
          </button>
        </span>
      ),
    },
  ];

  return (
    <div className="view" data-testid="view-projects">
      <PageHeader
        title="Projects"
        actions={
          <label className="toggle">
            <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} data-testid="show-archived" />
            <span>Show archived{archivedCount ? ` (${archivedCount})` : ''}</span>
          </label>
        }
      >
        A project groups the simulations of one study — its jobs, umbrella windows and fleets — so you can find, tag and archive them together.
      </PageHeader>

      <NewProjectForm nameRef={nameRef} />

      {projects.length === 0 ? (
        <EmptyState
          title="Welcome to SimDeck"
          icon="▤"
          testId="projects-empty"
          action={
            <button
              type="button"
              className="button button-primary button-large"
              data-testid="create-first-project"
              onClick={() => {
                nameRef.current?.focus();
                nameRef.current?.scrollIntoView({ block: 'center' });
              }}
            >
              Create your first project
            </button>
          }
        >
          <p>
            Everything in SimDeck belongs to a project: one study, such as “WT vs. A42V binding free energy”. Create one, then add a compute target
            (a SLURM cluster, Kubernetes, Docker or a Folding@home work server) and your jobs will be filed under it.
          </p>
        </EmptyState>
      ) : visible.length === 0 ? (
        <p className="notice-inline">All your projects are archived. Turn on “Show archived” to see and restore them.</p>
      ) : (
        <DataTable
          label="Projects"
          testId="projects-table"
          columns={columns}
          rows={visible}
          rowKey={(p) => p.id}
          rowTestId="project-row"
          rowAttrs={(p) => ({ 'data-project-name': p.name, 'data-archived': String(p.archived) })}
          rowClassName={(p) => (p.archived ? 'row-archived' : undefined)}
        />
      )}

      {editing ? <EditProjectDialog project={editing} onClose={() => setEditing(null)} /> : null}
      {deleting ? (
        <ConfirmDialog
          title={`Delete project “${deleting.name}”?`}
          confirmText={deleting.name}
          confirmLabel="Delete project"
          onClose={() => setDeleting(null)}
          onConfirm={async (typed) => {
            await api().projects.delete({ id: deleting.id, confirmName: typed });
            toast('success', `Deleted project “${deleting.name}”.`);
            await refresh();
          }}
        >
          <p>
            This removes the project and its finished jobs from SimDeck. Nothing is deleted on your clusters. SimDeck refuses while jobs of this
            project are still running. If you only want it out of the way, archive it instead.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

function NewProjectForm({ nameRef }: { nameRef: RefObject<HTMLInputElement | null> }) {
  const refresh = useProjects((s) => s.refresh);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [tags, setTags] = useState('');
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const [errorToasts] = useState(formErrorToasts);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      const project = await api().projects.create({ name, description, tags: parseTags(tags) });
      errorToasts.clear();
      setName('');
      setDescription('');
      setTags('');
      toast('success', `Created project “${project.name}”.`);
      await refresh();
    } catch (err) {
      setErrors(splitFieldErrors(toApiError(err), PROJECT_FIELDS));
      errorToasts.report(err, 'Could not create the project');
      nameRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel form-inline" onSubmit={submit} aria-label="New project" data-testid="new-project-form" noValidate>
      <h2 className="panel-title">New project</h2>
      <div className="form-row">
        <FormField label="Name" error={errors.fields.name} required className="grow-2">
          <input ref={nameRef} value={name} onChange={(e) => setName(e.target.value)} data-testid="new-project-name" placeholder="e.g. KRAS G12D umbrella" autoComplete="off" />
        </FormField>
        <FormField label="Description" error={errors.fields.description} className="grow-3">
          <input value={description} onChange={(e) => setDescription(e.target.value)} data-testid="new-project-description" placeholder="What this study is about" autoComplete="off" />
        </FormField>
        <FormField label="Tags" error={errors.fields.tags} hint="Comma-separated" className="grow-2">
          <input value={tags} onChange={(e) => setTags(e.target.value)} data-testid="new-project-tags" placeholder="production, mutant-A" autoComplete="off" />
        </FormField>
        <div className="form-submit">
          <button type="submit" className="button button-primary" disabled={busy} data-testid="create-project">
            {busy ? 'Creating…' : 'Create project'}
          </button>
        </div>
      </div>
      <FormError message={errors.form} />
    </form>
  );
}

function EditProjectDialog({ project, onClose }: { project: Project; onClose: () => void }) {
  const refresh = useProjects((s) => s.refresh);
  const [name, setName] = useState(project.name);
  const [description, setDescription] = useState(project.description);
  const [tags, setTags] = useState(formatTags(project.tags));
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const [errorToasts] = useState(formErrorToasts);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setErrors(NO_ERRORS);
    const id = project.id;
    const newTags = parseTags(tags);
    let step: (typeof PROJECT_FIELDS)[number] = 'name';
    try {
      let changed = false;
      if (name.trim() !== project.name) {
        step = 'name';
        await api().projects.rename({ id, name });
        changed = true;
      }
      if (description !== project.description) {
        step = 'description';
        await api().projects.describe({ id, description });
        changed = true;
      }
      if (!sameTags(newTags, project.tags)) {
        step = 'tags';
        await api().projects.setTags({ id, tags: newTags });
        changed = true;
      }
      errorToasts.clear();
      if (changed) {
        toast('success', `Saved project “${name.trim()}”.`);
        await refresh();
      }
      onClose();
    } catch (err) {
      const split = splitFieldErrors(toApiError(err), PROJECT_FIELDS);
      // An error without a field still belongs to the step that failed.
      if (!Object.keys(split.fields).length && split.form) setErrors({ fields: { [step]: split.form }, form: null });
      else setErrors(split);
      errorToasts.report(err, 'Could not save the project');
      await refresh();
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Edit project “${project.name}”`} onClose={onClose} testId="edit-project-dialog">
      <form onSubmit={submit} className="stack" noValidate>
        <FormField label="Name" error={errors.fields.name} required>
          <input data-autofocus value={name} onChange={(e) => setName(e.target.value)} data-testid="edit-project-name" autoComplete="off" />
        </FormField>
        <FormField label="Description" error={errors.fields.description}>
          <textarea rows={4} value={description} onChange={(e) => setDescription(e.target.value)} data-testid="edit-project-description" />
        </FormField>
        <FormField label="Tags" error={errors.fields.tags} hint="Comma-separated, e.g. production, mutant-A">
          <input value={tags} onChange={(e) => setTags(e.target.value)} data-testid="edit-project-tags" autoComplete="off" />
        </FormField>
        {errors.form ? (
          <p className="form-error" role="alert">
            {errors.form}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy} data-testid="save-project">
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
