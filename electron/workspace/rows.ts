// Small helpers shared by the workspace tables.
import { randomUUID } from 'node:crypto';

export const newId = () => randomUUID();
export const now = () => new Date().toISOString();

export function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** SQLite reports unique-index violations with this code; we turn them into a CONFLICT the user can act on. */
export const isUniqueViolation = (err: unknown) =>
  typeof err === 'object' && err !== null && (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
