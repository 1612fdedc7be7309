// The shape every backend has. A backend folder (electron/slurm, electron/docker, electron/kube, electron/fah)
// exports one BackendAdapter; the core looks adapters up by target kind and never reaches into their internals.
// To add a backend, copy the pattern of an existing one: a folder, an adapter.ts exporting the adapter, and its
// registration in electron/core/adapters.ts.
import type { Job, Target, TargetCheck, TargetKind } from '../../shared/domain.js';
import type { SshRunner } from '../ssh/runner.js';

/** Records every action that touches a remote system, with the equivalent shell command. */
export interface ActivityRecorder {
  /** Runs `work`, logging it as started, then ok or error (with the error message) in the activity log. */
  run<T>(entry: { action: string; command: string; targetId?: string | null; projectId?: string | null }, work: () => Promise<T>): Promise<T>;
}

/** Gives a backend the plain value of a secret the user stored, only for the moment it needs it. */
export interface SecretReader {
  reveal(secretId: string): Promise<string>;
}

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface AdapterContext {
  activity: ActivityRecorder;
  secrets: SecretReader;
  log: Logger;
  signal?: AbortSignal;
  /** The core's pooled SSH connections (host-key trust, jumps, 2FA); adapters reached over SSH use it when set. */
  ssh?: SshRunner;
}

export interface JobObservation {
  jobId: string;
  state: Job['state'];
  remoteId: string | null;
  detail?: string;
}

export interface BackendAdapter {
  readonly kinds: readonly TargetKind[];
  /** Connect and report what is there. Must not change anything on the remote side. */
  connect(target: Target, ctx: AdapterContext): Promise<TargetCheck>;
  /** Submit a job; returns its remote id. Backends add this in their own issue. */
  submit?(target: Target, job: Job, ctx: AdapterContext): Promise<{ remoteId: string }>;
  /** Observe many jobs in one round trip (one squeue, one list call), never one call per job. */
  observe?(target: Target, jobs: Job[], ctx: AdapterContext): Promise<JobObservation[]>;
  /** Act on a job: cancel, resubmit, ... */
  act?(target: Target, job: Job, action: string, ctx: AdapterContext): Promise<void>;
  /** Close pooled connections (on shutdown or when settings change). */
  dispose?(): Promise<void>;
}
