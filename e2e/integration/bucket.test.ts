// The results-bucket layer against a real S3-compatible server on loopback (moto_server): an rclone.conf
// remote, inputs uploaded (a folder, per-replica files, a 20 MiB multipart file), which window lacks its inputs,
// paginated listings, and `rclone copy --update`-style downloads: everything, then nothing, then only the changed
// object, then an interrupted download that resumes from its partial (sha256-verified).
// A second moto_server checks every signature (botocore's S3SigV4Auth) and IAM permissions: valid keys work
// end to end, a wrong secret, an unknown key and a user without S3 rights get the errors a researcher can act on.
// moto_server must be on PATH (or SIMDECK_MOTO_SERVER); if it cannot start, the suite fails and says so.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/errors.js';
import { s3RemoteFromConf } from '../../electron/kube/bucket/rclone-config.js';
import { BucketCancelled, S3Client } from '../../electron/kube/bucket/s3-client.js';
import { sha256Hex, signRequest } from '../../electron/kube/bucket/sigv4.js';
import { xmlText } from '../../electron/kube/bucket/xml.js';
import { PART_SUFFIX, downloadNewer, missingInputsByWindow, missingInputs, uploadInputs } from '../../electron/kube/bucket/sync.js';
import type { TransferProgress } from '../../electron/kube/bucket/sync.js';
import { freePort, startMoto } from '../support/moto.js';
import type { Moto } from '../support/moto.js';

const BUCKET = 'proteinbenchmark-jm-bucket';
const PREFIX = 'results';
const S = 'gb3-null-0.0.3-pair-opc3';
const MiB = 1024 * 1024;

const motos: Moto[] = [];
let tmp = '';
let client: S3Client;
let endpoint = '';

async function writeFile(root: string, rel: string, data: string | Buffer): Promise<void> {
  const p = path.join(root, ...rel.split('/'));
  await fs.mkdir(path.dirname(p), { recursive: true });
  await fs.writeFile(p, data);
}

async function sha256File(p: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(p)) h.update(c as Buffer);
  return h.digest('hex');
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'simdeck-bucket-'));
  const moto = await startMoto();
  motos.push(moto);
  endpoint = moto.endpoint;
  const confPath = path.join(tmp, 'rclone.conf');
  await fs.writeFile(
    confPath,
    [
      '# written by the bucket integration test',
      '[nrp]',
      'type = s3',
      'provider = Other',
      'access_key_id = AKIDTESTLAPTOP',
      'secret_access_key = testsecret/laptop',
      `endpoint = ${endpoint}`,
      'force_path_style = true',
      '',
      '[nrp-internal]',
      'type = s3',
      'provider = Other',
      'access_key_id = AKIDTESTPOD',
      'secret_access_key = testsecret/pod',
      'endpoint = http://rook-ceph-rgw-nautiluss3.rook',
      '',
    ].join('\n'),
  );
  const remote = s3RemoteFromConf(await fs.readFile(confPath, 'utf8'), 'nrp');
  client = new S3Client(remote, { attempts: 2 });
  await client.createBucket(BUCKET);
}, 90_000);

afterAll(async () => {
  client?.close();
  for (const m of motos) await m.stop();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

describe('results bucket on a real S3 server (moto)', () => {
  const local = () => path.join(tmp, 'campaign');
  const bigRel = `${S}/replica-1/window-00/${S}-production.dcd`;
  let bigSha = '';

  it('describes the remote without keys', () => {
    const d = client.describe();
    expect(d).toMatchObject({ name: 'nrp', provider: 'Other', endpoint, pathStyle: true, bucketAccess: 'unknown' });
    expect(JSON.stringify(d)).not.toMatch(/AKIDTEST|testsecret/);
    expect(JSON.stringify(client)).not.toMatch(/AKIDTEST|testsecret/);
  });

  it('uploads a campaign input tree, newer only', async () => {
    await writeFile(local(), `${S}/setup/${S}-umbrella-openmm-system.xml`, '<System/>\n'.repeat(100));
    await writeFile(local(), `${S}/setup/${S}-native-contacts.dat`, '# Chain_i Resid_i\n');
    await writeFile(local(), `${S}/replica-1/${S}-window-00.pdb`, 'ATOM      1  N   MET A   1\n');
    await writeFile(local(), `${S}/replica-1/${S}-equilibration-1.xml`, '<State/>\n');
    const progress: TransferProgress[] = [];
    const rels = [`${S}/setup/`, `${S}/replica-1/${S}-window-00.pdb`, `${S}/replica-1/${S}-equilibration-1.xml`, `${S}/replica-1/${S}-window-01.pdb`];
    const first = await uploadInputs(client, local(), BUCKET, PREFIX, rels, (p) => progress.push(p));
    expect(first.uploaded.sort()).toEqual([
      `${S}/replica-1/${S}-equilibration-1.xml`,
      `${S}/replica-1/${S}-window-00.pdb`,
      `${S}/setup/${S}-native-contacts.dat`,
      `${S}/setup/${S}-umbrella-openmm-system.xml`,
    ]);
    expect(first.missingLocal).toEqual([`${S}/replica-1/${S}-window-01.pdb`]);
    const last = progress.at(-1);
    expect(last).toMatchObject({ filesDone: 4, filesTotal: 4 });
    expect(last?.bytesDone).toBe(last?.bytesTotal);
    const head = await client.head(BUCKET, `${PREFIX}/${S}/replica-1/${S}-window-00.pdb`);
    expect(head?.size).toBe(27);
    expect(head?.metadata.mtime).toMatch(/^\d+\.\d{9}$/); // rclone's mtime record
    const second = await uploadInputs(client, local(), BUCKET, PREFIX, rels);
    expect(second.uploaded).toEqual([]);
    expect(second.upToDate).toHaveLength(4);
  });

  it('reports exactly the inputs a window lacks', async () => {
    const req = (ww: string) => [
      `${S}/setup/${S}-umbrella-openmm-system.xml`,
      `${S}/replica-1/${S}-window-${ww}.pdb`,
      `${S}/replica-1/${S}-equilibration-1.xml`,
      `${S}/setup/`,
    ];
    const missing = await missingInputsByWindow(client, BUCKET, PREFIX, { 'replica-1/window-00': req('00'), 'replica-1/window-01': req('01') });
    expect(missing).toEqual({ 'replica-1/window-00': [], 'replica-1/window-01': [`${S}/replica-1/${S}-window-01.pdb`] });
    expect(await missingInputs(client, BUCKET, PREFIX, [`${S}/replica-1/window-01/`, `${S}/replica-1/`, `${S}/nope.xml`])).toEqual([
      `${S}/replica-1/window-01/`,
      `${S}/nope.xml`,
    ]);
  });

  it('uploads a 20 MiB file in parts', async () => {
    const data = randomBytes(20 * MiB);
    bigSha = createHash('sha256').update(data).digest('hex');
    await writeFile(local(), bigRel, data);
    const sent: number[] = [];
    await client.putObject(BUCKET, `${PREFIX}/${bigRel}`, createReadStream(path.join(local(), ...bigRel.split('/'))), data.length, {
      onProgress: (n) => sent.push(n),
    });
    expect(sent).toEqual([8 * MiB, 16 * MiB, 20 * MiB]); // three parts of 8 MiB
    const head = await client.head(BUCKET, `${PREFIX}/${bigRel}`);
    expect(head?.size).toBe(20 * MiB);
    expect(head?.etag).toMatch(/-3$/); // a multipart ETag
  });

  it('lists with a prefix across pages', async () => {
    const many = Array.from({ length: 23 }, (_, i) => `${PREFIX}/${S}/many/f-${String(i).padStart(2, '0')}.dat`);
    await Promise.all(many.map((k) => client.putObject(BUCKET, k, Buffer.from(k), k.length)));
    const page = await client.listObjectsPage(BUCKET, `${PREFIX}/${S}/many/`, { maxKeys: 5 });
    expect(page.objects).toHaveLength(5);
    expect(page.isTruncated).toBe(true);
    expect(page.nextContinuationToken).toBeTruthy();
    const all = await client.listObjects(BUCKET, `${PREFIX}/${S}/many/`, { maxKeys: 5 });
    expect(all.map((o) => o.key)).toEqual(many);
    expect(all.every((o) => o.size > 0 && o.etag.length > 0 && !Number.isNaN(o.lastModified.getTime()))).toBe(true);
    const everything = await client.listObjects(BUCKET, `${PREFIX}/`);
    expect(everything).toHaveLength(4 + 1 + 23);
  });

  it('downloads newer objects only, like rclone copy --update', async () => {
    const dl = path.join(tmp, 'download');
    const progress: TransferProgress[] = [];
    const first = await downloadNewer(client, BUCKET, PREFIX, dl, { onProgress: (p) => progress.push(p), maxKeys: 10 });
    expect(first.downloaded).toHaveLength(28);
    expect(first.upToDate).toBe(0);
    const last = progress.at(-1);
    expect(last).toMatchObject({ filesDone: 28, filesTotal: 28 });
    expect(last?.bytesDone).toBe(last?.bytesTotal);
    expect(last?.bytesTransferred).toBe(last?.bytesTotal);
    expect(await sha256File(path.join(dl, ...bigRel.split('/')))).toBe(bigSha);
    const listed = await client.listObjects(BUCKET, `${PREFIX}/${S}/setup/`);
    const st = await fs.stat(path.join(dl, S, 'setup', `${S}-native-contacts.dat`));
    expect(Math.floor(st.mtimeMs / 1000)).toBe(Math.floor((listed.find((o) => o.key.endsWith('native-contacts.dat'))?.lastModified.getTime() ?? 0) / 1000));
    expect((await fs.readdir(path.join(dl, S, 'setup'))).some((n) => n.includes(PART_SUFFIX))).toBe(false);

    const second = await downloadNewer(client, BUCKET, PREFIX, dl);
    expect(second.downloaded).toEqual([]);
    expect(second.upToDate).toBe(28);
    expect(second.bytesTransferred).toBe(0);

    await new Promise((r) => setTimeout(r, 1100)); // S3 times have whole seconds
    const changed = `${PREFIX}/${S}/many/f-07.dat`;
    await client.putObject(BUCKET, changed, Buffer.from('changed content'), 15);
    const third = await downloadNewer(client, BUCKET, PREFIX, dl);
    expect(third.downloaded).toEqual([changed]);
    expect(third.upToDate).toBe(27);
    expect(await fs.readFile(path.join(dl, S, 'many', 'f-07.dat'), 'utf8')).toBe('changed content');
  });

  it('resumes an interrupted download from its partial file', async () => {
    const dl = path.join(tmp, 'download-resume');
    const target = path.join(dl, ...bigRel.split('/'));
    const ac = new AbortController();
    const onlyBig = (rel: string) => rel === bigRel;
    await expect(
      downloadNewer(client, BUCKET, PREFIX, dl, {
        filter: onlyBig,
        signal: ac.signal,
        progressIntervalMs: 0,
        onProgress: (p) => { if (p.bytesDone >= 3 * MiB) ac.abort(); },
      }),
    ).rejects.toBeInstanceOf(BucketCancelled);
    const partSize = (await fs.stat(target + PART_SUFFIX)).size;
    expect(partSize).toBeGreaterThan(0);
    expect(partSize).toBeLessThan(20 * MiB);
    await expect(fs.stat(target)).rejects.toThrow();

    const progress: TransferProgress[] = [];
    const resumed = await downloadNewer(client, BUCKET, PREFIX, dl, { filter: onlyBig, onProgress: (p) => progress.push(p) });
    expect(resumed.downloaded).toEqual([`${PREFIX}/${bigRel}`]);
    expect(resumed.resumed).toEqual([`${PREFIX}/${bigRel}`]);
    expect(resumed.bytesTransferred).toBe(20 * MiB - partSize);
    expect(resumed.bytesTransferred).toBeLessThan(20 * MiB);
    expect(progress[0]?.bytesTotal).toBe(20 * MiB);
    expect(await sha256File(target)).toBe(bigSha);
    await expect(fs.stat(target + PART_SUFFIX)).rejects.toThrow();
  });

  it('round-trips keys with reserved and non-ASCII characters', async () => {
    const keys = [`odd/${S}/a b+c(1)=é&~'!*$.txt`, 'odd/100%/x;y,z@[1].dat', 'odd/plain.txt'];
    for (const k of keys) await client.putObject(BUCKET, k, Buffer.from(k), Buffer.byteLength(k));
    expect((await client.listObjects(BUCKET, 'odd/', { maxKeys: 1 })).map((o) => o.key).sort()).toEqual([...keys].sort());
    expect((await client.head(BUCKET, keys[0] as string))?.size).toBe(Buffer.byteLength(keys[0] as string));
    const dl = path.join(tmp, 'download-odd');
    const sum = await downloadNewer(client, BUCKET, 'odd', dl);
    expect(sum.downloaded.sort()).toEqual([...keys].sort());
    expect(await fs.readFile(path.join(dl, S, "a b+c(1)=é&~'!*$.txt"), 'utf8')).toBe(keys[0]);
    expect(await missingInputs(client, BUCKET, 'odd', ['100%/', "100%/x;y,z@[1].dat", '100%/nope'])).toEqual(['100%/nope']);
  });

  it('says what is wrong: missing bucket, unreachable endpoint', async () => {
    const err = await client.listObjects('no-such-bucket-here', '').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('NOT_FOUND');
    expect((err as ApiError).message).toMatch(/Bucket no-such-bucket-here does not exist at http:\/\/127\.0\.0\.1:\d+ \(remote nrp\)/);
    const deadPort = await freePort();
    const dead = new S3Client({ ...client.remote, endpoint: `http://127.0.0.1:${deadPort}` }, { attempts: 1 });
    const err2 = await dead.head(BUCKET, 'x').catch((e: unknown) => e);
    dead.close();
    expect((err2 as ApiError).code).toBe('UNAVAILABLE');
    expect((err2 as ApiError).message).toMatch(/Cannot reach http:\/\/127\.0\.0\.1:\d+ \(remote nrp\): ECONNREFUSED/);
    expect((err2 as ApiError).message).not.toMatch(/AKIDTEST|testsecret/);
  });
});

describe('signatures and permissions checked by the server (moto with IAM auth)', () => {
  let authEndpoint = '';
  let allowed: { accessKeyId: string; secretAccessKey: string };
  let noRights: { accessKeyId: string; secretAccessKey: string };
  const clients: S3Client[] = [];
  const mk = (keys: { accessKeyId: string; secretAccessKey: string }, name = 'nrp') => {
    const c = new S3Client({ name, provider: 'Other', ...keys, region: 'us-east-1', endpoint: authEndpoint, forcePathStyle: true, envAuth: false }, { attempts: 1 });
    clients.push(c);
    return c;
  };

  /** An IAM query API call (moto routes it by the credential scope; the first calls need no valid key). */
  async function iam(params: Record<string, string>): Promise<string> {
    const body = new URLSearchParams({ ...params, Version: '2010-05-08' }).toString();
    const host = new URL(authEndpoint).host;
    const { headers } = signRequest({
      method: 'POST', host, path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payloadHash: sha256Hex(body), region: 'us-east-1', service: 'iam', date: new Date(),
      credentials: { accessKeyId: 'AKIDBOOTSTRAP', secretAccessKey: 'bootstrap' },
    });
    delete headers.host;
    const res = await fetch(`${authEndpoint}/`, { method: 'POST', headers, body });
    const text = await res.text();
    if (!res.ok) throw new Error(`IAM ${params.Action} failed: ${res.status} ${text}`);
    return text;
  }
  async function user(name: string): Promise<{ accessKeyId: string; secretAccessKey: string }> {
    await iam({ Action: 'CreateUser', UserName: name });
    const xml = await iam({ Action: 'CreateAccessKey', UserName: name });
    return { accessKeyId: xmlText(xml, 'AccessKeyId') ?? '', secretAccessKey: xmlText(xml, 'SecretAccessKey') ?? '' };
  }

  beforeAll(async () => {
    // Five unauthenticated IAM calls set up two users; every request after them is signature-checked.
    const moto = await startMoto({ env: { INITIAL_NO_AUTH_ACTION_COUNT: '5' } });
    motos.push(moto);
    authEndpoint = moto.endpoint;
    allowed = await user('researcher');
    await iam({
      Action: 'PutUserPolicy', UserName: 'researcher', PolicyName: 's3',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }),
    });
    noRights = await user('visitor');
  }, 90_000);
  afterAll(() => {
    for (const c of clients) c.close();
  });

  // moto checks signatures against the URL as werkzeug rebuilds it, which leaves reserved characters ("+", "=",
  // "(", "&", "'", "/" in query values, non-ASCII) unencoded; botocore itself, real S3 and Ceph sign them encoded.
  // So keys and prefixes here stay within what survives that rebuild; reserved characters are covered by the
  // AWS test vectors (sigv4.test.ts) and by the odd-key round trip above.
  it('signs every kind of request the bucket layer makes so that botocore agrees', async () => {
    const c = mk(allowed);
    await c.createBucket(BUCKET);
    const odd = `${PREFIX}/${S}/odd names/a b~c_1.txt`;
    await c.putObject(BUCKET, odd, Buffer.from('hashed payload'), 14);
    const streamed = Buffer.from('streamed with UNSIGNED-PAYLOAD');
    await c.putObject(BUCKET, `${PREFIX}/${S}/streamed.txt`, Readable.from([streamed]), streamed.length);
    const big = randomBytes(9 * MiB);
    await c.putObject(BUCKET, `${PREFIX}/${S}/parts.bin`, Readable.from([big]), big.length); // CreateMultipartUpload, UploadPart ×2, Complete
    for (let i = 0; i < 5; i++) await c.putObject(BUCKET, `${PREFIX}/${S}/p/${i}`, Buffer.from(String(i)), 1);
    const listed = await c.listObjects(BUCKET, '', { maxKeys: 2 }); // continuation tokens in the query
    expect(listed.map((o) => o.key)).toContain(odd);
    expect(listed).toHaveLength(8);
    expect((await c.head(BUCKET, odd))?.size).toBe(14);
    expect(await c.head(BUCKET, `${PREFIX}/absent`)).toBeNull();
    const part = await c.getObject(BUCKET, odd, { range: { start: 7 } });
    const chunks: Buffer[] = [];
    for await (const ch of part.body) chunks.push(ch as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('payload');
    expect(part.totalSize).toBe(14);
    expect(await missingInputs(c, BUCKET, PREFIX, [`${S}/streamed.txt`, `${S}/gone.txt`])).toEqual([`${S}/gone.txt`]);
    const dl = path.join(tmp, 'download-auth');
    const sum = await downloadNewer(c, BUCKET, '', dl, { maxKeys: 3 });
    expect(sum.downloaded).toHaveLength(8);
    expect(await fs.readFile(path.join(dl, PREFIX, S, 'odd names', 'a b~c_1.txt'), 'utf8')).toBe('hashed payload');
    expect(createHash('sha256').update(await fs.readFile(path.join(dl, PREFIX, S, 'parts.bin'))).digest('hex')).toBe(createHash('sha256').update(big).digest('hex'));
    await c.deleteObject(BUCKET, `${PREFIX}/${S}/p/0`);
    expect(await c.head(BUCKET, `${PREFIX}/${S}/p/0`)).toBeNull();
  });

  it('a wrong secret: check the access key / secret and the region', async () => {
    const err = await mk({ ...allowed, secretAccessKey: 'not-the-secret' }).listObjects(BUCKET, '').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('UNAUTHORIZED');
    expect((err as ApiError).message).toMatch(/rejected the request signature of remote nrp: check the access key \/ secret and the region/);
    expect(JSON.stringify((err as ApiError).toJSON())).not.toContain(allowed.accessKeyId);
  });

  it('an unknown access key', async () => {
    const err = await mk({ accessKeyId: 'AKIDUNKNOWN000000000', secretAccessKey: 'x' }).head(BUCKET, 'x').catch((e: unknown) => e);
    expect((err as ApiError).code).toMatch(/UNAUTHORIZED|FORBIDDEN/);
    const err2 = await mk({ accessKeyId: 'AKIDUNKNOWN000000000', secretAccessKey: 'x' }).listObjects(BUCKET, '').catch((e: unknown) => e);
    expect((err2 as ApiError).code).toBe('UNAUTHORIZED');
    expect((err2 as ApiError).message).toMatch(/does not know the access key of remote nrp/);
  });

  it('keys without rights on the bucket: the credentials of remote X cannot read bucket Y', async () => {
    const c = mk(noRights, 'nrp-readonly');
    const err = await c.listObjects(BUCKET, '').catch((e: unknown) => e);
    expect((err as ApiError).code).toBe('FORBIDDEN');
    expect((err as ApiError).message).toMatch(/^The credentials of remote nrp-readonly cannot list bucket proteinbenchmark-jm-bucket/);
    const err2 = await c.putObject(BUCKET, `${PREFIX}/x`, Buffer.from('x'), 1).catch((e: unknown) => e);
    expect((err2 as ApiError).message).toMatch(/cannot write to bucket proteinbenchmark-jm-bucket/);
  });
});
