import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/errors.js';
import { buildSubmit, splitSubmitErrors, type SubmitForm } from './submit.js';

const form: SubmitForm = {
  projectId: 'p1',
  targetIds: ['a'],
  name: ' relax ',
  template: 'cpu',
  values: [
    { key: 'partition', value: 'cpu' },
    { key: 'mem', value: '' },
    { key: '', value: 'x' },
  ],
  folder: ['mutant-A', ' ', 'model-3'],
  array: '',
  dependencyType: 'afterok',
  dependencyIds: [],
  cancelPendingDuplicates: true,
  maxTries: '3',
  backoffMinutes: '5',
};

describe('buildSubmit', () => {
  it('leaves out empty values, folder parts, array and policy for one cluster', () => {
    expect(buildSubmit(form)).toEqual({ projectId: 'p1', targetIds: ['a'], name: 'relax', template: 'cpu', values: { partition: 'cpu' }, folder: ['mutant-A', 'model-3'] });
  });
  it('adds array, dependency and the multi-cluster policy', () => {
    const r = buildSubmit({ ...form, targetIds: ['a', 'b'], array: '1-10%2', dependencyIds: ['j1'] });
    expect(r.array).toBe('1-10%2');
    expect(r.dependency).toEqual({ type: 'afterok', jobIds: ['j1'] });
    expect(r.policy).toEqual({ cancelPendingDuplicates: true, maxTries: 3, backoffMinutes: 5 });
  });
});

describe('splitSubmitErrors', () => {
  it('attaches messages to fields and placeholders', () => {
    const e = splitSubmitErrors(new ApiError('INVALID_INPUT', 'slurm.submit: name: a job name is one line; values.time: template values are one line (no newlines); array: an array spec looks like 1-100'));
    expect(e.fields).toEqual({ name: 'a job name is one line', array: 'an array spec looks like 1-100' });
    expect(e.values).toEqual({ time: 'template values are one line (no newlines)' });
    expect(e.form).toBeNull();
  });
});
