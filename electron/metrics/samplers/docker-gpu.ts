// GPU use of Docker containers (fleet workers, local jobs): `nvidia-smi <GPU query>` runs INSIDE each container
// through the Engine's exec API, so it reports exactly the GPUs the container was given (--gpus / the NVIDIA
// runtime). A few containers at a time, each exec bounded by a timeout. A container without nvidia-smi or without
// a GPU runtime, a stopped or vanished container, a driver error: a problem naming the container, never a crash.
// (A timed-out exec cannot be killed through the Engine API; its stream is dropped and the process is left to end.)
import type Docker from 'dockerode';
import { ApiError } from '../../../shared/errors.js';
import { demuxDockerLogs } from '../../fleets/deploy-swarm-logs.js';
import type { GpuOwner } from '../gpu-series.js';
import { nvidiaSmiQueryArgs, parseNvidiaSmiQuery, type GpuSample } from '../nvidia-smi.js';

export interface SampledContainer {
  /** Container id (or name: anything the Engine API accepts). */
  id: string;
  /** How problems name it, e.g. `myfleet-worker-2`. */
  name: string;
  owner?: GpuOwner;
}

export interface DockerGpuOptions {
  /** Per container: exec create + start + output + exit code. */
  timeoutMs: number;
  /** nvidia-smi inside the containers (default `nvidia-smi`, found on the container's PATH). */
  nvidiaSmi?: string;
  /** Containers sampled at once (default 4). */
  concurrency?: number;
}

export interface ContainerGpuReading {
  container: string;
  owner?: GpuOwner;
  gpus: GpuSample[];
}

export interface DockerGpuResult {
  readings: ContainerGpuReading[];
  problems: string[];
}

const DEFAULT_CONCURRENCY = 4;

/** What the runtime says when the executable is missing (runc / crun / Docker Desktop wording). */
const NOT_FOUND = /executable file not found|no such file or directory|not found in \$PATH|command not found/i;

export async function sampleDockerGpus(docker: Docker, containers: readonly SampledContainer[], opts: DockerGpuOptions): Promise<DockerGpuResult> {
  if (!Number.isFinite(opts.timeoutMs) || opts.timeoutMs <= 0) {
    throw new ApiError('INVALID_INPUT', 'timeoutMs: must be a positive number of milliseconds', { field: 'timeoutMs' });
  }
  const smi = opts.nvidiaSmi?.trim() || 'nvidia-smi';
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? DEFAULT_CONCURRENCY));
  const cmd = [smi, ...nvidiaSmiQueryArgs()];

  const results: { reading?: ContainerGpuReading; problems: string[] }[] = new Array(containers.length);
  let next = 0;
  const worker = async () => {
    while (next < containers.length) {
      const i = next++;
      const c = containers[i]!;
      results[i] = await sampleOne(docker, c, cmd, opts.timeoutMs).catch((err: unknown) => ({ problems: [`${c.name}: ${errorText(err)}`] }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, containers.length) }, worker));

  const readings: ContainerGpuReading[] = [];
  const problems: string[] = [];
  for (const r of results) {
    if (r.reading) readings.push(r.reading);
    problems.push(...r.problems);
  }
  return { readings, problems };
}

async function sampleOne(docker: Docker, c: SampledContainer, cmd: string[], timeoutMs: number): Promise<{ reading?: ContainerGpuReading; problems: string[] }> {
  const smi = cmd[0] ?? 'nvidia-smi';
  let stream: NodeJS.ReadWriteStream | undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError()), timeoutMs);
  });
  try {
    const run = async () => {
      const ex = await docker.getContainer(c.id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, AttachStdin: false, Tty: false });
      stream = await ex.start({ hijack: true, stdin: false });
      const raw = await collect(stream);
      return { raw, exitCode: await exitCode(ex) };
    };
    const { raw, exitCode: code } = await Promise.race([run(), timeout]);
    const out = demuxDockerLogs(raw);
    const parsed = parseNvidiaSmiQuery(out.stdout);
    const said = firstLines(`${out.stderr}\n${out.stdout}`);
    if (code !== 0) {
      // Only the driver's own messages ("NVIDIA-SMI has failed …") are worth keeping from a failed run; the rest of
      // the parser's complaints would be about the runtime's error text.
      if (code === 126 || code === 127 || NOT_FOUND.test(out.combined)) {
        return { problems: [`${c.name}: ${smi} is not in the image / no GPU runtime (exit ${code ?? '?'}${said ? `: ${said}` : ''})`] };
      }
      const driver = parsed.problems.filter((p) => p.startsWith('nvidia-smi: ')).map((p) => `${c.name}: ${p}`);
      return { problems: driver.length > 0 ? driver : [`${c.name}: ${smi} failed (exit ${code ?? '?'}${said ? `: ${said}` : ''})`] };
    }
    const problems = parsed.problems.map((p) => `${c.name}: ${p}`);
    if (parsed.gpus.length === 0) {
      if (problems.length === 0) problems.push(`${c.name}: ${smi} listed no GPUs${said ? ` (${said})` : ''}`);
      return { problems };
    }
    return { reading: { container: c.name, ...(c.owner ? { owner: c.owner } : {}), gpus: parsed.gpus }, problems };
  } catch (err) {
    if (err instanceof TimeoutError) return { problems: [`${c.name}: ${smi} did not answer within ${Math.round(timeoutMs / 100) / 10} s`] };
    if (NOT_FOUND.test(errorText(err))) return { problems: [`${c.name}: ${smi} is not in the image / no GPU runtime (${errorText(err)})`] };
    return { problems: [`${c.name}: ${errorText(err)}`] };
  } finally {
    clearTimeout(timer);
    const s = stream as (NodeJS.ReadWriteStream & { destroy?: () => void }) | undefined;
    s?.destroy?.();
  }
}

class TimeoutError extends Error {}

function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (b: Buffer | string) => chunks.push(typeof b === 'string' ? Buffer.from(b) : b));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('close', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** The exec's exit code; the Engine may report it a moment after the stream ended. */
async function exitCode(ex: Docker.Exec): Promise<number | null> {
  for (let i = 0; ; i++) {
    const info = await ex.inspect();
    if (!info.Running || i >= 20) return info.ExitCode ?? null;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function firstLines(text: string): string {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 2)
    .join(' / ')
    .slice(0, 300);
}

/** Engine errors: dockerode puts the daemon's message in `json.message`; 404 / 409 are made plain. */
function errorText(err: unknown): string {
  const e = err as { statusCode?: unknown; json?: { message?: unknown } | null; message?: unknown } | null;
  const message = typeof e?.json?.message === 'string' ? e.json.message : err instanceof Error ? err.message : String(err);
  if (e?.statusCode === 404) return `the container is gone (${message})`;
  if (e?.statusCode === 409) return `the container is not running (${message})`;
  return message;
}
