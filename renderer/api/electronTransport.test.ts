import { describe, expect, it } from 'vitest';
import { createClient } from '../../shared/client.js';
import type { EventName } from '../../shared/contract.js';
import type { Envelope, PreloadBridge } from '../../shared/transport.js';
import { createElectronTransport } from './electronTransport.js';
import { isEnvelope } from './envelope.js';

function bridge(answers: Record<string, Envelope | unknown>) {
  let listener: ((e: EventName, p: unknown) => void) | null = null;
  const calls = new Proxy({} as PreloadBridge['calls'], {
    get: (_t, name: string) => (name in answers ? async () => answers[name] : undefined),
  });
  const b: PreloadBridge = {
    calls,
    onEvent(l) {
      listener = l;
      return () => {
        listener = null;
      };
    },
    pathForFile: (file) => `/dropped/${file.name}`,
  };
  return { b, emit: (e: string, p: unknown) => listener?.(e as EventName, p) };
}

describe('electron transport', () => {
  it('unwraps envelopes into results and typed errors', async () => {
    const { b } = bridge({
      'targets.list': { ok: true, result: [] },
      'projects.get': { ok: false, error: { code: 'NOT_FOUND', message: 'no project p9' } },
      'jobs.list': 'garbage',
    });
    const api = createClient(createElectronTransport(b));
    await expect(api.targets.list()).resolves.toEqual([]);
    await expect(api.projects.get({ id: 'p9' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'no project p9' });
    await expect(api.jobs.list()).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(api.activity.list()).rejects.toMatchObject({ code: 'UNKNOWN_METHOD' });
  });

  it('passes on valid events only', () => {
    const { b, emit } = bridge({});
    const api = createClient(createElectronTransport(b));
    const seen: unknown[] = [];
    api.on('targets.changed', (p) => seen.push(p));
    emit('targets.changed', { targetId: null });
    emit('targets.changed', null);
    emit('bogus', {});
    expect(seen).toEqual([{ targetId: null }]);
  });
});

describe('isEnvelope', () => {
  it('accepts ok envelopes and failed ones with a known error code', () => {
    expect(isEnvelope({ ok: true, result: null })).toBe(true);
    expect(isEnvelope({ ok: false, error: { code: 'CONFLICT', message: 'x' } })).toBe(true);
    expect(isEnvelope({ ok: false, error: { code: 'WHATEVER', message: 'x' } })).toBe(false);
    expect(isEnvelope({ ok: false })).toBe(false);
    expect(isEnvelope(null)).toBe(false);
    expect(isEnvelope('ok')).toBe(false);
  });
});
