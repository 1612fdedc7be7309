// The projects on a work server (fah.projects): open, edit, delete (type the number to confirm), and "New project".
import { useCallback, useEffect, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import { api } from '../../api/index.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { useFah } from '../../store/fah.js';
import { toast } from '../../store/toasts.js';
import { ProjectFormDialog } from './ProjectFormDialog.js';

type ProjectRow = { id: number; data: Record<string, unknown> };
/** The form shows "new" or the project being edited. */
type Editing = null | 'new' | ProjectRow;

export function ProjectsPanel({ targetId }: { targetId: string }) {
  const [projects, setProjects] = useState<ProjectRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<number | null>(null);
  const openProject = useFah((s) => s.openProject);

  const load = useCallback(async () => {
    try {
      setProjects(await api().fah.projects({ targetId }));
      setError(null);
    } catch (err) {
      setError(toApiError(err).message);
    }
  }, [targetId]);
  useEffect(() => void load(), [load]);

  const columns = projectColumns(openProject, setEditing, setDeleting);
  return (
    <section className="panel" aria-label="Projects" data-testid="fah-projects">
      <div className="panel-head">
        <h2 className="panel-title">Projects{projects ? ` (${projects.length})` : ''}</h2>
        <span className="toolbar-spacer" />
        <button type="button" className="button button-small" onClick={() => void load()}>
          Reload
        </button>
        <button type="button" className="button button-small button-primary" onClick={() => setEditing('new')} data-testid="fah-project-new">
          New project…
        </button>
      </div>
      {error ? (
        <p className="form-error" role="alert" data-testid="fah-projects-error">
          {error}
        </p>
      ) : null}
      {projects === null ? (
        error ? null : <p className="muted">Loading projects…</p>
      ) : projects.length === 0 ? (
        <p className="muted" data-testid="fah-projects-empty">
          No projects on this work server yet. Use the project number the Folding@home team allocated to you.
        </p>
      ) : (
        <DataTable label="Projects" testId="fah-projects-table" columns={columns} rows={projects} rowKey={(p) => p.id} rowTestId="fah-project-row" rowAttrs={(p) => ({ 'data-project': String(p.id) })} />
      )}
      {editing ? (
        <ProjectFormDialog
          targetId={targetId}
          existing={editing === 'new' ? null : editing}
          onSaved={(id) => {
            void load();
            if (editing === 'new') openProject(id);
          }}
          onClose={() => setEditing(null)}
        />
      ) : null}
      {deleting !== null ? (
        <ConfirmDialog
          title={`Delete project ${deleting}?`}
          confirmText={String(deleting)}
          confirmLabel="Delete project"
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await api().fah.deleteProject({ targetId, project: deleting, confirm: true });
            toast('success', `Deleted project ${deleting} on the work server.`);
            await load();
          }}
        >
          <p>The work server forgets the project. Volunteers stop getting its work units; what happens to its files there is up to the server.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

function projectColumns(open: (id: number) => void, edit: (p: ProjectRow) => void, del: (id: number) => void): Column<ProjectRow>[] {
  const v = (p: ProjectRow, k: string) => (p.data[k] === undefined || p.data[k] === null ? '—' : String(p.data[k]));
  return [
    {
      key: 'id',
      header: 'Project',
      sortValue: (p) => p.id,
      render: (p) => (
        <button type="button" className="link-button mono" onClick={() => open(p.id)} data-testid="fah-project-open">
          {p.id}
        </button>
      ),
    },
    { key: 'core', header: 'Core', render: (p) => <span className="mono">{v(p, 'core_id')}</span> },
    { key: 'contact', header: 'Contact', render: (p) => v(p, 'contact') },
    { key: 'atoms', header: 'Atoms', sortValue: (p) => Number(p.data.atoms ?? 0), render: (p) => v(p, 'atoms') },
    { key: 'credit', header: 'Credit', render: (p) => v(p, 'credit') },
    { key: 'gens', header: 'Gens', render: (p) => v(p, 'gens') },
    {
      key: 'actions',
      header: 'Actions',
      hiddenHeader: true,
      className: 'col-actions',
      render: (p) => (
        <span className="row-actions">
          <button type="button" className="button button-small" onClick={() => open(p.id)} aria-label={`Open project ${p.id}`}>
            Open
          </button>
          <button type="button" className="button button-small" onClick={() => edit(p)} aria-label={`Edit project ${p.id}`} data-testid="fah-project-edit">
            Edit
          </button>
          <button type="button" className="button button-small button-danger-quiet" onClick={() => del(p.id)} aria-label={`Delete project ${p.id}`} data-testid="fah-project-delete">
            Delete
          </button>
        </span>
      ),
    },
  ];
}
