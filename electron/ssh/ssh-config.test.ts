// ~/.ssh/config import: aliases, wildcard skipping, first-value-wins with Host * defaults, Include with globs,
// key=value form, case-insensitive keywords; ProxyJump specs.
import { describe, expect, it } from 'vitest';
import { parseProxyJump, parseSshConfig } from './ssh-config.js';
import type { ConfigFiles } from './ssh-config.js';

const HOME = '/home/ana';

function fakeFiles(files: Record<string, string>): ConfigFiles {
  return {
    read: (p) => files[p] ?? null,
    list: (d) =>
      Object.keys(files)
        .filter((p) => p.startsWith(`${d}/`) && !p.slice(d.length + 1).includes('/'))
        .map((p) => p.slice(d.length + 1)),
  };
}

describe('parseSshConfig', () => {
  it('imports aliases with their effective settings', () => {
    const text = `
# my clusters
Host hpc hpc-login
    HostName login.hpc.example.org
    user ana
    IdentityFile ~/.ssh/id_hpc
Host gpu
    HOSTNAME=gpu.example.org
    Port=2222
    ProxyJump hpc
Host *.internal !bad.internal
    User ignored
Host *
    User default-user
    IdentityFile ~/.ssh/id_default
Match host foo
    User never
`;
    const hosts = parseSshConfig(text, HOME, fakeFiles({}));
    expect(hosts).toEqual([
      { alias: 'hpc', hostName: 'login.hpc.example.org', port: 22, user: 'ana', identityFile: '/home/ana/.ssh/id_hpc', proxyJump: null },
      { alias: 'hpc-login', hostName: 'login.hpc.example.org', port: 22, user: 'ana', identityFile: '/home/ana/.ssh/id_hpc', proxyJump: null },
      { alias: 'gpu', hostName: 'gpu.example.org', port: 2222, user: 'default-user', identityFile: '/home/ana/.ssh/id_default', proxyJump: 'hpc' },
    ]);
  });

  it('follows Include relative to ~/.ssh, with globs, in place', () => {
    const files = fakeFiles({
      '/home/ana/.ssh/config.d/a.conf': 'Host alpha\n  HostName alpha.org\n',
      '/home/ana/.ssh/config.d/b.conf': 'Host beta\n  HostName beta.org\n  Include nested\n',
      '/home/ana/.ssh/config.d/skip.txt': 'Host nope\n',
      '/home/ana/.ssh/nested': 'Port 2200\n',
      '/etc/ssh/extra': 'Host gamma\n',
    });
    const hosts = parseSshConfig('Include config.d/*.conf /etc/ssh/extra\nHost delta\n', HOME, files);
    expect(hosts.map((h) => h.alias)).toEqual(['alpha', 'beta', 'gamma', 'delta']);
    expect(hosts.find((h) => h.alias === 'beta')?.port).toBe(2200);
    expect(hosts.find((h) => h.alias === 'gamma')?.hostName).toBe('gamma');
  });
});

describe('parseProxyJump', () => {
  it('parses chains like OpenSSH', () => {
    expect(parseProxyJump('bastion, ana@gw.org:2200,[::1]:2222')).toEqual([
      { host: 'bastion', port: 22, user: null },
      { host: 'gw.org', port: 2200, user: 'ana' },
      { host: '::1', port: 2222, user: null },
    ]);
    expect(parseProxyJump('')).toEqual([]);
    expect(() => parseProxyJump('host:99999')).toThrow(/not a valid jump host/);
  });
});
