// Projects: a researcher's unit of work (a protein, a campaign). Archiving hides a project and keeps every
// record; deleting needs the name typed back and is refused while any of its jobs may still be running.
import { ApiError } from '../../shared/errors.js';
import { TERMINAL_JOB_STATES, type Project } from '../../shared/domain.js';
import type { Db } from './db.js';
import { isUniqueViolation, newId, now, parseJson } from './rows.js';

interface ProjectRow {
  id: string;
  name: string;
  description: string;
  tags: string;
  archived: number;
  created_at: string;
  updated_at: string;
  job_count: number;
}

const SELECT = `SELECT p.*, (SELECT COUNT(*) FROM jobs j WHERE j.project_id = p.id) AS job_count FROM projects p`;

const toProject = (r: ProjectRow): Project => ({
  id: r.id,
  name: r.name,
  description: r.description,
  tags: parseJson<string[]>(r.tags, []),
  archived: r.archived === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  jobCount: r.job_count,
});

export class Projects {
  constructor(private readonly db: Db) {}

  list(includeArchived: boolean): Project[] {
    const where = includeArchived ? '' : ' WHERE p.archived = 0';
    const rows = this.db.prepare(`${SELECT}${where} ORDER BY p.created_at DESC, p.rowid DESC`).all() as ProjectRow[];
    return rows.map(toProject);
  }

  get(id: string): Project {
    const row = this.db.prepare(`${SELECT} WHERE p.id = ?`).get(id) as ProjectRow | undefined;
    if (!row) throw new ApiError('NOT_FOUND', `No project with id ${id}. It may have been deleted; refresh the list.`);
    return toProject(row);
  }

  create(input: { name: string; description: string; tags: string[] }): Project {
    const id = newId();
    const t = now();
    this.guardName(
      () =>
        this.db
          .prepare('INSERT INTO projects (id, name, description, tags, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(id, input.name, input.description, JSON.stringify(uniq(input.tags)), t, t),
      input.name,
    );
    return this.get(id);
  }

  rename(id: string, name: string): Project {
    this.get(id);
    this.guardName(() => this.update(id, 'name', name), name);
    return this.get(id);
  }

  describe(id: string, description: string): Project {
    this.get(id);
    this.update(id, 'description', description);
    return this.get(id);
  }

  setTags(id: string, tags: string[]): Project {
    this.get(id);
    this.update(id, 'tags', JSON.stringify(uniq(tags)));
    return this.get(id);
  }

  setArchived(id: string, archived: boolean): Project {
    this.get(id);
    this.update(id, 'archived', archived ? 1 : 0);
    return this.get(id);
  }

  delete(id: string, confirmName: string): void {
    const project = this.get(id);
    if (confirmName !== project.name) {
      throw new ApiError(
        'CONFIRMATION_REQUIRED',
        `To delete "${project.name}", type its name exactly. Deleting removes the project and its job records from this workspace.`,
      );
    }
    const placeholders = TERMINAL_JOB_STATES.map(() => '?').join(', ');
    const active = this.db
      .prepare(`SELECT COUNT(*) AS n FROM jobs WHERE project_id = ? AND state NOT IN (${placeholders})`)
      .get(id, ...TERMINAL_JOB_STATES) as { n: number };
    if (active.n > 0) {
      throw new ApiError(
        'CONFLICT',
        `"${project.name}" still has ${active.n} job(s) that are not finished. Cancel them or wait until they end, or archive the project instead.`,
      );
    }
    this.db.prepare('DELETE FROM projects WHERE id = ?').run(id);
  }

  private update(id: string, column: 'name' | 'description' | 'tags' | 'archived', value: string | number): void {
    this.db.prepare(`UPDATE projects SET ${column} = ?, updated_at = ? WHERE id = ?`).run(value, now(), id);
  }

  private guardName(write: () => unknown, name: string): void {
    try {
      write();
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new ApiError('CONFLICT', `A project named "${name}" already exists (names ignore case). Pick another name.`);
      }
      throw err;
    }
  }
}

const uniq = (tags: string[]) => [...new Set(tags.map((t) => t.trim()))];
