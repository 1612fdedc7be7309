// Turns a contract FileSource (a path on this machine, or an upload to the browser shell) into a file to read,
// and reads it with the size limit in force.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from '../../shared/errors.js';
import { uploadedFile } from '../workspace/uploads.js';
import type { ReadLimits } from './types.js';

export type FileSource = { path: string } | { uploadId: string };

export interface ResolvedFile {
  path: string;
  /** The name the researcher knows the file by (an upload keeps its original name). */
  name: string;
}

export function resolveSource(source: FileSource, workspaceDir: string): ResolvedFile {
  if ('uploadId' in source) {
    const file = uploadedFile(workspaceDir, source.uploadId);
    if (!file) throw new ApiError('NOT_FOUND', 'That uploaded file is no longer here. Drop it on the window again.');
    return { path: file, name: path.basename(file) };
  }
  const file = path.resolve(source.path === '~' || source.path.startsWith('~/') ? path.join(os.homedir(), source.path.slice(1)) : source.path);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new ApiError('NOT_FOUND', `There is no file at ${file}. Check the path (it is read on the machine running SimDeck's core).`);
  }
  if (!stat.isFile()) throw new ApiError('INVALID_INPUT', `${file} is a folder, not a result file. Choose a decoy, scorefile or .init file.`);
  return { path: file, name: path.basename(file) };
}

export function readLimited(file: ResolvedFile, limits: ReadLimits): Buffer {
  const size = fs.statSync(file.path).size;
  if (size > limits.maxFileBytes) {
    throw new ApiError(
      'INVALID_INPUT',
      `${file.name} is ${(size / 1024 ** 3).toFixed(1)} GB, more than SimDeck reads (${(limits.maxFileBytes / 1024 ** 3).toFixed(0)} GB). Is it really a PyRosettaCluster result file?`,
    );
  }
  return fs.readFileSync(file.path);
}
