// The SLURM GPU sampler's one-round-trip script and how its output is split back per job, node and GPU.
import { describe, expect, it } from 'vitest';
import { parseSlurmGpuOutput, slurmBytes, slurmDuration, slurmGpuCommand } from './slurm-gpu.js';

const jobs = [
  { jobId: 'j1', remoteId: '1234' },
  { jobId: 'j2', remoteId: '1240_3' },
  { jobId: 'j3', remoteId: '1250' },
];

describe('slurmGpuCommand', () => {
  it('runs nvidia-smi inside each job with srun --overlap, labelled per task, then one sstat; ids are quoted', () => {
    const cmd = slurmGpuCommand([...jobs, { jobId: 'x', remoteId: "9; rm -rf ~'" }]);
    expect(cmd).toContain("srun --overlap --jobid=1234 --ntasks-per-node=1 --label --quiet sh -c");
    expect(cmd).toContain('--query-gpu=index,uuid,name');
    expect(cmd).toContain(`--jobid='9; rm -rf ~'\\''' `);
    expect(cmd).toContain(`sstat -a -n -P --format=JobID,AveCPU,MaxRSS -j '1234,1240_3,1250,9; rm -rf ~'\\'''`);
  });
});

describe('parseSlurmGpuOutput', () => {
  it('splits per job and node, keeps problems per job, and reads sstat', () => {
    const out = [
      '@@job 1234',
      '0: @@node gpu-a01',
      '0: 0, GPU-aaaa, NVIDIA A100-SXM4-40GB, 87, 41, 30210, 40960, 312.55, 400.00, 61',
      '0: 1, GPU-bbbb, NVIDIA A100-SXM4-40GB, 12, 3, 2210, 40960, 88.10, 400.00, 44',
      '1: @@node gpu-a02',
      '1: 0, GPU-cccc, NVIDIA A100-SXM4-40GB, [N/A], 0, 10, 40960, [N/A], 400.00, 35',
      '@@rc 0',
      '@@job 1240_3',
      'srun: error: Unable to create step for job 1240_3: Requested node configuration is not available',
      '@@rc 1',
      '@@job 1250',
      '@@rc 124',
      '@@sstat',
      '1234.batch|01:02:03|1048576K',
      '1234.0|00:10:00|2G',
      '1240_3.batch|00:00:05|512',
    ].join('\r\n');
    const { readings, usage } = parseSlurmGpuOutput(out, jobs);
    const r1 = readings.find((r) => r.jobId === 'j1')!;
    expect([...r1.nodes.keys()]).toEqual(['gpu-a01', 'gpu-a02']);
    expect(r1.nodes.get('gpu-a01')!.map((g) => [g.index, g.utilGpu, g.powerDrawW])).toEqual([
      [0, 87, 312.55],
      [1, 12, 88.1],
    ]);
    expect(r1.nodes.get('gpu-a02')![0]!.utilGpu).toBeNull();
    expect(r1.problems).toEqual([]);
    expect(readings.find((r) => r.jobId === 'j2')!.problems[0]).toMatch(/srun --overlap failed: srun: error: Unable to create step/);
    expect(readings.find((r) => r.jobId === 'j3')!.problems[0]).toMatch(/did not start within the time limit/);
    expect(usage.get('j1')).toEqual({ aveCpuSeconds: 3723, maxRssBytes: 2 * 1024 ** 3 });
    expect(usage.get('j2')).toEqual({ aveCpuSeconds: 5, maxRssBytes: 512 * 1024 });
  });

  it('reads SLURM durations and sizes', () => {
    expect(slurmDuration('1-02:03:04')).toBe(93_784);
    expect(slurmDuration('03:04.5')).toBe(184.5);
    expect(slurmDuration('')).toBeNull();
    expect(slurmBytes('1.5M')).toBe(1.5 * 1024 ** 2);
    expect(slurmBytes('')).toBeNull();
  });
});
