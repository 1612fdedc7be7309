import { describe, expect, it } from 'vitest';
import type { Target } from '../../shared/domain.js';
import type { AdapterContext } from '../core/adapter.js';
import { dockerAdapter } from './adapter.js';
import { dockerCommandLine, mapDockerError, resolveDockerEndpoint } from './endpoint.js';

const target = (settings: Target['settings'], kind: Target['kind'] = 'local-docker'): Target => ({
  id: 't1',
  name: 'engine',
  kind,
  settings,
  secretRefs: {},
  createdAt: '2025-01-01T00:00:00Z',
  updatedAt: '2025-01-01T00:00:00Z',
});

describe('resolveDockerEndpoint', () => {
  it('prefers the socket path from the settings, even over a tcp DOCKER_HOST', () => {
    const ep = resolveDockerEndpoint(target({ socketPath: '/run/user/1000/docker.sock' }), { DOCKER_HOST: 'tcp://x:2375' });
    expect(ep.url).toBe('unix:///run/user/1000/docker.sock');
    expect(ep.options).toMatchObject({ socketPath: '/run/user/1000/docker.sock', host: undefined });
  });

  it('uses host and port, default 2375', () => {
    expect(resolveDockerEndpoint(target({ host: 'build01' }), {}).url).toBe('tcp://build01:2375');
    expect(resolveDockerEndpoint(target({ host: 'build01', port: 2300 }), {}).options).toMatchObject({ host: 'build01', port: 2300 });
    expect(() => resolveDockerEndpoint(target({ host: 'h', port: 'abc' }), {})).toThrow(/port/);
  });

  it('falls back to DOCKER_HOST, then /var/run/docker.sock', () => {
    expect(resolveDockerEndpoint(target({}), { DOCKER_HOST: 'unix:///tmp/d.sock' }).url).toBe('unix:///tmp/d.sock');
    expect(resolveDockerEndpoint(target({}), { DOCKER_HOST: 'tcp://10.0.0.5:2375' }).url).toBe('tcp://10.0.0.5:2375');
    expect(resolveDockerEndpoint(target({}), {}).url).toBe('unix:///var/run/docker.sock');
  });

  it('prints the equivalent docker command, quoted', () => {
    const ep = resolveDockerEndpoint(target({ socketPath: '/tmp/my dir/docker.sock' }), {});
    expect(dockerCommandLine(ep, ['ps', '-a'])).toBe("docker -H 'unix:///tmp/my dir/docker.sock' ps -a");
  });

  it('maps socket errors to actionable codes', () => {
    const ep = resolveDockerEndpoint(target({}), {});
    expect(mapDockerError(Object.assign(new Error('x'), { code: 'ENOENT' }), ep).code).toBe('UNAVAILABLE');
    expect(mapDockerError(Object.assign(new Error('x'), { code: 'EACCES' }), ep).code).toBe('FORBIDDEN');
    expect(mapDockerError(Object.assign(new Error('x'), { statusCode: 500, json: { message: 'boom' } }), ep).message).toContain('boom');
  });
});

describe('dockerAdapter.connect without an engine', () => {
  it('reports UNAVAILABLE and logs the failed call', async () => {
    const entries: { command: string; outcome: string }[] = [];
    const ctx: AdapterContext = {
      activity: {
        async run(entry, work) {
          try {
            const r = await work();
            entries.push({ command: entry.command, outcome: 'ok' });
            return r;
          } catch (e) {
            entries.push({ command: entry.command, outcome: 'error' });
            throw e;
          }
        },
      },
      secrets: { reveal: async () => '' },
      log: { info() {}, warn() {}, error() {} },
    };
    await expect(dockerAdapter.connect(target({ socketPath: '/nonexistent/simdeck/docker.sock' }), ctx)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
    expect(entries).toEqual([{ command: 'docker -H unix:///nonexistent/simdeck/docker.sock version', outcome: 'error' }]);
  });
});
