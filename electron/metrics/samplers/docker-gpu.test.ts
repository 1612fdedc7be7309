// The Docker GPU sampler against a fake Engine (dockerode's container.exec / exec.start / exec.inspect): readings
// per container, problems for missing nvidia-smi, stopped containers and slow execs, bounded concurrency.
// The real Engine is exercised in e2e/integration/monitor-docker.test.ts.
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { sampleDockerGpus } from './docker-gpu.js';

/** One frame of the Engine's multiplexed stream (1 = stdout, 2 = stderr). */
const frame = (stream: 1 | 2, text: string) => {
  const body = Buffer.from(text, 'utf8');
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
};

const ROWS =
  '0, GPU-aaaa, NVIDIA A100-SXM4-40GB, 87, 41, 30210, 40960, 312.55, 400.00, 61\n1, GPU-bbbb, NVIDIA A100-SXM4-40GB, [N/A], 3, 2210, 40960, 88.10, 400.00, 44\n';

interface Behaviour {
  frames?: Buffer[];
  exitCode?: number;
  /** Never end the stream. */
  hang?: boolean;
  /** exec create fails like the Engine does. */
  createError?: { statusCode: number; message: string };
  delayMs?: number;
}

function fakeDocker(by: Record<string, Behaviour>) {
  const calls: { id: string; cmd: string[] }[] = [];
  let running = 0;
  let maxRunning = 0;
  const docker = {
    getContainer: (id: string) => ({
      exec: async (o: { Cmd: string[] }) => {
        calls.push({ id, cmd: o.Cmd });
        const b = by[id] ?? {};
        if (b.createError) throw Object.assign(new Error(`(HTTP code ${b.createError.statusCode})`), { statusCode: b.createError.statusCode, json: { message: b.createError.message } });
        return {
          start: async () => {
            running++;
            maxRunning = Math.max(maxRunning, running);
            const s = new PassThrough();
            s.on('close', () => running--);
            if (!b.hang) {
              setTimeout(() => {
                for (const f of b.frames ?? []) s.write(f);
                s.end();
              }, b.delayMs ?? 5);
            }
            return s;
          },
          inspect: async () => ({ Running: false, ExitCode: b.exitCode ?? 0 }),
        };
      },
    }),
  };
  return { docker: docker as unknown as Docker, calls, maxRunning: () => maxRunning };
}

describe('sampleDockerGpus', () => {
  it('runs the nvidia-smi query in each container and keeps order, owners and per-container problems', async () => {
    const f = fakeDocker({
      c1: { frames: [frame(1, ROWS.slice(0, 40)), frame(1, ROWS.slice(40))] },
      c2: { frames: [frame(2, 'OCI runtime exec failed: exec failed: unable to start container process: exec: "nvidia-smi": executable file not found in $PATH: unknown\r\n')], exitCode: 126 },
      c3: { frames: [frame(1, 'NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver.\n')], exitCode: 9 },
      c4: { createError: { statusCode: 409, message: 'container c4 is not running' } },
      c5: { frames: [frame(1, 'No devices were found\n')], exitCode: 6 },
    });
    const r = await sampleDockerGpus(
      f.docker,
      [
        { id: 'c1', name: 'fl-worker-1', owner: { worker: 'fl-worker-1', window: 'w1' } },
        { id: 'c2', name: 'fl-broker-1' },
        { id: 'c3', name: 'fl-worker-2' },
        { id: 'c4', name: 'fl-worker-3' },
        { id: 'c5', name: 'fl-worker-4' },
      ],
      { timeoutMs: 2000, nvidiaSmi: '/opt/nvidia/bin/nvidia-smi' },
    );
    expect(f.calls[0]?.cmd).toEqual(['/opt/nvidia/bin/nvidia-smi', '--query-gpu=index,uuid,name,utilization.gpu,utilization.memory,memory.used,memory.total,power.draw,power.limit,temperature.gpu', '--format=csv,noheader,nounits']);
    expect(r.readings).toHaveLength(1);
    expect(r.readings[0]).toMatchObject({ container: 'fl-worker-1', owner: { worker: 'fl-worker-1', window: 'w1' } });
    expect(r.readings[0]?.gpus.map((g) => [g.index, g.utilGpu, g.memUsedMiB])).toEqual([
      [0, 87, 30210],
      [1, null, 2210],
    ]);
    expect(r.problems).toEqual([
      'fl-broker-1: /opt/nvidia/bin/nvidia-smi is not in the image / no GPU runtime (exit 126: OCI runtime exec failed: exec failed: unable to start container process: exec: "nvidia-smi": executable file not found in $PATH: unknown)',
      "fl-worker-2: nvidia-smi: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
      'fl-worker-3: the container is not running (container c4 is not running)',
      'fl-worker-4: nvidia-smi: No devices were found',
    ]);
  });

  it('bounds each exec by the timeout and runs at most `concurrency` at once', async () => {
    const by: Record<string, Behaviour> = { slow: { hang: true } };
    const list = [{ id: 'slow', name: 'slow-1' }];
    for (let i = 0; i < 10; i++) {
      by[`c${i}`] = { frames: [frame(1, ROWS)], delayMs: 30 };
      list.push({ id: `c${i}`, name: `w-${i}` });
    }
    const f = fakeDocker(by);
    const started = Date.now();
    const r = await sampleDockerGpus(f.docker, list, { timeoutMs: 300, concurrency: 3 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r.problems).toEqual(['slow-1: nvidia-smi did not answer within 0.3 s']);
    expect(r.readings.map((x) => x.container)).toEqual(list.slice(1).map((c) => c.name));
    expect(f.maxRunning()).toBeLessThanOrEqual(3);
  });

  it('rejects a bad timeout and returns nothing for no containers', async () => {
    const f = fakeDocker({});
    await expect(sampleDockerGpus(f.docker, [], { timeoutMs: -1 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await sampleDockerGpus(f.docker, [], { timeoutMs: 100 })).toEqual({ readings: [], problems: [] });
  });
});
