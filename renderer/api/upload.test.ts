import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/errors.js';
import { TOKEN_HEADER, UPLOAD_PATH } from '../../shared/transport.js';
import { NO_TOKEN_MESSAGE, interpretUploadResponse, uploadFile, type XhrLike } from './browserTransport.js';

type Reply = { status: number; body: string; statusText?: string } | 'network-error';

class FakeXhr implements XhrLike {
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: unknown;
  aborted = false;
  upload = { onprogress: null as XhrLike['upload'] extends infer U ? (U extends { onprogress: infer P } ? P : never) : never };
  onload: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onabort: ((ev: unknown) => void) | null = null;
  status = 0;
  statusText = '';
  responseText = '';
  constructor(private readonly reply: Reply, private readonly progress: Array<[number, number]> = []) {}
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: unknown) {
    this.body = body;
    queueMicrotask(() => {
      if (this.aborted) return;
      for (const [loaded, total] of this.progress) this.upload.onprogress?.({ loaded, total, lengthComputable: total > 0 });
      if (this.reply === 'network-error') return this.onerror?.({});
      this.status = this.reply.status;
      this.statusText = this.reply.statusText ?? '';
      this.responseText = this.reply.body;
      this.onload?.({});
    });
  }
  abort() {
    this.aborted = true;
    queueMicrotask(() => this.onabort?.({}));
  }
}

function setup(reply: Reply, token: string | null = 'tok', progress: Array<[number, number]> = []) {
  const xhrs: FakeXhr[] = [];
  const seen: Array<number | null> = [];
  const run = (signal?: AbortSignal) =>
    uploadFile(
      { name: 'My decoy #1.pdb.bz2' },
      {
        token,
        signal,
        onProgress: (f) => seen.push(f),
        createXhr: () => {
          const x = new FakeXhr(reply, progress);
          xhrs.push(x);
          return x;
        },
      },
    );
  return { run, xhrs, seen };
}

const ok = (result: unknown) => JSON.stringify({ ok: true, result });
const uploaded = { uploadId: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d', name: 'My decoy #1.pdb.bz2', bytes: 1234 };

describe('uploadFile', () => {
  it('POSTs the raw bytes to /upload?name=… with the bearer token and returns the upload id', async () => {
    const { run, xhrs } = setup({ status: 200, body: ok(uploaded) });
    await expect(run()).resolves.toEqual(uploaded);
    const x = xhrs[0]!;
    expect(x.method).toBe('POST');
    expect(x.url).toBe(`${UPLOAD_PATH}?name=My%20decoy%20%231.pdb.bz2`);
    expect(x.headers[TOKEN_HEADER]).toBe('Bearer tok');
    expect(x.body).toEqual({ name: 'My decoy #1.pdb.bz2' });
  });

  it('reports progress as a fraction, null when the size is unknown', async () => {
    const { run, seen } = setup({ status: 200, body: ok(uploaded) }, 'tok', [
      [0, 1000],
      [500, 1000],
      [1000, 1000],
      [10, 0],
    ]);
    await run();
    expect(seen).toEqual([0, 0, 0.5, 1, null]);
  });

  it('sends no authorization header without a token', async () => {
    const { run, xhrs } = setup({ status: 401, body: '' }, null);
    await run().catch(() => undefined);
    expect(xhrs[0]!.headers[TOKEN_HEADER]).toBeUndefined();
  });

  it('explains a 401 (no or wrong token) and keeps the core\'s message when it sent one', async () => {
    await expect(setup({ status: 401, body: 'Unauthorized' }).run()).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: NO_TOKEN_MESSAGE });
    const withEnvelope = setup({ status: 401, body: JSON.stringify({ ok: false, error: { code: 'UNAUTHORIZED', message: 'token expired' } }) });
    await expect(withEnvelope.run()).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: 'token expired' });
  });

  it('turns a 413 into advice to type the path instead, with or without an envelope', async () => {
    const bare = await setup({ status: 413, body: '' }).run().catch((e: unknown) => e);
    expect(bare).toBeInstanceOf(ApiError);
    expect(bare).toMatchObject({ code: 'INVALID_INPUT' });
    expect((bare as ApiError).message).toContain('My decoy #1.pdb.bz2');
    expect((bare as ApiError).message).toContain('path on this machine');
    const env = JSON.stringify({ ok: false, error: { code: 'INVALID_INPUT', message: 'The file is larger than 4096 MB, the upload limit.' } });
    const err = await setup({ status: 413, body: env }).run().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_INPUT' });
    expect((err as ApiError).message).toMatch(/^The file is larger than 4096 MB, the upload limit\. .*path on this machine/);
  });

  it('passes on other error envelopes as they are', async () => {
    const env = JSON.stringify({ ok: false, error: { code: 'FORBIDDEN', message: 'Uploads from https://evil are not allowed.' } });
    await expect(setup({ status: 403, body: env }).run()).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'Uploads from https://evil are not allowed.' });
  });

  it('refuses a success without an upload id, and non-envelope 5xx answers', async () => {
    await expect(setup({ status: 200, body: ok({ hello: 1 }) }).run()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(setup({ status: 502, statusText: 'Bad Gateway', body: '<html/>' }).run()).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('HTTP 502 Bad Gateway'),
    });
  });

  it('turns a dropped connection into UNAVAILABLE', async () => {
    await expect(setup('network-error').run()).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('interrupted') });
  });

  it('can be cancelled', async () => {
    const ctl = new AbortController();
    const { run, xhrs } = setup({ status: 200, body: ok(uploaded) });
    const p = run(ctl.signal);
    ctl.abort();
    await expect(p).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('cancelled') });
    expect(xhrs[0]!.aborted).toBe(true);
  });
});

describe('interpretUploadResponse', () => {
  it('unwraps the result of an ok envelope', () => {
    expect(interpretUploadResponse('x', 200, 'OK', ok(uploaded))).toEqual(uploaded);
  });
});
