import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/errors.js';
import {
  DEFAULT_REQUIRED_FILES,
  buildSpec,
  cellKey,
  clickCell,
  cudaChoiceLabel,
  defaultForm,
  fieldOfPath,
  formatCentre,
  linspace,
  parseCentres,
  parseExtraWindows,
  selectLine,
  selectedRefs,
  seriesFromSamples,
  buildBucketImport,
  defaultBucketForm,
  downloadFraction,
  inputsSummary,
  relativeKey,
  uploadSummary,
  splitBucketErrors,
  splitWizardErrors,
  NO_GRID_SELECTION,
} from './umbrella.js';

describe('umbrella wizard defaults', () => {
  it('offers linspace(1.0, 0.4, 31) as 1.00, 0.98 … 0.40', () => {
    const xs = linspace(1.0, 0.4, 31);
    expect(xs).toHaveLength(31);
    expect(xs.map(formatCentre).slice(0, 3)).toEqual(['1.00', '0.98', '0.96']);
    expect(formatCentre(xs[30]!)).toBe('0.40');
    const f = defaultForm('p1', 't1');
    expect(f.centres.split('\n')).toHaveLength(31);
    expect(f.requiredFiles.split('\n')).toEqual(DEFAULT_REQUIRED_FILES);
  });
  it('formats centres with two to six decimals', () => {
    expect(formatCentre(0.375)).toBe('0.375');
    expect(formatCentre(1)).toBe('1.00');
    expect(formatCentre(-3.14159265)).toBe('-3.141593');
  });
  it('parses centres in lines or separated by commas', () => {
    expect(parseCentres('1.0, 0.9\n0.8')).toEqual({ centres: [1, 0.9, 0.8], error: null });
    expect(parseCentres('1.0 x').error).toMatch(/“x” is not a number/);
    expect(parseCentres('').error).toMatch(/at least one/);
  });
});

describe('buildSpec', () => {
  const filled = { ...defaultForm('p1', 't1'), initials: 'jm', forceField: 'null-0.0.3-pair-opc3', commit: 'a'.repeat(40) };
  it('builds the seed spec from the defaults', () => {
    const { spec, errors } = buildSpec(filled);
    expect(errors.fields).toEqual({});
    expect(spec).toMatchObject({
      replicas: 3,
      resources: { gpu: 1, cpu: '1', memory: '5Gi', ephemeralStorage: '20Gi' },
      cuda: { major: '12', minor: '4' },
      secrets: { rcloneConfig: 'jm-rclone-config', licence: 'oe-license-feb-2024' },
      backoffLimit: 10,
      ttlSecondsAfterFinished: null,
    });
    expect(spec!.windows[30]).toEqual({ index: 30, centre: 0.4 });
  });
  it('clears the licence and CUDA affinity to null', () => {
    const { spec } = buildSpec({ ...filled, licenceSecret: ' ', cudaOff: true, ttl: '3600' });
    expect(spec!.secrets.licence).toBeNull();
    expect(spec!.cuda).toBeNull();
    expect(spec!.ttlSecondsAfterFinished).toBe(3600);
  });
  it('checks required fields and numbers itself', () => {
    const { spec, errors } = buildSpec({ ...filled, initials: '', replicas: 'three', gpu: '-1', ttl: '1h', targetId: '' });
    expect(spec).toBeNull();
    expect(Object.keys(errors.fields).sort()).toEqual(['gpu', 'initials', 'replicas', 'target', 'ttl']);
  });
});

describe('core errors → wizard fields', () => {
  it('maps contract paths', () => {
    expect(fieldOfPath('resources.ephemeralStorage')).toBe('storage');
    expect(fieldOfPath('spec.secrets.licence')).toBe('licence-secret');
    expect(fieldOfPath('windows.3.centre')).toBe('windows');
    expect(fieldOfPath('target')).toBe('benchmark');
    expect(fieldOfPath('nothing')).toBeNull();
  });
  it('splits the router message', () => {
    const e = new ApiError('INVALID_INPUT', 'umbrella.preview: commit: a full 40-character commit SHA1; resources.cpu: a Kubernetes quantity, e.g. 5Gi, 1, 500m; parameters: odd');
    const out = splitWizardErrors(e);
    expect(out.fields).toEqual({ commit: 'a full 40-character commit SHA1', cpu: 'a Kubernetes quantity, e.g. 5Gi, 1, 500m' });
    expect(out.form).toBe('parameters: odd');
  });
  it('uses details.field when the handler names it', () => {
    const out = splitWizardErrors(new ApiError('INVALID_INPUT', 'the image is not pinned', { field: 'image' }));
    expect(out.fields).toEqual({ image: 'the image is not pinned' });
  });
  it('keeps other errors for the form', () => {
    expect(splitWizardErrors(new ApiError('UNAVAILABLE', 'not available in this build yet'))).toEqual({ fields: {}, form: 'not available in this build yet' });
  });
});

describe('grid selection', () => {
  const replicas = [1, 2, 3];
  const windows = [0, 1, 2, 3];
  it('selects a rectangle with shift', () => {
    let s = clickCell(NO_GRID_SELECTION, replicas, windows, cellKey(1, 1));
    s = clickCell(s, replicas, windows, cellKey(2, 3), { shift: true });
    expect(selectedRefs(s.selected)).toEqual([
      { replica: 1, window: 1 },
      { replica: 1, window: 2 },
      { replica: 1, window: 3 },
      { replica: 2, window: 1 },
      { replica: 2, window: 2 },
      { replica: 2, window: 3 },
    ]);
  });
  it('toggles with ctrl and selects rows/columns', () => {
    let s = clickCell(NO_GRID_SELECTION, replicas, windows, cellKey(1, 0));
    s = clickCell(s, replicas, windows, cellKey(3, 3), { toggle: true });
    expect(s.selected.size).toBe(2);
    s = selectLine(s, replicas.map((r) => cellKey(r, 2)), true);
    expect(s.selected.size).toBe(5);
    s = selectLine(s, replicas.map((r) => cellKey(r, 2)), true);
    expect(s.selected.size).toBe(2);
    s = selectLine(s, windows.map((w) => cellKey(2, w)), false);
    expect(s.selected.size).toBe(4);
  });
});

describe('extend and labels', () => {
  it('parses extra windows', () => {
    expect(parseExtraWindows('31 0.38\n0.36', [0, 1, 30])).toEqual({ windows: [{ index: 31, centre: 0.38 }, { index: 32, centre: 0.36 }], error: null });
    expect(parseExtraWindows('1 0.5', [0, 1]).error).toMatch(/already exists/);
  });
  it('labels CUDA choices', () => {
    expect(cudaChoiceLabel({ major: '12', minor: '4', nodes: 40, freeGpus: 12 })).toBe('12.4 — 40 nodes, 12 GPUs free');
    expect(cudaChoiceLabel({ major: '11', minor: '8', nodes: 1, freeGpus: null })).toBe('11.8 — 1 node');
  });
});

describe('chart series', () => {
  const s = (replica: number, window: number, at: string, percent: number | null, nsPerDay: number | null) => ({ replica, window, at, percent, nsPerDay, gpuUtil: null });
  const samples = [s(1, 0, '2025-01-01T00:00:00Z', 10, 100), s(1, 1, '2025-01-01T00:00:00Z', 30, 200), s(2, 0, '2025-01-01T00:00:00Z', 50, null), s(1, 0, '2025-01-01T00:01:00Z', 20, 120)];
  it('averages replicas, carrying each window’s last value forward', () => {
    const p = seriesFromSamples(samples, 'percent', { by: 'replica', windowsPerReplica: 2 });
    expect(p.series).toEqual(['replica 1', 'replica 2']);
    expect(p.points).toHaveLength(2);
    expect(p.points[0]).toMatchObject({ 'replica 1': 20, 'replica 2': 25 });
    expect(p.points[1]).toMatchObject({ 'replica 1': 25 });
    const v = seriesFromSamples(samples, 'nsPerDay', { by: 'replica', windowsPerReplica: 2 });
    expect(v.points[0]).toMatchObject({ 'replica 1': 150, 'replica 2': null });
  });
  it('gives one series per window of a replica and thins long histories', () => {
    const w = seriesFromSamples(samples, 'percent', { by: 'window', replica: 1, windowsPerReplica: 2 });
    expect(w.series).toEqual(['window 00', 'window 01']);
    const many = Array.from({ length: 1000 }, (_, i) => s(1, 0, new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(), i / 10, 1));
    const t = seriesFromSamples(many, 'percent', { by: 'replica', windowsPerReplica: 1, maxPoints: 100 });
    expect(t.points).toHaveLength(100);
    expect(t.points.at(-1)!['replica 1']).toBe(99.9);
  });
});

describe('results bucket, inputs and downloads', () => {
  it('builds bucketImport params from the dialog; the Secret needs consent', () => {
    const f = defaultBucketForm();
    expect(f.remote).toBe('nrp');
    expect(buildBucketImport('t1', f).params).toEqual({ targetId: 't1', remote: 'nrp', from: {}, confirm: true });
    expect(buildBucketImport('t1', { ...f, path: ' ~/rc.conf ' }).params?.from).toEqual({ path: '~/rc.conf' });
    const secret = { ...f, source: 'secret' as const };
    const refused = buildBucketImport('t1', secret);
    expect(refused.params).toBeNull();
    expect(refused.errors.form).toMatch(/Tick/);
    expect(buildBucketImport('t1', { ...secret, consent: true }).params?.from).toEqual({ secret: { name: 'jm-rclone-config', key: 'rclone.conf' } });
    expect(buildBucketImport('t1', { ...f, remote: ' ' }).errors.fields.remote).toBeTruthy();
  });
  it('puts bucketImport errors next to their field', () => {
    expect(splitBucketErrors({ code: 'NOT_FOUND', message: 'No rclone.conf at /x.', details: { field: 'path' } }, 'file').fields.path).toBe('No rclone.conf at /x.');
    expect(splitBucketErrors({ code: 'INVALID_INPUT', message: 'rclone remote "x" has no endpoint', details: { remote: 'x' } }, 'file').fields.remote).toMatch(/no endpoint/);
    expect(splitBucketErrors({ code: 'INVALID_INPUT', message: 'umbrella.bucketImport: remote: the rclone remote name, e.g. nrp' }, 'file').fields.remote).toBe('the rclone remote name, e.g. nrp');
    expect(splitBucketErrors({ code: 'UNAVAILABLE', message: 'cluster unreachable' }, 'secret').form).toBe('cluster unreachable');
  });
  it('summarises the inputs check', () => {
    expect(inputsSummary({ checked: false, missing: [] }).state).toBe('unchecked');
    expect(inputsSummary({ checked: true, missing: [] }).text).toMatch(/all present/);
    expect(inputsSummary({ checked: true, missing: [{ replica: 1, window: 0, paths: ['a'] }, { replica: 1, window: 1, paths: ['b'] }] }).text).toBe('2 windows miss inputs');
  });
  it('measures download progress by bytes, then files', () => {
    expect(downloadFraction({ filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0 })).toBeNull();
    expect(downloadFraction({ filesDone: 1, filesTotal: 4, bytesDone: 0, bytesTotal: 0 })).toBe(0.25);
    expect(downloadFraction({ filesDone: 1, filesTotal: 4, bytesDone: 50, bytesTotal: 100 })).toBe(0.5);
  });
  it('averages GPU utilization like speed', () => {
    const g = seriesFromSamples(
      [
        { replica: 1, window: 0, at: '2025-01-01T00:00:00Z', percent: 1, nsPerDay: 1, gpuUtil: 90 },
        { replica: 1, window: 1, at: '2025-01-01T00:00:00Z', percent: 1, nsPerDay: 1, gpuUtil: 30 },
        { replica: 2, window: 0, at: '2025-01-01T00:00:00Z', percent: 1, nsPerDay: 1, gpuUtil: null },
      ],
      'gpuUtil',
      { by: 'replica', windowsPerReplica: 2 },
    );
    expect(g.points[0]).toMatchObject({ 'replica 1': 60, 'replica 2': null });
  });
});

describe('inputs upload and bucket listing', () => {
  it('summarises an upload in one line, listing up to 5 paths not found locally', () => {
    expect(uploadSummary({ uploaded: ['a', 'b'], upToDate: 3, missingLocal: [] })).toBe('2 uploaded, 3 already there');
    expect(uploadSummary({ uploaded: [], upToDate: 0, missingLocal: ['1', '2', '3', '4', '5', '6', '7'] })).toBe(
      '0 uploaded, 0 already there; not found locally: 1, 2, 3, 4, 5 … and 2 more',
    );
  });
  it('shows keys relative to the prefix', () => {
    expect(relativeKey('results/gb3/', 'results/gb3/replica-1/x.dcd')).toBe('replica-1/x.dcd');
    expect(relativeKey('results/gb3', 'results/gb3/a')).toBe('a');
    expect(relativeKey('results/gb3', 'other/a')).toBe('other/a');
    expect(relativeKey('', '/a')).toBe('a');
  });
});
