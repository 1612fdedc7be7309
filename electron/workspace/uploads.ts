// Files uploaded to the browser shell live in <workspace>/uploads/<uuid>/<name>; the core finds them by id.
import fs from 'node:fs';
import path from 'node:path';

export const uploadsDir = (workspaceDir: string) => path.join(workspaceDir, 'uploads');

/** The file of an upload. Ids are UUIDs (the contract checks), so this cannot leave the uploads folder. */
export function uploadedFile(workspaceDir: string, uploadId: string): string | undefined {
  const dir = path.join(uploadsDir(workspaceDir), uploadId);
  try {
    const [name] = fs.readdirSync(dir);
    return name ? path.join(dir, name) : undefined;
  } catch {
    return undefined;
  }
}
