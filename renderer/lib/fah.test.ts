import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/errors.js';
import {
  buildCreateJobs,
  buildProject,
  createJobsFieldOf,
  defaultCreateJobsForm,
  defaultProjectForm,
  histogramBars,
  progressSeries,
  projectFieldOf,
  projectFormFrom,
  secondsText,
  splitFahErrors,
  usesClonePattern,
  workHistogram,
} from './fah.js';
import { daysLeftText } from './fahCert.js';

describe('project form', () => {
  it('builds ProjectData from what was typed, leaving range checks to the contract', () => {
    const f = { ...defaultProjectForm('me@example.org'), project: '90001', atoms: '25000', credit: '5000', deadline: '120' };
    const r = buildProject(f);
    expect(r.errors.fields).toEqual({});
    expect(r.params).toEqual({
      project: 90001,
      data: { core_id: '0x22', contact: 'me@example.org', atoms: 25000, credit: 5000, timeout: 86400, deadline: 120, compression: 'ZLIB', gens: 1 },
    });
  });

  it('names the fields that are not whole numbers', () => {
    const r = buildProject({ ...defaultProjectForm(), project: 'p1', atoms: '' });
    expect(r.params).toBeNull();
    expect(Object.keys(r.errors.fields).sort()).toEqual(['atoms', 'credit', 'project']);
  });

  it('keeps runs and clones of an existing project and drops the server statistics', () => {
    const f = projectFormFrom(7, { core_id: '0x26', contact: 'a@b.org', atoms: 10, credit: 2, timeout: 400, deadline: 800, compression: 'LZ4', gens: 3, runs: 4, clones: 5, gens_completed: 9 });
    expect(buildProject(f).params?.data).toMatchObject({ runs: 4, clones: 5, compression: 'LZ4' });
    expect(buildProject(f).params?.data).not.toHaveProperty('gens_completed');
  });

  it('maps the router message to the fields', () => {
    const err = new ApiError('INVALID_INPUT', 'fah.saveProject: data.deadline: the deadline is in seconds and at least 300 (a smaller value is read as days by the work server); data.contact: the contact is an email address');
    const e = splitFahErrors(err, projectFieldOf);
    expect(e.fields.deadline).toMatch(/at least 300/);
    expect(e.fields.contact).toMatch(/email/);
    expect(e.form).toBeNull();
  });

  it('keeps unknown paths and other errors as the form error', () => {
    expect(splitFahErrors(new ApiError('INVALID_INPUT', 'fah.saveProject: targetId: bad'), projectFieldOf).form).toBe('targetId: bad');
    expect(splitFahErrors(new ApiError('UNAVAILABLE', 'work server down'), projectFieldOf).form).toBe('work server down');
    expect(splitFahErrors(new ApiError('INVALID_INPUT', 'nope', { field: 'data.atoms' }), projectFieldOf).fields.atoms).toBe('nope');
  });

  it('reads seconds', () => {
    expect(secondsText('172800')).toBe('2 days');
    expect(secondsText('7200')).toBe('2 h');
    expect(secondsText('300')).toBe('5 min');
    expect(secondsText('')).toBe('');
  });
});

describe('create jobs form', () => {
  it('builds the parameters, ignoring empty rows', () => {
    const r = buildCreateJobs({ runMode: 'new', run: '', clones: '20', files: [{ name: 'core.xml', path: '/x/core.xml' }, { name: '', path: '' }] });
    expect(r.params).toEqual({ run: 'new', clones: 20, files: [{ name: 'core.xml', path: '/x/core.xml' }] });
  });

  it('checks the RUN and clone counts and asks for files', () => {
    const r = buildCreateJobs({ runMode: 'number', run: '70000', clones: '0', files: [{ name: '', path: '' }] });
    expect(Object.keys(r.errors.fields).sort()).toEqual(['clones', 'files', 'run']);
  });

  it('spots {clone} and maps file paths to rows', () => {
    expect(usesClonePattern([{ name: 'a', path: '/s-{clone}.bz2' }])).toBe(true);
    expect(usesClonePattern(defaultCreateJobsForm().files)).toBe(false);
    expect(createJobsFieldOf(['files', '1', 'name'])).toBe('file.1.name');
    expect(createJobsFieldOf(['files'])).toBe('files');
    expect(createJobsFieldOf(['project'])).toBeNull();
  });
});

describe('charts and display', () => {
  it('bins forward and reverse work on the same bins', () => {
    const points = [
      { run: 0, clone: 0, forward: 1, reverse: -1 },
      { run: 0, clone: 1, forward: 2, reverse: -2 },
      { run: 0, clone: 2, forward: null, reverse: Number.NaN },
    ];
    const bins = workHistogram(points, 4);
    expect(bins.reduce((s, b) => s + b.forward, 0)).toBe(2);
    expect(bins.reduce((s, b) => s + b.reverse, 0)).toBe(2);
    expect(bins[0]!.x0).toBe(-2);
    expect(bins.at(-1)!.x1).toBe(2);
    expect(workHistogram([])).toEqual([]);
  });

  it('turns samples into one line per state', () => {
    const s = progressSeries([
      { at: '2024-01-01T00:00:00Z', counts: { READY: 2 } },
      { at: '2024-01-01T00:01:00Z', counts: { FINISHED: 2 } },
    ]);
    expect(s.keys).toEqual(['READY', 'FINISHED']);
    expect(s.rows[1]).toMatchObject({ READY: 0, FINISHED: 2 });
  });

  it('scales the server histogram and says days left', () => {
    expect(histogramBars([1, 2])).toEqual([
      { value: 1, height: 0.5 },
      { value: 2, height: 1 },
    ]);
    expect(histogramBars(null)).toEqual([]);
    const wide = histogramBars(Array.from({ length: 1000 }, (_, i) => (i === 999 ? 20 : 0)));
    expect(wide).toHaveLength(50);
    expect(wide.at(-1)).toEqual({ value: 20, height: 1 });
    expect(daysLeftText(1)).toBe('1 day left');
    expect(daysLeftText(-3)).toBe('expired 3 days ago');
  });
});
