import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/errors.js';
import { describeRemote, parseRcloneConf, parseRcloneSecretData, s3RemoteFromConf } from './rclone-config.js';

const CONF = `# rclone.conf as the NRP README's secret holds it
[nrp]
type = s3
provider = Ceph
access_key_id = AKIDLAPTOP
secret_access_key = SECRETLAPTOP/+=
endpoint = s3-west.nrp-nautilus.io

; pods use the in-cluster gateway
[nrp-internal]
type = s3
provider = Ceph
access_key_id = AKIDPOD
secret_access_key = SECRETPOD
endpoint = http://rook-ceph-rgw-nautiluss3.rook
region =

[aws]
type = s3
provider = AWS
env_auth = false
access_key_id = "AKIDAWS"
secret_access_key = SECRETAWS
session_token = TOKEN
region = eu-west-2

[minio]
type = s3
provider = Minio
access_key_id = a
secret_access_key = b
endpoint = http://127.0.0.1:9000/
force_path_style = false

[box]
type = sftp
host = example.org
pass = bm90LWEtcmVhbC1vYnNjdXJlZC1wYXNz
`;

describe('parseRcloneConf', () => {
  it('reads sections, keys, quotes and both comment styles', () => {
    const remotes = parseRcloneConf(CONF);
    expect(remotes.map((r) => [r.name, r.type])).toEqual([
      ['nrp', 's3'], ['nrp-internal', 's3'], ['aws', 's3'], ['minio', 's3'], ['box', 'sftp'],
    ]);
    expect(remotes[2]?.options.access_key_id).toBe('AKIDAWS');
    expect(remotes[1]?.options.region).toBe('');
  });
  it('handles CRLF, a BOM and repeated sections', () => {
    const r = parseRcloneConf('\uFEFF[a]\r\ntype = s3\r\n[a]\r\nprovider = Other\r\n');
    expect(r).toEqual([{ name: 'a', type: 's3', options: { type: 's3', provider: 'Other' } }]);
  });
  it('refuses lines it cannot read, with the line number', () => {
    expect(() => parseRcloneConf('key = value\n')).toThrow(/line 1.*before any \[remote\]/);
    expect(() => parseRcloneConf('[a]\ntype = s3\nnonsense\n')).toThrow(/line 3/);
    expect(() => parseRcloneConf('[ ]\n')).toThrow(/remote name/);
  });
});

describe('s3RemoteFromConf', () => {
  it('resolves a Ceph remote: https added, us-east-1 signing region, path style', () => {
    const r = s3RemoteFromConf(CONF, 'nrp');
    expect(r).toEqual({
      name: 'nrp', provider: 'Ceph', accessKeyId: 'AKIDLAPTOP', secretAccessKey: 'SECRETLAPTOP/+=',
      region: 'us-east-1', endpoint: 'https://s3-west.nrp-nautilus.io', forcePathStyle: true, envAuth: false,
    });
    expect(s3RemoteFromConf(CONF, 'nrp-internal').endpoint).toBe('http://rook-ceph-rgw-nautiluss3.rook');
  });
  it('resolves AWS: virtual-host style, regional endpoint, session token', () => {
    const r = s3RemoteFromConf(CONF, 'aws');
    expect(r.forcePathStyle).toBe(false);
    expect(r.endpoint).toBe('https://s3.eu-west-2.amazonaws.com');
    expect(r.region).toBe('eu-west-2');
    expect(r.sessionToken).toBe('TOKEN');
  });
  it('honours an explicit force_path_style and trims a trailing slash', () => {
    const r = s3RemoteFromConf(CONF, 'minio');
    expect(r.forcePathStyle).toBe(false);
    expect(r.endpoint).toBe('http://127.0.0.1:9000');
  });
  it('names the remotes it has when the one asked for is absent', () => {
    try {
      s3RemoteFromConf(CONF, 'nrp-external');
      expect.fail('should throw');
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).code).toBe('NOT_FOUND');
      expect((err as ApiError).message).toBe('rclone.conf has no remote named nrp-external; it has: nrp, nrp-internal, aws, minio, box.');
    }
  });
  it('refuses non-S3 remotes, missing keys, missing endpoints and V2 signatures', () => {
    expect(() => s3RemoteFromConf(CONF, 'box')).toThrow(/type "sftp", not s3/);
    expect(() => s3RemoteFromConf('[x]\ntype = s3\nprovider = Ceph\nendpoint = h\naccess_key_id = k\n', 'x')).toThrow(/no secret_access_key/);
    expect(() => s3RemoteFromConf('[x]\ntype = s3\nprovider = Ceph\nendpoint = h\n', 'x')).toThrow(/no access_key_id and no secret_access_key/);
    expect(() => s3RemoteFromConf('[x]\ntype = s3\nprovider = Ceph\naccess_key_id = k\nsecret_access_key = s\n', 'x')).toThrow(/no endpoint/);
    expect(() => s3RemoteFromConf('[x]\ntype = s3\nprovider = Other\nendpoint = h\nregion = other-v2-signature\naccess_key_id = k\nsecret_access_key = s\n', 'x')).toThrow(/V2 signatures/);
  });
  it('notes env_auth and says where it looked for keys', () => {
    const conf = '[e]\ntype = s3\nprovider = AWS\nenv_auth = true\n';
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    try {
      expect(() => s3RemoteFromConf(conf, 'e')).toThrow(/env_auth found none/);
      process.env.AWS_ACCESS_KEY_ID = 'ENVKEY';
      process.env.AWS_SECRET_ACCESS_KEY = 'ENVSECRET';
      const r = s3RemoteFromConf(conf, 'e');
      expect(r.envAuth).toBe(true);
      expect(r.accessKeyId).toBe('ENVKEY');
    } finally {
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID; else process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY; else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
  });
});

describe('parseRcloneSecretData and describeRemote', () => {
  it('decodes the secret key rclone.conf', () => {
    const data = { 'rclone.conf': Buffer.from(CONF).toString('base64') };
    expect(parseRcloneSecretData(data).map((r) => r.name)).toContain('nrp-internal');
    expect(() => parseRcloneSecretData({ other: 'eA==' })).toThrow(/no key "rclone.conf"; it has: other/);
    expect(() => parseRcloneSecretData({ 'rclone.conf': 'not base64!' })).toThrow(/not base64/);
  });
  it('describes a remote without its keys', () => {
    const r = s3RemoteFromConf(CONF, 'aws');
    const d = describeRemote(r);
    expect(d).toEqual({ name: 'aws', provider: 'AWS', endpoint: 'https://s3.eu-west-2.amazonaws.com', region: 'eu-west-2', pathStyle: false, envAuth: false, bucketAccess: 'unknown' });
    const text = JSON.stringify(d);
    for (const secret of ['AKIDAWS', 'SECRETAWS', 'TOKEN']) expect(text).not.toContain(secret);
  });
});
