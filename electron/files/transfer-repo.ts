// The transfers table (migration 3): one row per download or copy, updated as it runs, so an interrupted transfer
// (dropped link, SimDeck quit) can be shown and resumed later.
import type { Transfer, TransferState } from '../../shared/files.js';
import { ApiError } from '../../shared/errors.js';
import type { Db } from '../workspace/db.js';
import { newId, now } from '../workspace/rows.js';

interface TransferRow {
  id: string;
  kind: Transfer['kind'];
  state: TransferState;
  from_target: string;
  from_path: string;
  to_target: string | null;
  to_path: string;
  bytes_done: number;
  bytes_total: number | null;
  files_done: number;
  files_total: number | null;
  message: string;
  created_at: string;
  updated_at: string;
}

const toTransfer = (r: TransferRow): Transfer => ({
  id: r.id,
  kind: r.kind,
  state: r.state,
  from: { targetId: r.from_target, path: r.from_path },
  to: { targetId: r.to_target, path: r.to_path },
  bytesDone: r.bytes_done,
  bytesTotal: r.bytes_total,
  filesDone: r.files_done,
  filesTotal: r.files_total,
  message: r.message,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export type TransferPatch = Partial<Pick<Transfer, 'state' | 'bytesDone' | 'bytesTotal' | 'filesDone' | 'filesTotal' | 'message'>> & {
  toPath?: string;
};

export class TransferRepo {
  constructor(private readonly db: Db) {}

  create(input: { kind: Transfer['kind']; from: Transfer['from']; to: Transfer['to']; message?: string }): Transfer {
    const id = newId();
    const t = now();
    this.db
      .prepare(
        `INSERT INTO transfers (id, kind, state, from_target, from_path, to_target, to_path, message, created_at, updated_at)
         VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, input.kind, input.from.targetId, input.from.path, input.to.targetId, input.to.path, input.message ?? 'Starting…', t, t);
    return this.get(id);
  }

  find(id: string): Transfer | undefined {
    const row = this.db.prepare('SELECT * FROM transfers WHERE id = ?').get(id) as TransferRow | undefined;
    return row && toTransfer(row);
  }

  get(id: string): Transfer {
    const t = this.find(id);
    if (!t) throw new ApiError('NOT_FOUND', `No transfer with id ${id}. It may have been removed with its cluster profile; refresh the list.`);
    return t;
  }

  /** Newest first. */
  list(limit = 500): Transfer[] {
    return (this.db.prepare('SELECT * FROM transfers ORDER BY created_at DESC, rowid DESC LIMIT ?').all(limit) as TransferRow[]).map(toTransfer);
  }

  update(id: string, patch: TransferPatch): Transfer {
    const cols: string[] = [];
    const args: (string | number | null)[] = [];
    const set = (col: string, v: string | number | null | undefined) => {
      if (v === undefined) return;
      cols.push(`${col} = ?`);
      args.push(v);
    };
    set('state', patch.state);
    set('bytes_done', patch.bytesDone);
    set('bytes_total', patch.bytesTotal);
    set('files_done', patch.filesDone);
    set('files_total', patch.filesTotal);
    set('message', patch.message);
    set('to_path', patch.toPath);
    cols.push('updated_at = ?');
    args.push(now());
    this.db.prepare(`UPDATE transfers SET ${cols.join(', ')} WHERE id = ?`).run(...args, id);
    return this.get(id);
  }

  /** At start-up: transfers left 'running' by a SimDeck that quit become 'paused', resumable from where they were. */
  pauseInterrupted(): Transfer[] {
    const rows = this.db.prepare("SELECT * FROM transfers WHERE state = 'running'").all() as TransferRow[];
    return rows.map((r) =>
      this.update(r.id, {
        state: 'paused',
        message: `SimDeck stopped during this transfer; resume to continue from ${r.bytes_done} bytes.`,
      }),
    );
  }
}
