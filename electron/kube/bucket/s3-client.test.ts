// The client against a scripted HTTP server on loopback: retries, S3 error bodies, a connection that drops
// mid-download (the partial is kept and the error says so), and no keys in dumps.
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/errors.js';
import { S3Client } from './s3-client.js';
import { PART_SUFFIX, downloadNewer } from './sync.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
let handler: Handler = (_req, res) => res.end();
const seen: { method: string; url: string; auth: string }[] = [];
let server: http.Server;
let client: S3Client;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', auth: String(req.headers.authorization ?? '') });
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  client = new S3Client(
    { name: 'nrp', provider: 'Ceph', accessKeyId: 'AKIDUNIT', secretAccessKey: 'SECRETUNIT', region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, envAuth: false },
    { attempts: 3 },
  );
});
afterAll(async () => {
  client.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const LIST = (key: string, size: number) =>
  `<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>${key}</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified><ETag>"e1"</ETag><Size>${size}</Size></Contents></ListBucketResult>`;

describe('S3Client over HTTP', () => {
  it('signs path-style requests and retries a 503', async () => {
    seen.length = 0;
    let n = 0;
    handler = (_req, res) => {
      n += 1;
      if (n === 1) {
        res.statusCode = 503;
        res.end('<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
      } else {
        res.end(LIST('results/a.txt', 3));
      }
    };
    const objs = await client.listObjects('bkt', 'results/');
    expect(objs.map((o) => o.key)).toEqual(['results/a.txt']);
    expect(seen).toHaveLength(2);
    expect(seen[1]?.url).toBe('/bkt?list-type=2&prefix=results%2F');
    expect(seen[1]?.auth).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDUNIT\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/);
  });

  it('turns AccessDenied into FORBIDDEN naming remote and bucket', async () => {
    handler = (_req, res) => {
      res.statusCode = 403;
      res.end('<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>r1</RequestId></Error>');
    };
    const err = await client.listObjects('proteinbenchmark-jm-bucket', 'results/').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('FORBIDDEN');
    expect((err as ApiError).message).toMatch(/^The credentials of remote nrp cannot list bucket proteinbenchmark-jm-bucket/);
    expect((err as ApiError).details).toMatchObject({ s3Code: 'AccessDenied', requestId: 'r1', bucket: 'proteinbenchmark-jm-bucket' });
  });

  it('keeps the partial when the connection drops mid-download and says to download again', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'simdeck-s3unit-'));
    try {
      handler = (req, res) => {
        if ((req.url ?? '').includes('list-type')) return void res.end(LIST('results/big.bin', 100_000));
        res.writeHead(200, { 'content-length': '100000', etag: '"e1"', 'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT' });
        res.write(Buffer.alloc(30_000, 1), () => setTimeout(() => res.socket?.destroy(), 50));
      };
      const err = await downloadNewer(client, 'bkt', 'results', dir).catch((e: unknown) => e);
      expect((err as ApiError).code).toBe('UNAVAILABLE');
      expect((err as ApiError).message).toMatch(/download again to continue from there/);
      expect((await fs.stat(path.join(dir, 'big.bin' + PART_SUFFIX))).size).toBe(30_000);
      // The next run asks only for the rest.
      let range = '';
      handler = (req, res) => {
        if ((req.url ?? '').includes('list-type')) return void res.end(LIST('results/big.bin', 100_000));
        range = String(req.headers.range);
        expect(req.headers['if-match']).toBe('"e1"');
        res.writeHead(206, { 'content-length': '70000', 'content-range': 'bytes 30000-99999/100000', etag: '"e1"' });
        res.end(Buffer.alloc(70_000, 2));
      };
      const sum = await downloadNewer(client, 'bkt', 'results', dir);
      expect(range).toBe('bytes=30000-');
      expect(sum).toMatchObject({ downloaded: ['results/big.bin'], resumed: ['results/big.bin'], bytesTransferred: 70_000 });
      const data = await fs.readFile(path.join(dir, 'big.bin'));
      expect(data.length).toBe(100_000);
      expect(data[29_999]).toBe(1);
      expect(data[30_000]).toBe(2);
      expect((await fs.stat(path.join(dir, 'big.bin'))).mtime.toISOString()).toBe('2024-01-01T00:00:00.000Z');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('never shows keys in dumps', () => {
    const text = `${inspect(client)} ${JSON.stringify(client)} ${JSON.stringify(client.describe())}`;
    expect(text).toContain('nrp');
    expect(text).not.toMatch(/AKIDUNIT|SECRETUNIT/);
  });
});
