// Stores sealed secrets in the workspace and hands plain values only to backends, never to the UI. Every value
// stored or revealed is registered with the log redactor, so it cannot slip into a log line by accident.
import type { SecretInfo } from '../../shared/domain.js';
import { ApiError } from '../../shared/errors.js';
import type { Db } from '../workspace/db.js';
import { newId, now } from '../workspace/rows.js';
import type { Redactor } from '../core/redactor.js';
import type { Vault } from './vault.js';

export class SecretStore {
  constructor(
    private readonly db: Db,
    private readonly vault: Vault,
    private readonly redactor: Redactor,
  ) {}

  async store(label: string, value: string): Promise<SecretInfo> {
    this.redactor.add(value);
    const sealed = await this.vault.seal(Buffer.from(value, 'utf8'));
    const info: SecretInfo = { id: newId(), label, createdAt: now() };
    this.db
      .prepare('INSERT INTO secrets (id, label, backend, sealed, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(info.id, label, this.vault.backend, sealed, info.createdAt);
    return info;
  }

  list(): SecretInfo[] {
    return this.db.prepare('SELECT id, label, created_at AS createdAt FROM secrets ORDER BY label').all() as SecretInfo[];
  }

  async reveal(id: string): Promise<string> {
    const row = this.db.prepare('SELECT sealed FROM secrets WHERE id = ?').get(id) as { sealed: Buffer } | undefined;
    if (!row) throw new ApiError('NOT_FOUND', `Secret ${id} is not in this workspace. Store it again and re-attach it to the target.`);
    const value = (await this.vault.open(row.sealed)).toString('utf8');
    this.redactor.add(value);
    return value;
  }

  delete(id: string): void {
    const info = this.db.prepare('DELETE FROM secrets WHERE id = ?').run(id);
    if (info.changes === 0) throw new ApiError('NOT_FOUND', `Secret ${id} is not in this workspace.`);
  }
}
