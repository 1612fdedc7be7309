// Files on clusters: browse, tail a job's output, download, copy between clusters (see electron/files/).
import type { FilesBackend } from '../../files/backend.js';
import type { Handlers } from '../router.js';

type FilesMethod = Extract<keyof Handlers, `files.${string}` | `transfers.${string}`>;

export function filesHandlers(b: FilesBackend): Pick<Handlers, FilesMethod> {
  return {
    'files.list': (p) => b.list(p.targetId, p.path),
    'files.jobFiles': (p) => b.jobFiles(p.jobId),
    'files.tail': (p) => b.tail(p.targetId, p.path, p.from, p.maxBytes),
    'files.download': (p) => b.download(p.targetId, p.path, p.localDir),
    'files.copy': (p) => b.copy(p.fromTargetId, p.fromPath, p.toTargetId, p.toDir),
    'transfers.list': () => b.transfers(),
    'transfers.cancel': (p) => b.cancel(p.id),
    'transfers.resume': (p) => b.resume(p.id),
  };
}
