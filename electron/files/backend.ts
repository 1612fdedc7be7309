// Files on clusters over the pooled SFTP session: browse, tail, download to this machine, copy between clusters.
import type { DirListing, JobFiles, TailChunk, Transfer } from '../../shared/files.js';
import { ApiError } from '../../shared/errors.js';
import type { Services } from '../core/services.js';
import type { SshPool } from '../ssh/pool.js';

export interface FilesBackend {
  list(targetId: string, path: string): Promise<DirListing>;
  jobFiles(jobId: string): Promise<JobFiles>;
  tail(targetId: string, path: string, from: number | undefined, maxBytes: number): Promise<TailChunk>;
  download(targetId: string, path: string, localDir?: string): Promise<Transfer>;
  copy(fromTargetId: string, fromPath: string, toTargetId: string, toDir: string): Promise<Transfer>;
  transfers(): Transfer[];
  cancel(id: string): Promise<Transfer>;
  resume(id: string): Promise<Transfer>;
  close(): Promise<void>;
}

export function createFilesBackend(_s: Services, _pool: SshPool): FilesBackend {
  const todo = (): never => {
    throw new ApiError('UNAVAILABLE', 'Files are not available in this build yet.');
  };
  return {
    list: async () => todo(),
    jobFiles: async () => todo(),
    tail: async () => todo(),
    download: async () => todo(),
    copy: async () => todo(),
    transfers: () => [],
    cancel: async () => todo(),
    resume: async () => todo(),
    close: async () => undefined,
  };
}
