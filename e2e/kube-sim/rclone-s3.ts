// The simulator's S3 mode: the pods' rclone lines (`rclone copy --update /results {remote}:{bucket}/{prefix}` in
// main and preStop, `rclone copyto {remote}:{bucket}/{prefix}/$FILE /results/$FILE` in init-rclone) really move
// the pod's /results files to and from one S3 endpoint (e.g. moto_server), with SimDeck's own S3 client. The
// remote name in the command is ignored: the simulator's single endpoint stands in for every remote.
// All transfers run through one queue, in the order the pods started them, so a replacement pod's download
// sees what its evicted predecessor uploaded.
import type { IContainer } from 'kubernetes-models/v1/Container';
import { S3Client } from '../../electron/kube/bucket/s3-client.js';
import { rcloneMtime } from '../../electron/kube/bucket/sync.js';

export interface SimS3Options {
  /** S3 endpoint origin, e.g. http://127.0.0.1:5000 (path-style addressing is used). */
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Signing region (default us-east-1). */
  region?: string;
}

/** `{remote}:{bucket}/{prefix}` split up; prefix has no leading or trailing "/" ('' for the bucket root). */
export interface RcloneLocation {
  remote: string;
  bucket: string;
  prefix: string;
}

export interface UploadResult {
  /** rclone's exit code: 0, or 1 when a file could not be copied. */
  code: number;
  /** What rclone prints (nothing on success without -v). */
  log: string[];
  /** Paths below /results that reached the bucket. */
  uploaded: string[];
}

export interface DownloadResult {
  /** Path below /results → lines. */
  files: Map<string, string[]>;
  /** init-rclone's output for the loop, from "cloning to …" to the last error. */
  log: string[];
}

/** The text of a pod's file as bytes: lines joined by "\n", with a final newline when there are lines. */
export function linesToBuffer(lines: readonly string[]): Buffer {
  return Buffer.from(lines.length ? `${lines.join('\n')}\n` : '', 'utf8');
}

export function bufferToLines(buf: Buffer): string[] {
  const text = buf.toString('utf8');
  if (!text) return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Reads one POSIX shell word starting at `i` (single and double quotes, backslash escapes; `$VAR` is kept as
 * written). Returns the word and the index after it.
 */
export function readShellWord(s: string, start: number): { word: string; end: number } {
  let i = start;
  while (i < s.length && /[ \t]/.test(s[i] as string)) i++;
  let out = '';
  while (i < s.length) {
    const ch = s[i] as string;
    if (/[\s;&|<>()]/.test(ch)) break;
    if (ch === "'") {
      const j = s.indexOf("'", i + 1);
      out += s.slice(i + 1, j < 0 ? undefined : j);
      i = j < 0 ? s.length : j + 1;
    } else if (ch === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length && '$`"\\\n'.includes(s[i + 1] as string)) {
          out += s[i + 1];
          i += 2;
        } else {
          out += s[i];
          i++;
        }
      }
      i++;
    } else if (ch === '\\') {
      out += s[i + 1] ?? '';
      i += 2;
    } else {
      out += ch;
      i++;
    }
  }
  return { word: out, end: i };
}

/** `nrp-internal:bucket/some/prefix` → parts; undefined when there is no `remote:bucket`. */
export function parseLocation(text: string): RcloneLocation | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const path = text.slice(colon + 1).replace(/^\/+/, '');
  const slash = path.indexOf('/');
  const bucket = slash < 0 ? path : path.slice(0, slash);
  if (!bucket) return undefined;
  return { remote: text.slice(0, colon), bucket, prefix: slash < 0 ? '' : path.slice(slash + 1).replace(/^\/+|\/+$/g, '') };
}

/** The kubelet expands `$(VAR)` in command and args; `$$` is its escape for a literal `$`. */
function kubeletExpand(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return name !== undefined && name in env ? (env[name] as string) : m;
  });
}

function containerEnv(c: IContainer | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of c?.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  return env;
}

/** The destination of `rclone copy [flags] /results DEST` in a shell script, if there is one. */
export function uploadLocationIn(script: string): RcloneLocation | undefined {
  const re = /rclone\s+copy\s+/g;
  for (let m = re.exec(script); m; m = re.exec(script)) {
    let i = m.index + m[0].length;
    const words: string[] = [];
    while (words.length < 2) {
      const w = readShellWord(script, i);
      if (!w.word) break;
      i = w.end;
      if (w.word.startsWith('-')) continue;
      words.push(w.word);
    }
    if (words.length === 2 && words[0]?.replace(/\/+$/, '') === '/results') {
      const loc = parseLocation(words[1] as string);
      if (loc) return loc;
    }
  }
  return undefined;
}

/** The source base of init-rclone's `rclone copyto [flags] BASE/$FILE /results/$FILE`, if there is one. */
export function downloadLocationIn(script: string): RcloneLocation | undefined {
  const re = /rclone\s+copyto\s+/g;
  for (let m = re.exec(script); m; m = re.exec(script)) {
    let i = m.index + m[0].length;
    for (;;) {
      const w = readShellWord(script, i);
      if (!w.word) break;
      i = w.end;
      if (w.word.startsWith('-')) continue;
      const base = w.word.replace(/\/?\$\{?FILE\}?$/, '');
      const loc = parseLocation(base);
      if (loc) return loc;
      break;
    }
  }
  return undefined;
}

/** Where the main container uploads: its command/args (kubelet-expanded), else its preStop hook, else its env. */
export function uploadLocation(main: IContainer | undefined): RcloneLocation | undefined {
  if (!main) return undefined;
  const env = containerEnv(main);
  for (const part of [...(main.command ?? []), ...(main.args ?? [])]) {
    const loc = uploadLocationIn(kubeletExpand(part, env));
    if (loc) return loc;
  }
  for (const part of main.lifecycle?.preStop?.exec?.command ?? []) {
    const loc = uploadLocationIn(part);
    if (loc) return loc;
  }
  return envLocation(env);
}

/** Where init-rclone downloads from (falls back to the main container's upload location). */
export function downloadLocation(init: IContainer | undefined, main: IContainer | undefined): RcloneLocation | undefined {
  const env = containerEnv(init);
  for (const part of [...(init?.command ?? []), ...(init?.args ?? [])]) {
    const loc = downloadLocationIn(kubeletExpand(part, env));
    if (loc) return loc;
  }
  return envLocation(env) ?? uploadLocation(main);
}

/** `RCLONE_BASE` / `PROTBENCH_RCLONE_BASE` (`remote:bucket/prefix`) in the env, for hand-written pods. */
function envLocation(env: Record<string, string>): RcloneLocation | undefined {
  const v = env.PROTBENCH_RCLONE_BASE ?? env.RCLONE_BASE;
  return v ? parseLocation(v) : undefined;
}

function key(loc: RcloneLocation, rel: string): string {
  return loc.prefix ? `${loc.prefix}/${rel}` : rel;
}

/** rclone's log time stamp: `2006/01/02 15:04:05` (local time, like rclone). */
function stamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const RETRIES = 3;

export class SimRclone {
  readonly client: S3Client;
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(readonly opts: SimS3Options) {
    this.client = new S3Client(
      {
        name: 'kube-sim',
        provider: 'Other',
        accessKeyId: opts.accessKeyId,
        secretAccessKey: opts.secretAccessKey,
        region: opts.region ?? 'us-east-1',
        endpoint: opts.endpoint.replace(/\/+$/, ''),
        forcePathStyle: true,
        envAuth: false,
      },
      { attempts: 1 },
    );
  }

  /** Runs `op` after every transfer started before it. The returned promise settles like `op`. */
  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    this.pending += 1;
    const run = this.tail.then(op);
    this.tail = run.then(
      () => { this.pending -= 1; },
      () => { this.pending -= 1; },
    );
    return run;
  }

  /** Resolves once no transfer is queued or running (and their callbacks ran). */
  async idle(): Promise<void> {
    while (this.pending > 0) await this.tail;
    await new Promise((r) => setImmediate(r));
  }

  /**
   * `rclone copy --update /results DEST` for `files` (path below /results → lines). rclone's default --retries 3:
   * a failed file is tried again, then rclone prints the error and exits 1.
   */
  copyUp(loc: RcloneLocation, files: Map<string, string[]>): Promise<UploadResult> {
    const todo = new Map([...files].map(([rel, lines]) => [rel, linesToBuffer(lines)]));
    return this.enqueue(async () => {
      const log: string[] = [];
      const uploaded: string[] = [];
      let failed = new Map<string, string>();
      for (let attempt = 1; attempt <= RETRIES; attempt++) {
        failed = new Map();
        for (const [rel, body] of todo) {
          if (uploaded.includes(rel)) continue;
          try {
            await this.client.putObject(loc.bucket, key(loc, rel), body, body.length, { metadata: { mtime: rcloneMtime(Date.now()) } });
            uploaded.push(rel);
          } catch (err) {
            failed.set(rel, message(err));
          }
        }
        if (failed.size === 0) break;
        for (const [rel, msg] of failed) log.push(`${stamp()} ERROR : ${rel}: Failed to copy: ${msg}`);
        const last = [...failed.values()].at(-1) ?? '';
        log.push(`${stamp()} ERROR : Attempt ${attempt}/${RETRIES} failed with ${failed.size} errors and: ${last}`);
      }
      if (failed.size > 0) {
        const last = [...failed.values()].at(-1) ?? '';
        log.push(`${stamp()} Failed to copy with ${failed.size} errors: last error was: ${last}`);
        return { code: 1, log, uploaded };
      }
      return { code: 0, log, uploaded };
    });
  }

  /**
   * init-rclone's loop: `rclone copyto BASE/$FILE /results/$FILE` for each entry; an entry ending in "/" copies
   * every object below it. A missing source is logged and skipped (the loop goes on, as in the seed).
   */
  copyDown(loc: RcloneLocation, entries: readonly string[]): Promise<DownloadResult> {
    return this.enqueue(async () => {
      const files = new Map<string, string[]>();
      const log: string[] = [];
      for (const entry of entries) {
        log.push(`cloning to /results/${entry}`);
        try {
          const isDir = entry.endsWith('/');
          const objects = isDir
            ? (await this.client.listObjects(loc.bucket, key(loc, entry))).map((o) => o.key)
            : (await this.client.head(loc.bucket, key(loc, entry))) ? [key(loc, entry)] : [];
          if (objects.length === 0) {
            log.push(`${stamp()} ERROR : : error reading source root directory: directory not found`);
            continue;
          }
          for (const k of objects) {
            const rel = loc.prefix ? k.slice(loc.prefix.length + 1) : k;
            if (!rel || rel.endsWith('/')) continue;
            const got = await this.client.getObject(loc.bucket, k);
            const chunks: Buffer[] = [];
            for await (const ch of got.body) chunks.push(ch as Buffer);
            files.set(rel, bufferToLines(Buffer.concat(chunks)));
          }
        } catch (err) {
          log.push(`${stamp()} ERROR : ${entry}: Failed to copy: ${message(err)}`);
        }
      }
      return { files, log };
    });
  }

  close(): void {
    this.client.close();
  }
}
