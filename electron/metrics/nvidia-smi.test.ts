// nvidia-smi parsing against outputs captured the way the query prints them on common cards (fixtures/).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  GPU_QUERY_FIELDS,
  attachMig,
  nvidiaSmiQueryArgs,
  nvidiaSmiQueryCommand,
  parseNvidiaSmiList,
  parseNvidiaSmiQuery,
} from './nvidia-smi.js';

const fixture = (name: string) => fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', name), 'utf8');

describe('the nvidia-smi query', () => {
  it('asks for exactly the fields the parser reads, without header or units', () => {
    expect(GPU_QUERY_FIELDS).toEqual([
      'index',
      'uuid',
      'name',
      'utilization.gpu',
      'utilization.memory',
      'memory.used',
      'memory.total',
      'power.draw',
      'power.limit',
      'temperature.gpu',
    ]);
    expect(nvidiaSmiQueryCommand()).toBe(
      'nvidia-smi --query-gpu=index,uuid,name,utilization.gpu,utilization.memory,memory.used,memory.total,power.draw,power.limit,temperature.gpu --format=csv,noheader,nounits',
    );
    expect(nvidiaSmiQueryArgs()).toHaveLength(2);
  });
});

describe('parseNvidiaSmiQuery', () => {
  it('reads an A100', () => {
    expect(parseNvidiaSmiQuery(fixture('a100-sxm4-40gb.csv'))).toEqual({
      gpus: [
        {
          index: 0,
          uuid: 'GPU-5e4e2d3a-9c1b-4f7e-8d2a-3b6c1f0e9a47',
          name: 'NVIDIA A100-SXM4-40GB',
          utilGpu: 87,
          utilMemory: 42,
          memUsedMiB: 31245,
          memTotalMiB: 40960,
          powerDrawW: 312.45,
          powerLimitW: 400,
          temperatureC: 61,
        },
      ],
      problems: [],
    });
  });

  it('reads several GPUs per node (H100 ×4, V100 ×2, RTX A6000)', () => {
    const h = parseNvidiaSmiQuery(fixture('h100-4gpu.csv'));
    expect(h.problems).toEqual([]);
    expect(h.gpus.map((g) => [g.index, g.utilGpu, g.powerDrawW, g.temperatureC])).toEqual([
      [0, 99, 612.34, 67],
      [1, 98, 598.77, 66],
      [2, 0, 71.2, 34],
      [3, 100, 687.05, 71],
    ]);
    expect(new Set(h.gpus.map((g) => g.name))).toEqual(new Set(['NVIDIA H100 80GB HBM3']));
    const v = parseNvidiaSmiQuery(fixture('v100-sxm2-16gb.csv'));
    expect(v.problems).toEqual([]);
    expect(v.gpus.map((g) => [g.name, g.memUsedMiB, g.memTotalMiB, g.powerLimitW])).toEqual([
      ['Tesla V100-SXM2-16GB', 9821, 16160, 300],
      ['Tesla V100-SXM2-16GB', 0, 16160, 300],
    ]);
    const r = parseNvidiaSmiQuery(fixture('rtx-a6000.csv'));
    expect(r).toMatchObject({ gpus: [{ index: 0, name: 'NVIDIA RTX A6000', utilGpu: 64, memTotalMiB: 49140 }], problems: [] });
  });

  it('reads an 8-GPU node', () => {
    const { gpus, problems } = parseNvidiaSmiQuery(fixture('dgx-a100-8gpu.csv'));
    expect(problems).toEqual([]);
    expect(gpus.map((g) => g.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(gpus.map((g) => g.utilGpu)).toEqual([97, 96, 98, 95, 0, 0, 42, 100]);
    expect(new Set(gpus.map((g) => g.uuid)).size).toBe(8);
  });

  it('turns [Not Supported] into null without a problem (GTX power)', () => {
    const { gpus, problems } = parseNvidiaSmiQuery(fixture('gtx-not-supported.csv'));
    expect(problems).toEqual([]);
    expect(gpus[0]).toMatchObject({ name: 'NVIDIA GeForce GTX 1650', utilGpu: 23, powerDrawW: null, powerLimitW: null, temperatureC: 48 });
  });

  it('reads a MIG-enabled A100: utilization [N/A] → null, memory and power kept', () => {
    const { gpus, problems } = parseNvidiaSmiQuery(fixture('a100-mig.csv'));
    expect(problems).toEqual([]);
    expect(gpus[0]).toMatchObject({ index: 0, utilGpu: null, utilMemory: null, memUsedMiB: 13, powerDrawW: 89.15, temperatureC: 34 });
    expect(gpus[1]).toMatchObject({ index: 1, utilGpu: 73 });
  });

  it('uses a header line for the column order and strips units', () => {
    const { gpus, problems } = parseNvidiaSmiQuery(fixture('h100-header-units.csv'));
    expect(problems).toEqual([]);
    expect(gpus).toEqual([
      {
        index: 0,
        uuid: 'GPU-9f1c3e27-0b6d-4a8e-b2f5-6d4c8e1a7b30',
        name: 'NVIDIA H100 PCIe',
        utilGpu: 91,
        utilMemory: 47,
        memUsedMiB: 52871,
        memTotalMiB: 81559,
        powerDrawW: 301.27,
        powerLimitW: 350,
        temperatureC: 63,
      },
      expect.objectContaining({ index: 1, utilGpu: 0, memUsedMiB: 3, powerDrawW: 48.91 }),
    ]);
    // Columns in another order, as a header announces them.
    const reordered = 'name, index, temperature.gpu, utilization.gpu [%], uuid, utilization.memory [%], memory.used [MiB], memory.total [MiB], power.draw [W], power.limit [W]\nNVIDIA A40, 3, 55, 12 %, GPU-x, 4 %, 100 MiB, 46068 MiB, 80.00 W, 300.00 W\n';
    expect(parseNvidiaSmiQuery(reordered).gpus[0]).toMatchObject({ index: 3, name: 'NVIDIA A40', temperatureC: 55, utilGpu: 12, uuid: 'GPU-x' });
  });

  it('handles Windows line endings and trailing blank lines', () => {
    const unix = parseNvidiaSmiQuery(fixture('dgx-a100-8gpu.csv'));
    const windows = parseNvidiaSmiQuery(fixture('dgx-a100-8gpu.csv').replace(/\n/g, '\r\n') + '\r\n\r\n   \r\n');
    expect(windows).toEqual(unix);
    expect(parseNvidiaSmiQuery(fixture('rtx-a6000.csv').trimEnd()).gpus).toHaveLength(1); // no final newline
  });

  it('skips rows with extra or missing columns, reports odd values, and never throws', () => {
    const { gpus, problems } = parseNvidiaSmiQuery(fixture('broken-rows.csv'));
    expect(gpus.map((g) => g.index)).toEqual([0, 3]);
    expect(gpus[1]).toMatchObject({ utilGpu: null, utilMemory: null, memUsedMiB: 1022, powerDrawW: null, powerLimitW: 400 });
    expect(problems).toEqual([
      expect.stringMatching(/^line 2: expected 10 columns, found 11; row skipped/),
      expect.stringMatching(/^line 3: expected 10 columns, found 7; row skipped/),
      'GPU 3: power.draw is [Unknown Error]',
    ]);
  });

  it('reports driver messages and garbage as problems', () => {
    expect(parseNvidiaSmiQuery(fixture('no-devices.txt'))).toEqual({ gpus: [], problems: ['nvidia-smi: No devices were found'] });
    const failed = parseNvidiaSmiQuery(fixture('driver-failed.txt'));
    expect(failed.gpus).toEqual([]);
    expect(failed.problems).toEqual([expect.stringMatching(/^nvidia-smi: NVIDIA-SMI has failed/)]);
    expect(parseNvidiaSmiQuery('bash: nvidia-smi: command not found\n').problems).toHaveLength(1);
    expect(parseNvidiaSmiQuery('')).toEqual({ gpus: [], problems: [] });
    const odd = parseNvidiaSmiQuery('x, GPU-a, Foo, 1, 2, 3, 4, 5, 6, 7\n0, GPU-b, Foo, 12 W, abc, 3, 4, 5, 6, 7\n0, GPU-c, Foo, 1, 2, 3, 4, 5, 6, 7\n');
    expect(odd.gpus).toHaveLength(1);
    expect(odd.gpus[0]).toMatchObject({ uuid: 'GPU-b', utilGpu: null, utilMemory: null, memUsedMiB: 3 });
    expect(odd.problems).toEqual([
      expect.stringMatching(/^line 1: no GPU index/),
      'GPU 0: utilization.gpu: unexpected unit in "12 W"',
      'GPU 0: utilization.memory: cannot read "abc"',
      'line 3: GPU 0 appears twice; the second row is skipped',
    ]);
    expect(() => parseNvidiaSmiQuery(undefined as unknown as string)).not.toThrow();
  });
});

describe('nvidia-smi -L and MIG', () => {
  it('lists GPUs and their MIG devices', () => {
    const { gpus, problems } = parseNvidiaSmiList(fixture('a100-mig-list.txt'));
    expect(problems).toEqual([]);
    expect(gpus).toEqual([
      {
        index: 0,
        name: 'NVIDIA A100-SXM4-40GB',
        uuid: 'GPU-5e4e2d3a-9c1b-4f7e-8d2a-3b6c1f0e9a47',
        mig: [
          { profile: '3g.20gb', device: 0, uuid: 'MIG-c1e0b3a2-7f4d-5e9c-8b6a-2d1f0e3c4b57' },
          { profile: '2g.10gb', device: 1, uuid: 'MIG-4a9d2f1e-0c7b-5a3e-9d8f-6b2c1e4a7d03' },
          { profile: '1g.5gb', device: 2, uuid: 'MIG-8e3f5c0d-2a1b-5c4e-b7d9-0f6a3e2c1b98' },
          { profile: '1g.5gb', device: 3, uuid: 'MIG-6f1a8c2e-9b4d-5f0a-a3c7-1e5d8b0f2a64' },
        ],
      },
      { index: 1, name: 'NVIDIA A100-SXM4-40GB', uuid: 'GPU-b7c2e9f4-6a1d-4e8b-3f0c-5d9a2e7b4c16', mig: [] },
    ]);
  });

  it('reads the older MIG-GPU-<uuid>/<gi>/<ci> form and CRLF', () => {
    const { gpus, problems } = parseNvidiaSmiList(fixture('a100-mig-list-r450.txt').replace(/\n/g, '\r\n'));
    expect(problems).toEqual([]);
    expect(gpus[0]?.mig.map((m) => m.uuid)).toEqual([
      'MIG-GPU-5e4e2d3a-9c1b-4f7e-8d2a-3b6c1f0e9a47/7/0',
      'MIG-GPU-5e4e2d3a-9c1b-4f7e-8d2a-3b6c1f0e9a47/8/0',
    ]);
  });

  it('reports lines it does not understand', () => {
    const r = parseNvidiaSmiList('  MIG 1g.5gb Device 0: (UUID: MIG-x)\nhello\nNo devices were found\n');
    expect(r.gpus).toEqual([]);
    expect(r.problems).toEqual(['line 1: a MIG device before any GPU: MIG 1g.5gb Device 0: (UUID: MIG-x)', 'line 2: not understood: hello', 'nvidia-smi: No devices were found']);
  });

  it('attaches MIG devices to the sampled GPU', () => {
    const samples = parseNvidiaSmiQuery(fixture('a100-mig.csv')).gpus;
    const merged = attachMig(samples, parseNvidiaSmiList(fixture('a100-mig-list.txt')).gpus);
    expect(merged[0]?.mig?.map((m) => m.profile)).toEqual(['3g.20gb', '2g.10gb', '1g.5gb', '1g.5gb']);
    expect(merged[1]?.mig).toBeUndefined();
  });
});
