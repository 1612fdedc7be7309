// Files dropped on the browser shell travel here: the page cannot hand the core a path on this machine, so it
// uploads the bytes, and the core reads them from <workspace>/uploads/<id>/<name>. Streamed to disk with a size
// cap; the name is reduced to a safe basename so it can never point outside its folder.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';

export const UPLOAD_PATH = '/upload';
export const MAX_UPLOAD_BYTES = 4 * 1024 ** 3;

export function safeFileName(raw: string | null): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').replace(/^\.+/, '').trim().slice(-200);
  return clean || 'upload.bin';
}

export interface Uploaded {
  uploadId: string;
  name: string;
  bytes: number;
}

export async function receiveUpload(req: IncomingMessage, uploadRoot: string, rawName: string | null, maxBytes = MAX_UPLOAD_BYTES): Promise<Uploaded> {
  const uploadId = randomUUID();
  const name = safeFileName(rawName);
  const dir = path.join(uploadRoot, uploadId);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) done(new Error(`The file is larger than ${Math.round(maxBytes / 1024 ** 2)} MB, the upload limit.`));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(req, counter, fs.createWriteStream(path.join(dir, name), { flags: 'wx', mode: 0o600 }));
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return { uploadId, name, bytes };
}
