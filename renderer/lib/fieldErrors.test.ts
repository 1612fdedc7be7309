import { describe, expect, it } from 'vitest';
import { splitFieldErrors } from './fieldErrors.js';

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
