import { describe, expect, it } from 'vitest';
import { TargetKind } from '../../shared/domain.js';
import { DEFAULT_AS_URL, TARGET_FIELDS, TARGET_KINDS, buildSettings, defaultValues, summarizeSettings } from './targets.js';

describe('target kinds', () => {
  it('covers every TargetKind of the contract', () => {
    expect(TARGET_KINDS.map((k) => k.kind).sort()).toEqual([...TargetKind.options].sort());
    for (const k of TargetKind.options) expect(TARGET_FIELDS[k]).toBeDefined();
  });
});

describe('buildSettings', () => {
  it('keeps filled fields, parses the port and leaves empty ones out', () => {
    const r = buildSettings('slurm', { host: ' login.hpc.edu ', port: '2222', username: 'jdoe', privateKeyPath: '', hostKeySha256: '' });
    expect(r).toEqual({ settings: { host: 'login.hpc.edu', port: 2222, username: 'jdoe' }, errors: {} });
  });

  it('reports missing required fields and bad ports', () => {
    const r = buildSettings('slurm', { port: '70000' });
    expect(Object.keys(r.errors).sort()).toEqual(['host', 'port']);
    expect(buildSettings('slurm', { host: 'h', port: '22.5' }).errors.port).toMatch(/whole number/);
  });

  it('only uses the fields of the chosen kind', () => {
    expect(buildSettings('kubernetes', { namespace: 'md', host: 'ignored' }).settings).toEqual({ namespace: 'md' });
    expect(buildSettings('local-docker', {}).settings).toEqual({});
  });

  it('takes a work server with the default AS, an email and a custom CA, and checks both', () => {
    const values = { ...defaultValues('fah'), wsUrl: 'https://ws1.example.org', email: 'me@example.org', caPem: '-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n' };
    expect(buildSettings('fah', values).settings).toMatchObject({ asUrl: DEFAULT_AS_URL, email: 'me@example.org', caPem: expect.stringContaining('BEGIN CERTIFICATE') });
    const bad = buildSettings('fah', { wsUrl: 'https://ws', email: 'me', caPem: 'not a pem' });
    expect(Object.keys(bad.errors).sort()).toEqual(['caPem', 'email']);
    expect(buildSettings('fah', { wsUrl: 'https://ws' }).settings).toEqual({ wsUrl: 'https://ws' }); // empty CA = system trust
    expect(defaultValues('slurm')).toEqual({});
  });
});

describe('summarizeSettings', () => {
  it('shows the identifying settings per kind', () => {
    expect(summarizeSettings({ kind: 'slurm', settings: { host: 'login', username: 'jdoe', port: 22 } })).toBe('jdoe@login');
    expect(summarizeSettings({ kind: 'slurm', settings: { host: 'login', port: 2222 } })).toBe('login:2222');
    expect(summarizeSettings({ kind: 'local-docker', settings: {} })).toBe('default Docker socket');
    expect(summarizeSettings({ kind: 'kubernetes', settings: { context: 'c1', namespace: 'ns' } })).toBe('context c1 · namespace ns');
    expect(summarizeSettings({ kind: 'fah', settings: { wsUrl: 'https://ws' } })).toBe('https://ws');
    expect(summarizeSettings({ kind: 'fah', settings: { wsUrl: 'https://ws', email: 'a@b.org', caPem: 'x' } })).toBe('https://ws · a@b.org · custom CA');
  });
});
