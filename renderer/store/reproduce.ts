// The Reproduce area's state: the files the researcher dropped or chose (each inspected by the core), what they
// typed and prepared for each record (folders, plans, scripts, comparisons), and the runs, fed by run.output and
// run.finished events. Kept here, not in components, so switching areas loses nothing.
import { create } from 'zustand';
import { toApiError } from '../../shared/client.js';
import type { Result } from '../../shared/contract.js';
import type { EnvironmentManager, RecreatePlan, RunInfo, ScoreComparison } from '../../shared/reproduce.js';
import { api, sourceForFile, type FileSource } from '../api/index.js';
import { baseName } from '../lib/reproduce.js';
import { appendChunk, emptyLog, type RunLog, type RunStream } from '../lib/runLog.js';

export type { FileSource };
export type InspectResult = Result<'reproduce.inspect'>;
export type ScriptResult = Result<'reproduce.script'>;

export type FileStatus = 'uploading' | 'inspecting' | 'ready' | 'error';

export interface ReproFile {
  key: string;
  /** The file's name as the researcher knows it. */
  name: string;
  /** The path on the core's machine, when known (desktop app, typed path). */
  localPath: string | null;
  source: FileSource | null;
  status: FileStatus;
  /** Upload progress 0…1 (null: unknown). */
  progress: number | null;
  error: string | null;
  result: InspectResult | null;
  /** The decoy being read when the researcher picked another one from a scorefile. */
  loadingDecoy: string | null;
  decoyError: string | null;
}

/** What the researcher set up for one record (a file and decoy). Missing fields mean "use the suggestion". */
export interface Work {
  recreateDir?: string;
  manager?: EnvironmentManager;
  plan?: RecreatePlan | null;
  planError?: string | null;
  trusted?: boolean;
  recreateRunId?: string | null;
  recreateError?: string | null;
  repoUrl?: string;
  workDir?: string;
  envDir?: string;
  protocolsModule?: string;
  script?: ScriptResult | null;
  scriptError?: string | null;
  reproduceRunId?: string | null;
  reproduceError?: string | null;
  comparePath?: string;
  comparison?: ScoreComparison | null;
  compareError?: string | null;
}

export interface RunEntry {
  /** null until the call that started the run answers (output may arrive first). */
  info: RunInfo | null;
  log: RunLog;
}

interface ReproduceStore {
  files: ReproFile[];
  selected: string | null;
  work: Record<string, Work>;
  runs: Record<string, RunEntry>;
  managers: Result<'reproduce.managers'> | null;
  managersError: string | null;
  /** Inspects dropped or chosen files (upload first in the browser shell); selects the first of them. */
  addFiles(files: readonly File[]): Promise<void>;
  /** Inspects a file by its path on the core's machine. */
  addPath(path: string): Promise<void>;
  retry(key: string): Promise<void>;
  remove(key: string): void;
  select(key: string | null): void;
  /** Re-reads a scorefile for another of its decoys. */
  chooseDecoy(key: string, decoyName: string): Promise<void>;
  setWork(workKey: string, patch: Partial<Work>): void;
  loadManagers(force?: boolean): Promise<void>;
  trackRun(info: RunInfo): void;
  onOutput(p: { runId: string; stream: RunStream; chunk: string }): void;
  onFinished(info: RunInfo): void;
  /** After a reconnect: runs may have finished while events were missed. Silent on failure. */
  refreshRuns(): Promise<void>;
}

let nextKey = 1;

/** The key under which a record's work is kept: file and decoy (a scorefile holds many). */
export function workKeyOf(file: ReproFile): string {
  return `${file.key}|${file.result?.view?.decoyName ?? ''}`;
}

/** Merges what the core says about a run; a finished state is never overwritten by an older "running". */
function mergeInfo(old: RunInfo | null, next: RunInfo): RunInfo {
  if (old && old.state !== 'running' && next.state === 'running') return old;
  return next;
}

export const useReproduce = create<ReproduceStore>()((set, get) => {
  const patchFile = (key: string, patch: Partial<ReproFile>) =>
    set((s) => ({ files: s.files.map((f) => (f.key === key ? { ...f, ...patch } : f)) }));
  const fileOf = (key: string) => get().files.find((f) => f.key === key);

  const inspect = async (key: string) => {
    const f = fileOf(key);
    if (!f?.source) return;
    patchFile(key, { status: 'inspecting', error: null });
    try {
      const result = await api().reproduce.inspect({ source: f.source });
      patchFile(key, { status: 'ready', result, error: null });
    } catch (err) {
      patchFile(key, { status: 'error', error: toApiError(err).message });
    }
  };

  /** Gets the core a way to read the file (its path, or an upload); false when that failed (shown on the row). */
  const acquire = async (key: string, file: File): Promise<boolean> => {
    try {
      const { source, localPath } = await sourceForFile(file, (progress) => patchFile(key, { progress }));
      patchFile(key, { source, localPath, progress: null });
      return true;
    } catch (err) {
      patchFile(key, { status: 'error', progress: null, error: toApiError(err).message });
      return false;
    }
  };

  const newFile = (name: string, status: FileStatus): ReproFile => ({
    key: `f${nextKey++}`,
    name,
    localPath: null,
    source: null,
    status,
    progress: null,
    error: null,
    result: null,
    loadingDecoy: null,
    decoyError: null,
  });

  /** Dropped File objects, kept so a failed upload can be retried. */
  const blobs = new Map<string, File>();

  return {
    files: [],
    selected: null,
    work: {},
    runs: {},
    managers: null,
    managersError: null,

    async addFiles(files) {
      if (files.length === 0) return;
      const electron = typeof window !== 'undefined' && Boolean(window.simdeck);
      const added = files.map((file) => {
        const f = newFile(file.name, electron ? 'inspecting' : 'uploading');
        blobs.set(f.key, file);
        return f;
      });
      set((s) => ({ files: [...s.files, ...added], selected: added[0]!.key }));
      // One upload at a time (they share the connection); each file is inspected as soon as it is there.
      const inspections: Promise<void>[] = [];
      for (const [i, f] of added.entries()) {
        const file = files[i]!;
        if (electron) inspections.push(acquire(f.key, file).then((ok) => (ok ? inspect(f.key) : undefined)));
        else if (await acquire(f.key, file)) inspections.push(inspect(f.key));
      }
      await Promise.all(inspections);
    },

    async addPath(path) {
      const p = path.trim();
      if (!p) return;
      const f = { ...newFile(baseName(p), 'inspecting'), source: { path: p }, localPath: p };
      set((s) => ({ files: [...s.files, f], selected: f.key }));
      await inspect(f.key);
    },

    async retry(key) {
      const f = fileOf(key);
      if (!f) return;
      if (f.source) return inspect(key);
      const blob = blobs.get(key);
      if (!blob) return;
      patchFile(key, { status: typeof window !== 'undefined' && window.simdeck ? 'inspecting' : 'uploading', error: null });
      if (await acquire(key, blob)) await inspect(key);
    },

    remove(key) {
      blobs.delete(key);
      set((s) => {
        const files = s.files.filter((f) => f.key !== key);
        const selected = s.selected === key ? (files[0]?.key ?? null) : s.selected;
        return { files, selected };
      });
    },

    select(key) {
      set({ selected: key });
    },

    async chooseDecoy(key, decoyName) {
      const f = fileOf(key);
      if (!f?.source) return;
      patchFile(key, { loadingDecoy: decoyName, decoyError: null });
      try {
        const result = await api().reproduce.inspect({ source: f.source, decoyName });
        if (fileOf(key)?.loadingDecoy !== decoyName) return; // another decoy was chosen meanwhile
        patchFile(key, { result, loadingDecoy: null });
      } catch (err) {
        if (fileOf(key)?.loadingDecoy !== decoyName) return;
        patchFile(key, { loadingDecoy: null, decoyError: toApiError(err).message });
      }
    },

    setWork(workKey, patch) {
      set((s) => ({ work: { ...s.work, [workKey]: { ...s.work[workKey], ...patch } } }));
    },

    async loadManagers(force = false) {
      if (get().managers && !force) return;
      try {
        const managers = await api().reproduce.managers();
        set({ managers, managersError: null });
      } catch (err) {
        set({ managersError: toApiError(err).message });
      }
    },

    trackRun(info) {
      set((s) => {
        const old = s.runs[info.runId];
        return { runs: { ...s.runs, [info.runId]: { info: mergeInfo(old?.info ?? null, info), log: old?.log ?? emptyLog() } } };
      });
    },

    onOutput({ runId, stream, chunk }) {
      set((s) => {
        const old = s.runs[runId];
        return { runs: { ...s.runs, [runId]: { info: old?.info ?? null, log: appendChunk(old?.log ?? emptyLog(), stream, chunk) } } };
      });
    },

    onFinished(info) {
      set((s) => {
        const old = s.runs[info.runId];
        return { runs: { ...s.runs, [info.runId]: { info, log: old?.log ?? emptyLog() } } };
      });
    },

    async refreshRuns() {
      if (Object.keys(get().runs).length === 0) return;
      try {
        const runs = await api().reproduce.runs();
        for (const r of runs) if (get().runs[r.runId]) get().trackRun(r);
      } catch {
        /* the next event or reconnect tries again */
      }
    },
  };
});
