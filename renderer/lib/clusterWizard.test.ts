import { describe, expect, it } from 'vitest';
import { buildClusterSettings, emptyClusterForm, formFromSettings, formFromSshConfig } from './clusterWizard.js';

describe('cluster wizard form', () => {
  it('builds settings with the proxyJump chain as ssh writes it', () => {
    const f = { ...emptyClusterForm(), name: 'Expanse', host: 'login.expanse.sdsc.edu', port: '2222', user: 'alice', auth: 'key' as const, keyPath: '~/.ssh/id_ed25519', hops: [{ user: 'alice', host: 'gw.sdsc.edu', port: '' }, { user: '', host: 'bastion', port: '2200' }], workDir: '/expanse/lustre/alice' };
    const b = buildClusterSettings(f);
    expect(b.errors).toEqual({});
    expect(b.settings).toEqual({ host: 'login.expanse.sdsc.edu', port: 2222, username: 'alice', authMethod: 'key', useAgent: false, privateKeyPath: '~/.ssh/id_ed25519', proxyJump: 'alice@gw.sdsc.edu,bastion:2200', workDir: '/expanse/lustre/alice' });
    expect(formFromSettings('Expanse', b.settings)).toEqual(f);
  });
  it('reports missing fields', () => {
    const b = buildClusterSettings({ ...emptyClusterForm(), auth: 'key', port: 'x', hops: [{ user: '', host: '', port: '' }] });
    expect(Object.keys(b.errors).sort()).toEqual(['host', 'name', 'port', 'privateKeyPath', 'proxyJump']);
    expect(b.hopErrors[0]).toBeTruthy();
  });
  it('imports an ~/.ssh/config host', () => {
    const f = formFromSshConfig({ alias: 'perl', hostName: 'perlmutter.nersc.gov', port: 22, user: 'bob', identityFile: '~/.ssh/nersc', proxyJump: 'gw' }, emptyClusterForm());
    expect(f).toMatchObject({ name: 'perl', host: 'perlmutter.nersc.gov', port: '', user: 'bob', auth: 'key', keyPath: '~/.ssh/nersc', hops: [{ user: '', host: 'gw', port: '' }] });
  });
});
