import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../shared/errors.js';
import { METHODS } from '../../shared/contract.js';
import { createRouter, type Handlers } from './router.js';

const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

function routerWith(overrides: Partial<Record<string, (p: never) => unknown>>) {
  const handlers = Object.fromEntries(METHODS.map((m) => [m, overrides[m] ?? (() => { throw new Error('not in this test'); })]));
  return createRouter(handlers as unknown as Handlers, log);
}

describe('router', () => {
  it('refuses unknown methods by name', async () => {
    const env = await routerWith({})('projects.drop', {});
    expect(env).toEqual({ ok: false, error: { code: 'UNKNOWN_METHOD', message: expect.stringContaining('"projects.drop"') } });
  });

  it('validates parameters before the handler runs, and fills defaults', async () => {
    const handler = vi.fn((p: unknown) => [p].length && []);
    const route = routerWith({ 'projects.list': handler });
    expect(await route('projects.list', { includeArchived: 'yes' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(handler).not.toHaveBeenCalled();
    expect(await route('projects.list', undefined)).toEqual({ ok: true, result: [] });
    expect(handler).toHaveBeenCalledWith({ includeArchived: false });
  });

  it('passes typed errors through and hides nothing the user needs', async () => {
    const route = routerWith({
      'projects.get': () => {
        throw new ApiError('NOT_FOUND', 'No project with id x.');
      },
    });
    expect(await route('projects.get', { id: 'x' })).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No project with id x.' } });
  });

  it('turns unexpected exceptions into INTERNAL errors and logs them', async () => {
    const route = routerWith({
      'projects.get': () => {
        throw new TypeError('boom');
      },
    });
    const env = await route('projects.get', { id: 'x' });
    expect(env).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringContaining('boom') } });
    expect(log.error).toHaveBeenCalledWith('handler failed', expect.objectContaining({ method: 'projects.get' }));
  });

  it('refuses a handler result that breaks the contract', async () => {
    const route = routerWith({ 'projects.get': () => ({ id: 'x', name: 42 }) });
    const env = await route('projects.get', { id: 'x' });
    expect(env).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringContaining('invalid answer') } });
  });
});
