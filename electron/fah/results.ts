// Results of Folding@home jobs: any gen file downloaded to the researcher's disk (with progress, written to a
// .part file and renamed, so a half download never looks complete), and nonequilibrium work values from each
// finished clone's globals.csv (fetched once and cached in the workspace).
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import type { FahWorkPoint } from '../../shared/fah.js';
import { ApiError } from '../../shared/errors.js';
import { parseGlobalsWork } from './globals-csv.js';
import type { FahHttpClient } from './http/client.js';

export interface ResultRef {
  project: number;
  run: number;
  clone: number;
  gen: number;
  file: string;
}

const resultPath = (r: ResultRef) => `/api/projects/${r.project}/runs/${r.run}/clones/${r.clone}/gens/${r.gen}/files/${r.file}`;

/** The local copy keeps the WS's layout: P{p}/RUN{r}/CLONE{c}/results{g}/{file}. */
export function localResultPath(dir: string, r: ResultRef): string {
  const parts = r.file.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) throw new ApiError('INVALID_INPUT', `"${r.file}" is not a file name inside a result folder.`, { field: 'file' });
  return path.join(dir, `P${r.project}`, `RUN${r.run}`, `CLONE${r.clone}`, `results${r.gen}`, ...parts);
}

export async function downloadResult(client: FahHttpClient, r: ResultRef, dir: string, onProgress: (received: number, total: number | null) => void): Promise<{ path: string; bytes: number }> {
  const dest = localResultPath(dir, r);
  await mkdir(path.dirname(dest), { recursive: true });
  const part = `${dest}.simdeck-part`;
  const sink = new PassThrough();
  const writing = pipeline(sink, createWriteStream(part));
  try {
    const got = await client.downloadTo(resultPath(r), sink, { onProgress });
    sink.end();
    await writing;
    await rename(part, dest);
    return { path: dest, bytes: got.bytes };
  } catch (err) {
    sink.destroy();
    await writing.catch(() => undefined);
    await rm(part, { force: true });
    throw err;
  }
}

/** Reduced work (kT) per finished clone; a clone whose file is missing or broken is listed in problems. */
export async function workValues(client: FahHttpClient, cacheDir: string, project: number, jobs: readonly { run: number; clone: number; gen: number }[]): Promise<{ points: FahWorkPoint[]; problems: string[] }> {
  const problems: string[] = [];
  const points = await Promise.all(
    jobs.map(async (j): Promise<FahWorkPoint | null> => {
      const ref = { project, run: j.run, clone: j.clone, gen: 0, file: 'globals.csv' };
      const cached = localResultPath(cacheDir, ref);
      try {
        let text = await readFile(cached, 'utf8').catch(() => null);
        if (text === null) {
          text = (await client.downloadBytes(resultPath(ref))).toString('utf8');
          await mkdir(path.dirname(cached), { recursive: true });
          await writeFile(cached, text);
        }
        const w = parseGlobalsWork(text, { name: `RUN${j.run}/CLONE${j.clone}/globals.csv` });
        return { run: j.run, clone: j.clone, forward: w.forwardTotalReduced, reverse: w.reverseTotalReduced };
      } catch (err) {
        problems.push(`RUN ${j.run} CLONE ${j.clone}: ${err instanceof Error ? err.message : String(err)}`);
        return null;
      }
    }),
  );
  return { points: points.filter((p): p is FahWorkPoint => p !== null), problems };
}
