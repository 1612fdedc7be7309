import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../shared/client.js';
import { ApiError } from '../../shared/errors.js';
import type { RunInfo } from '../../shared/reproduce.js';
import { setApi, setUploader } from '../api/index.js';
import { useReproduce, workKeyOf } from './reproduce.js';

const run = (state: RunInfo['state'], extra: Partial<RunInfo> = {}): RunInfo => ({
  runId: 'r1',
  kind: 'recreate',
  state,
  command: 'conda env create -f /e/environment.yml -p /e',
  cwd: '/e',
  logFile: '/ws/logs/r1.log',
  exitCode: state === 'running' ? null : 0,
  startedAt: '2026-01-01T00:00:00Z',
  finishedAt: state === 'running' ? null : '2026-01-01T00:00:05Z',
  ...extra,
});

const inspectResult = (decoy: string | null, decoys: string[] = decoy ? [decoy] : []) => ({
  file: 'x',
  format: 'pdb',
  layers: ['bzip2'],
  decoys,
  view: decoy ? ({ decoyName: decoy } as never) : null,
  notes: [],
  init: null,
  needsHelper: null,
});

let inspected: unknown[] = [];
function fakeApi(inspect: (p: { source: unknown; decoyName?: string }) => Promise<unknown>) {
  inspected = [];
  setApi({
    reproduce: {
      inspect: (p: { source: unknown; decoyName?: string }) => {
        inspected.push(p);
        return inspect(p);
      },
    },
  } as unknown as ApiClient);
}

beforeEach(() => {
  useReproduce.setState({ files: [], selected: null, work: {}, runs: {}, managers: null, managersError: null });
});
afterEach(() => {
  setApi(null);
  setUploader(null);
});

describe('runs fed by events', () => {
  it('keeps output that arrives before the call that started the run answers', () => {
    const s = useReproduce.getState();
    s.onOutput({ runId: 'r1', stream: 'stdout', chunk: 'Solving environment: done\n' });
    s.trackRun(run('running'));
    const entry = useReproduce.getState().runs.r1!;
    expect(entry.info?.state).toBe('running');
    expect(entry.log.lines.map((l) => l.text)).toEqual(['Solving environment: done']);
  });

  it('never lets a late "running" answer undo a finished run', () => {
    const s = useReproduce.getState();
    s.onFinished(run('succeeded'));
    s.trackRun(run('running'));
    expect(useReproduce.getState().runs.r1!.info?.state).toBe('succeeded');
    s.trackRun(run('cancelled', { exitCode: null }));
    expect(useReproduce.getState().runs.r1!.info?.state).toBe('cancelled');
  });
});

describe('files', () => {
  it('inspects a typed path and selects it', async () => {
    fakeApi(async () => inspectResult('P_1'));
    await useReproduce.getState().addPath('  /data/out/P_1.pdb.bz2 ');
    const [f] = useReproduce.getState().files;
    expect(inspected).toEqual([{ source: { path: '/data/out/P_1.pdb.bz2' } }]);
    expect(f).toMatchObject({ name: 'P_1.pdb.bz2', status: 'ready', localPath: '/data/out/P_1.pdb.bz2' });
    expect(useReproduce.getState().selected).toBe(f!.key);
    expect(workKeyOf(f!)).toBe(`${f!.key}|P_1`);
  });

  it('shows the core\'s refusal on the file\'s row', async () => {
    fakeApi(async () => {
      throw new ApiError('INVALID_INPUT', 'notes.txt is not a PyRosettaCluster result file.');
    });
    await useReproduce.getState().addPath('/tmp/notes.txt');
    expect(useReproduce.getState().files[0]).toMatchObject({ status: 'error', error: 'notes.txt is not a PyRosettaCluster result file.' });
  });

  it('uploads dropped files in the browser shell, then inspects them by upload id', async () => {
    fakeApi(async () => inspectResult('P_2'));
    const progress: Array<number | null> = [];
    setUploader(async (file, onProgress) => {
      onProgress?.(0.5);
      progress.push(useReproduce.getState().files.find((f) => f.name === file.name)!.progress);
      if (file.name === 'big.pdb') throw new ApiError('INVALID_INPUT', 'too big');
      return { uploadId: `u-${file.name}`, name: file.name, bytes: 3 };
    });
    const files = [new File(['abc'], 'a.pdb'), new File(['x'], 'big.pdb')];
    await useReproduce.getState().addFiles(files);
    const [a, big] = useReproduce.getState().files;
    expect(progress).toEqual([0.5, 0.5]);
    expect(a).toMatchObject({ status: 'ready', source: { uploadId: 'u-a.pdb' }, localPath: null, progress: null });
    expect(big).toMatchObject({ status: 'error', error: 'too big', source: null });
    expect(inspected).toEqual([{ source: { uploadId: 'u-a.pdb' } }]);
    expect(useReproduce.getState().selected).toBe(a!.key);
  });

  it('shows the last decoy chosen, even when an earlier choice answers later', async () => {
    const gates: Record<string, () => void> = {};
    fakeApi((p) =>
      p.decoyName
        ? new Promise((resolve) => (gates[p.decoyName!] = () => resolve(inspectResult(p.decoyName!, ['d1', 'd2', 'd3']))))
        : Promise.resolve(inspectResult('d1', ['d1', 'd2', 'd3'])),
    );
    await useReproduce.getState().addPath('/s/scores.json');
    const key = useReproduce.getState().files[0]!.key;
    const slow = useReproduce.getState().chooseDecoy(key, 'd2');
    const fast = useReproduce.getState().chooseDecoy(key, 'd3');
    gates.d3!();
    await fast;
    gates.d2!();
    await slow;
    const f = useReproduce.getState().files[0]!;
    expect(f.result?.view?.decoyName).toBe('d3');
    expect(f.loadingDecoy).toBeNull();
  });
});
