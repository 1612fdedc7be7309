// Test-only helpers: fixtures are made at run time with the real CLIs (gzip, bzip2, xz, zstd, zip, tar) so the
// decoders are checked against what researchers' machines actually write, not against our own encoder.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReadLimits } from '../types.js';
import { ReadError } from '../types.js';

export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `simdeck-decompress-${label}-`));
}

/** Runs a CLI with `input` on stdin and returns its stdout. */
export function run(command: string, args: string[], input?: Buffer, cwd?: string): Buffer {
  return execFileSync(command, args, { input, cwd, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
}

export type Compressor = 'gzip' | 'bzip2' | 'bzip2-1' | 'xz' | 'zstd';

export function compress(kind: Compressor, data: Buffer): Buffer {
  switch (kind) {
    case 'gzip':
      return run('gzip', ['-c', '-n', '-6'], data);
    case 'bzip2':
      return run('bzip2', ['-c', '-9'], data);
    case 'bzip2-1':
      return run('bzip2', ['-c', '-1'], data);
    case 'xz':
      return run('xz', ['-c', '-T1', '-6'], data);
    case 'zstd':
      return run('zstd', ['-c', '-q', '-3'], data);
  }
}

/** Deterministic pseudo-random numbers (mulberry32), so every run sees the same fixtures. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Something shaped like a pickle: binary opcodes mixed with text, compressible but not trivially. */
export function pickleLike(bytes: number, seed = 1): Buffer {
  const rand = prng(seed);
  const out = Buffer.alloc(bytes);
  const words = ['instance', 'metadata', 'scores', 'decoy_name', 'environment', 'total_score', 'fa_atr', 'pandas'];
  let i = 0;
  out[i++] = 0x80;
  if (bytes > 1) out[i++] = 0x04;
  while (i < bytes) {
    if (rand() < 0.5) {
      const word = Buffer.from(words[Math.floor(rand() * words.length)]!);
      word.copy(out, i);
      i += word.length;
    } else {
      out[i++] = Math.floor(rand() * 256);
    }
  }
  return out.subarray(0, bytes);
}

export const LIMITS: ReadLimits = {
  maxFileBytes: 2 * 1024 ** 3,
  maxDecompressedBytes: 1024 ** 3,
  maxLineBytes: 256 * 1024 ** 2,
};

export async function readErrorOf(promise: Promise<unknown>): Promise<ReadError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ReadError) return error;
    throw error;
  }
  throw new Error('expected a ReadError, but it succeeded');
}

/** `bzip2 -dc` of `data`, tolerating the warning bzip2 prints (exit status 0 or 4) about trailing garbage. */
export function bzip2Reference(data: Buffer): Buffer {
  const result = spawnSync('bzip2', ['-dc'], { input: data, maxBuffer: 1 << 30 });
  if (result.status !== 0 && result.status !== 4) throw new Error(`bzip2 -dc failed: ${result.stderr}`);
  return result.stdout;
}
