// Files on clusters over the pooled SFTP session: browse, tail, download to this machine, copy between clusters.
// Everything here takes paths, never shell text: SFTP operations cannot execute anything, and the one remote
// command (scontrol, for a job's files) is built from an argument array with shell quoting.
import fs from 'node:fs/promises';
import os from 'node:os';
import path, { posix } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import type { Job, Target } from '../../shared/domain.js';
import type { DirListing, JobFiles, TailChunk, Transfer } from '../../shared/files.js';
import { ApiError } from '../../shared/errors.js';
import type { ClusterStatus } from '../../shared/slurm.js';
import type { ActivityRecorder, Logger } from '../core/adapter.js';
import type { Services } from '../core/services.js';
import { SlurmRepo } from '../slurm/repo.js';
import type { SshPool } from '../ssh/pool.js';
import type { RemoteResult } from '../ssh/runner.js';
import { sftpError, sftpHome, sftpLstat, sftpMkdirp, sftpStat } from '../ssh/sftp-ops.js';
import { resolveJobFiles } from './job-files.js';
import { listDir } from './listing.js';
import { PART_SUFFIX, baseName, freeName, resolveRemotePath } from './paths.js';
import { tailFile } from './tail.js';
import { TransferRepo } from './transfer-repo.js';
import { TransferManager } from './transfers.js';
import type { Db } from '../workspace/db.js';

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

/** What the files backend needs; createFilesBackend wires it from the core's services and SSH pool. */
export interface FilesDeps {
  db: Db;
  getTarget(id: string): Target;
  sftp<T>(target: Target, fn: (sftp: SFTPWrapper) => Promise<T>): Promise<T>;
  exec(target: Target, command: string): Promise<RemoteResult>;
  onStatus?(listener: (s: ClusterStatus) => void): () => void;
  status?(targetId: string): ClusterStatus;
  activity: ActivityRecorder;
  log: Logger;
  emit(t: Transfer): void;
  /** Default download folder (default ~/Downloads/SimDeck). */
  downloadsDir?: string;
  eventIntervalMs?: number;
}

export function createFilesBackend(s: Services, pool: SshPool): FilesBackend {
  return new FilesService({
    db: s.db,
    getTarget: (id) => s.targets.get(id),
    sftp: (t, fn) => pool.sftp(t, fn),
    exec: (t, command) => pool.exec(t, command, { timeoutMs: 30_000 }),
    onStatus: (l) => pool.onStatus(l),
    status: (id) => pool.status(id),
    activity: s.adapterContext.activity,
    log: s.log,
    emit: (t) => s.emit('transfers.changed', t),
  });
}

export class FilesService implements FilesBackend {
  readonly manager: TransferManager;
  private readonly repo: TransferRepo;
  private readonly slurm: SlurmRepo;
  private readonly homes = new Map<string, string>();

  constructor(private readonly deps: FilesDeps) {
    this.repo = new TransferRepo(deps.db);
    this.slurm = new SlurmRepo(deps.db);
    this.manager = new TransferManager({
      repo: this.repo,
      sftp: deps.sftp,
      getTarget: deps.getTarget,
      activity: deps.activity,
      log: deps.log,
      emit: deps.emit,
      onStatus: deps.onStatus,
      status: deps.status,
      eventIntervalMs: deps.eventIntervalMs,
    });
  }

  async list(targetId: string, p: string): Promise<DirListing> {
    const target = this.cluster(targetId);
    return this.deps.sftp(target, async (sftp) => {
      const abs = resolveRemotePath(await this.home(target, sftp), p);
      const { entries, truncated } = await listDir(sftp, abs, target.name);
      return { targetId, path: abs, entries, truncated };
    });
  }

  async jobFiles(jobId: string): Promise<JobFiles> {
    const job = this.slurm.get(jobId);
    if (!job) throw new ApiError('NOT_FOUND', `No job with id ${jobId}. It may have been removed; refresh the list.`);
    if (job.kind !== 'slurm' || !job.targetId) {
      throw new ApiError('INVALID_INPUT', `"${job.name}" is not a SLURM job; work folders and output files are known for SLURM jobs only.`);
    }
    const target = this.deps.getTarget(job.targetId);
    const parentId = typeof job.details.parentJobId === 'string' ? job.details.parentJobId : undefined;
    const parent: Job | undefined = parentId ? this.slurm.get(parentId) : undefined;
    const files = await resolveJobFiles({ job, parent, target, exec: (command) => this.deps.exec(target, command) });
    if (files.source !== 'unknown') {
      this.slurm.patchDetails(job.id, {
        workDir: files.workDir ?? undefined,
        stdoutPath: files.stdoutPath ?? undefined,
        stderrPath: files.stderrPath ?? undefined,
        filesSource: files.source,
      });
    }
    return files;
  }

  async tail(targetId: string, p: string, from: number | undefined, maxBytes: number): Promise<TailChunk> {
    const target = this.cluster(targetId);
    return this.deps.sftp(target, async (sftp) => tailFile(sftp, resolveRemotePath(await this.home(target, sftp), p), from, maxBytes, target.name));
  }

  async download(targetId: string, p: string, localDir?: string): Promise<Transfer> {
    const target = this.cluster(targetId);
    const dir = this.localDir(localDir);
    const src = await this.deps.sftp(target, async (sftp) => {
      const abs = resolveRemotePath(await this.home(target, sftp), p);
      const st = await sftpStat(sftp, abs);
      if (!st) throw new ApiError('NOT_FOUND', `${abs} does not exist on ${target.name}. Check the path; it may have been moved or deleted.`, { path: abs });
      if (!st.isFile() && !st.isDirectory()) throw new ApiError('INVALID_INPUT', `${abs} on ${target.name} is neither a file nor a folder.`, { path: abs });
      return { abs, isDir: st.isDirectory() };
    });
    try {
      await fs.mkdir(dir, { recursive: true });
    } catch (err) {
      throw new ApiError('INVALID_INPUT', `Cannot create the download folder ${dir}: ${(err as Error).message}. Choose another folder.`, { field: 'localDir' });
    }
    const name = await freeName(baseName(src.abs), !src.isDir, (c) => reserveLocal(path.join(dir, c), src.isDir));
    return this.manager.start({ kind: 'download', from: { targetId, path: src.abs }, to: { targetId: null, path: path.join(dir, name) } });
  }

  async copy(fromTargetId: string, fromPath: string, toTargetId: string, toDir: string): Promise<Transfer> {
    const from = this.cluster(fromTargetId);
    const to = this.cluster(toTargetId);
    const src = await this.deps.sftp(from, async (sftp) => {
      const abs = resolveRemotePath(await this.home(from, sftp), fromPath);
      const st = await sftpStat(sftp, abs);
      if (!st) throw new ApiError('NOT_FOUND', `${abs} does not exist on ${from.name}. Check the path; it may have been moved or deleted.`, { path: abs });
      if (!st.isFile() && !st.isDirectory()) throw new ApiError('INVALID_INPUT', `${abs} on ${from.name} is neither a file nor a folder.`, { path: abs });
      return { abs, isDir: st.isDirectory() };
    });
    const dest = await this.deps.sftp(to, async (sftp) => {
      const dir = resolveRemotePath(await this.home(to, sftp), toDir);
      if (from.id === to.id && src.isDir && (dir === src.abs || dir.startsWith(`${src.abs}/`))) {
        throw new ApiError('INVALID_INPUT', `Cannot copy ${src.abs} into itself (${dir}); choose a folder outside it.`, { field: 'toDir' });
      }
      const st = await sftpStat(sftp, dir);
      if (st && !st.isDirectory()) throw new ApiError('INVALID_INPUT', `${dir} on ${to.name} is a file; the destination must be a folder.`, { field: 'toDir' });
      if (!st) await sftpMkdirp(sftp, dir);
      const name = await freeName(baseName(src.abs), !src.isDir, (c) => reserveRemote(sftp, posix.join(dir, c), src.isDir));
      return posix.join(dir, name);
    });
    return this.manager.start({ kind: 'copy', from: { targetId: fromTargetId, path: src.abs }, to: { targetId: toTargetId, path: dest } });
  }

  transfers(): Transfer[] {
    return this.manager.list();
  }

  cancel(id: string): Promise<Transfer> {
    return this.manager.cancel(id);
  }

  resume(id: string): Promise<Transfer> {
    return this.manager.resume(id);
  }

  close(): Promise<void> {
    return this.manager.close();
  }

  // ---- helpers ----

  private cluster(targetId: string): Target {
    const t = this.deps.getTarget(targetId);
    if (t.kind !== 'slurm') {
      throw new ApiError('INVALID_INPUT', `"${t.name}" is a ${t.kind} target; files can be browsed and transferred on SLURM clusters reached over SSH.`, { field: 'targetId' });
    }
    return t;
  }

  private async home(target: Target, sftp: SFTPWrapper): Promise<string> {
    const key = `${target.id}|${String(target.settings.host)}|${String(target.settings.username)}`;
    let h = this.homes.get(key);
    if (!h) {
      h = await sftpHome(sftp).catch((err: unknown) => {
        throw sftpError('find the home folder', '~', err);
      });
      this.homes.set(key, h);
    }
    return h;
  }

  private localDir(input: string | undefined): string {
    const raw = input ?? this.deps.downloadsDir ?? path.join(os.homedir(), 'Downloads', 'SimDeck');
    const expanded = raw === '~' ? os.homedir() : raw.startsWith('~/') ? path.join(os.homedir(), raw.slice(2)) : raw;
    if (!path.isAbsolute(expanded)) {
      throw new ApiError('INVALID_INPUT', `The download folder must be an absolute path (for example ${path.join(os.homedir(), 'Downloads')}); got "${raw}".`, {
        field: 'localDir',
      });
    }
    return path.normalize(expanded);
  }
}

/**
 * Claims a local destination name so two transfers never pick the same one: a folder is created (fails if it
 * exists), a file gets its ".simdeck-part" created exclusively (and must not exist finished). True when taken.
 */
async function reserveLocal(dest: string, isDir: boolean): Promise<boolean> {
  try {
    if (isDir) {
      await fs.mkdir(dest);
    } else {
      if (await exists(dest)) return true;
      await (await fs.open(dest + PART_SUFFIX, 'wx')).close();
    }
    return false;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return true;
    throw new ApiError('INVALID_INPUT', `Cannot write to ${path.dirname(dest)}: ${(err as Error).message}. Choose another folder.`, { field: 'localDir' });
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}

/** The same claim on a cluster, over SFTP. */
async function reserveRemote(sftp: SFTPWrapper, dest: string, isDir: boolean): Promise<boolean> {
  if ((await sftpLstat(sftp, dest)) || (!isDir && (await sftpLstat(sftp, dest + PART_SUFFIX)))) return true;
  try {
    await new Promise<void>((resolve, reject) =>
      isDir
        ? sftp.mkdir(dest, (err) => (err ? reject(err) : resolve()))
        : sftp.open(dest + PART_SUFFIX, 'wx', (err, h) => (err ? reject(err) : sftp.close(h, () => resolve()))),
    );
    return false;
  } catch (err) {
    if (await sftpLstat(sftp, isDir ? dest : dest + PART_SUFFIX)) return true; // lost a race: try the next name
    throw sftpError(isDir ? 'create the folder' : 'create', dest, err);
  }
}
