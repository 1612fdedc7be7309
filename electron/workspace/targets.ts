// Compute targets: where jobs run. Settings hold connection details only; secrets are referenced by vault id.
import { ApiError } from '../../shared/errors.js';
import { TERMINAL_JOB_STATES, type Target, type TargetKind, type TargetSettings } from '../../shared/domain.js';
import type { Db } from './db.js';
import { isUniqueViolation, newId, now, parseJson } from './rows.js';

interface TargetRow {
  id: string;
  name: string;
  kind: TargetKind;
  settings: string;
  secret_refs: string;
  created_at: string;
  updated_at: string;
}

const toTarget = (r: TargetRow): Target => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  settings: parseJson<TargetSettings>(r.settings, {}),
  secretRefs: parseJson<Record<string, string>>(r.secret_refs, {}),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Setting names that look like secrets are refused: they belong in the vault, not in plain SQLite. */
const SECRET_LIKE = /pass(word|phrase)?|secret|token|private_?key$|^key$|credential/i;

export function assertNoSecretsInSettings(settings: TargetSettings): void {
  for (const [key, value] of Object.entries(settings)) {
    const isPath = /path$/i.test(key);
    if (!isPath && SECRET_LIKE.test(key) && value !== null && value !== '') {
      throw new ApiError(
        'INVALID_INPUT',
        `settings.${key}: this looks like a secret. Store it with "Add secret" (it is encrypted) and attach it to the target instead.`,
      );
    }
  }
}

const isHttpUrl = (v: string) => {
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
};

/** Settings a kind cannot work without, checked where they are saved (Folding@home: URLs, email, CA). */
export function assertKindSettings(kind: TargetKind, settings: TargetSettings): void {
  if (kind !== 'fah') return;
  const str = (k: string) => (typeof settings[k] === 'string' ? (settings[k] as string).trim() : '');
  for (const k of ['wsUrl', 'asUrl']) {
    const v = str(k);
    if ((k === 'wsUrl' || v !== '') && !isHttpUrl(v)) {
      throw new ApiError('INVALID_INPUT', `settings.${k}: ${k === 'wsUrl' ? 'the work server URL' : 'the assignment server URL'} is an https:// address, e.g. https://ws1.example.org.`, { field: `settings.${k}` });
    }
  }
  if (str('email') !== '' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(str('email'))) {
    throw new ApiError('INVALID_INPUT', 'settings.email: the email you log in to the AS with (the CN of your certificate).', { field: 'settings.email' });
  }
  if (str('caPem') !== '' && !str('caPem').includes('-----BEGIN CERTIFICATE-----')) {
    throw new ApiError('INVALID_INPUT', 'settings.caPem: a CA certificate in PEM (-----BEGIN CERTIFICATE-----), or empty to trust the system CAs.', { field: 'settings.caPem' });
  }
}

export class Targets {
  constructor(private readonly db: Db) {}

  list(): Target[] {
    return (this.db.prepare('SELECT * FROM targets ORDER BY name COLLATE NOCASE').all() as TargetRow[]).map(toTarget);
  }

  get(id: string): Target {
    const row = this.db.prepare('SELECT * FROM targets WHERE id = ?').get(id) as TargetRow | undefined;
    if (!row) throw new ApiError('NOT_FOUND', `No compute target with id ${id}. It may have been removed; refresh the list.`);
    return toTarget(row);
  }

  create(input: { name: string; kind: TargetKind; settings: TargetSettings }): Target {
    assertNoSecretsInSettings(input.settings);
    assertKindSettings(input.kind, input.settings);
    const id = newId();
    const t = now();
    this.guardName(input.name, () =>
      this.db
        .prepare('INSERT INTO targets (id, name, kind, settings, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, input.name, input.kind, JSON.stringify(input.settings), t, t),
    );
    return this.get(id);
  }

  update(id: string, patch: { name?: string; settings?: TargetSettings }): Target {
    const current = this.get(id);
    if (patch.settings) {
      assertNoSecretsInSettings(patch.settings);
      assertKindSettings(current.kind, patch.settings);
    }
    const name = patch.name ?? current.name;
    const settings = JSON.stringify(patch.settings ?? current.settings);
    this.guardName(name, () =>
      this.db.prepare('UPDATE targets SET name = ?, settings = ?, updated_at = ? WHERE id = ?').run(name, settings, now(), id),
    );
    return this.get(id);
  }

  attachSecret(id: string, role: string, secretId: string): Target {
    const current = this.get(id);
    const refs = { ...current.secretRefs, [role]: secretId };
    this.db.prepare('UPDATE targets SET secret_refs = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(refs), now(), id);
    return this.get(id);
  }

  detachSecret(id: string, role: string): Target {
    const refs = { ...this.get(id).secretRefs };
    delete refs[role];
    this.db.prepare('UPDATE targets SET secret_refs = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(refs), now(), id);
    return this.get(id);
  }

  delete(id: string, confirmName: string): void {
    const target = this.get(id);
    if (confirmName !== target.name) {
      throw new ApiError('CONFIRMATION_REQUIRED', `To remove target "${target.name}", type its name exactly.`);
    }
    const placeholders = TERMINAL_JOB_STATES.map(() => '?').join(', ');
    const jobs = this.db
      .prepare(`SELECT COUNT(*) AS n FROM jobs WHERE target_id = ? AND state NOT IN (${placeholders})`)
      .get(id, ...TERMINAL_JOB_STATES) as { n: number };
    if (jobs.n > 0) {
      throw new ApiError('CONFLICT', `"${target.name}" has ${jobs.n} unfinished job(s). Cancel them or wait until they end first.`);
    }
    // Finished jobs keep their history; they just no longer point at a target.
    this.db.transaction(() => {
      this.db.prepare('UPDATE jobs SET target_id = NULL WHERE target_id = ?').run(id);
      this.db.prepare('DELETE FROM targets WHERE id = ?').run(id);
    })();
  }

  private guardName(name: string, write: () => unknown): void {
    try {
      write();
    } catch (err) {
      if (isUniqueViolation(err)) throw new ApiError('CONFLICT', `A target named "${name}" already exists. Pick another name.`);
      throw err;
    }
  }
}
