import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/errors.js';
import { splitFieldErrors, splitPathErrors } from './fieldErrors.js';

const FIELDS = ['name', 'description', 'tags'];

describe('splitFieldErrors', () => {
  it('attaches router issues to fields', () => {
    const r = splitFieldErrors(
      { code: 'INVALID_INPUT', message: 'projects.create: name: a project needs a name; tags.1: a tag may hold letters' },
      FIELDS,
    );
    expect(r).toEqual({ fields: { name: 'a project needs a name', tags: 'a tag may hold letters' }, form: null });
  });

  it('keeps issues without a known field at form level', () => {
    const r = splitFieldErrors({ code: 'INVALID_INPUT', message: 'projects.create: parameters: Unrecognized key: "x"' }, FIELDS);
    expect(r.fields).toEqual({});
    expect(r.form).toBe('parameters: Unrecognized key: "x"');
  });

  it('uses details when the core sends them', () => {
    const r = splitFieldErrors({ code: 'INVALID_INPUT', message: 'bad', details: { 'params.name': 'too long', other: 'x' } }, FIELDS);
    expect(r).toEqual({ fields: { name: 'too long' }, form: 'x' });
  });

  it('puts a name conflict on the name field', () => {
    const r = splitFieldErrors({ code: 'CONFLICT', message: 'a project named "A" already exists' }, FIELDS);
    expect(r).toEqual({ fields: { name: 'a project named "A" already exists' }, form: null });
  });

  it('leaves other errors at form level', () => {
    expect(splitFieldErrors({ code: 'UNAVAILABLE', message: 'down' }, FIELDS)).toEqual({ fields: {}, form: 'down' });
  });
});

describe('splitPathErrors', () => {
  const fieldOf = (path: string) => (path === 'data.deadline' ? 'deadline' : path === 'name' ? 'name' : null);

  it('attaches issues by path, keeps a message holding "; " whole, and leaves unknown paths to the form', () => {
    const err = new ApiError('INVALID_INPUT', 'fah.saveProject: data.deadline: at least 300 s; use seconds; data.core: not hex; oops');
    expect(splitPathErrors(err, fieldOf)).toEqual({ fields: { deadline: 'at least 300 s; use seconds' }, form: 'data.core: not hex; oops' });
  });

  it('uses details.field, and sends a CONFLICT to conflictPath only when given', () => {
    expect(splitPathErrors(new ApiError('REMOTE_FAILED', 'nope', { field: 'data.deadline' }), fieldOf)).toEqual({ fields: { deadline: 'nope' }, form: null });
    expect(splitPathErrors(new ApiError('INVALID_INPUT', 'bad', { field: 'data.other' }), fieldOf).form).toBe('data.other: bad');
    const taken = new ApiError('CONFLICT', 'fleets.deploy: a fleet named "x" exists');
    expect(splitPathErrors(taken, fieldOf, 'name')).toEqual({ fields: { name: 'a fleet named "x" exists' }, form: null });
    expect(splitPathErrors(taken, fieldOf)).toEqual({ fields: {}, form: 'fleets.deploy: a fleet named "x" exists' });
  });
});
