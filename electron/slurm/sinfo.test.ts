import { describe, expect, it } from 'vitest';
import { parseSinfoNodes, parseSinfoVersion, SINFO_NODES_CMD, summarize } from './sinfo.js';

describe('sinfo parsing', () => {
  it('reads the version from Debian and upstream builds', () => {
    expect(parseSinfoVersion('slurm-wlm 22.05.8\n')).toBe('22.05.8');
    expect(parseSinfoVersion('slurm 23.11.4\n')).toBe('23.11.4');
    expect(parseSinfoVersion('nonsense')).toBeNull();
  });

  it('quotes the node listing format for the remote shell', () => {
    expect(SINFO_NODES_CMD).toBe("sinfo -h -N -o '%N|%P|%a|%T|%c|%G'");
  });

  it('summarizes the single-node test cluster', () => {
    const s = parseSinfoNodes('localhost|debug*|up|idle|8|(null)\n');
    expect(s.partitions).toEqual([{ name: 'debug', isDefault: true, availability: 'up', nodes: 1 }]);
    expect(s.cpus).toBe(8);
    expect(s.gres).toEqual([]);
    expect(summarize('22.05.8', s)).toBe('SLURM 22.05.8, 1 partition (debug), 1 node idle');
  });

  it('counts a node in two partitions once and strips state flags', () => {
    const s = parseSinfoNodes(
      [
        'n1|cpu*|up|idle|32|(null)',
        'n2|cpu*|up|mixed|32|(null)',
        'n3|cpu*|up|down*|32|(null)',
        'g1|gpu|up|allocated|64|gpu:a100:4',
        'g1|cpu*|up|allocated|64|gpu:a100:4',
      ].join('\n'),
    );
    expect(s.nodeStates.size).toBe(4);
    expect(s.cpus).toBe(160);
    expect(s.gres).toEqual(['gpu:a100:4']);
    expect(s.partitions.map((p) => `${p.name}:${p.nodes}`)).toEqual(['cpu:4', 'gpu:1']);
    expect(summarize('23.02.7', s)).toBe('SLURM 23.02.7, 2 partitions (cpu, gpu), 4 nodes: 1 allocated, 1 down, 1 idle, 1 mixed');
  });

  it('handles an empty listing', () => {
    expect(summarize('22.05.8', parseSinfoNodes(''))).toBe('SLURM 22.05.8, 0 partitions, no nodes');
  });
});

describe('GPUs, accounts and QOS', () => {
  it('counts GPUs per partition from gres, and reads associations', async () => {
    const { parseSinfoNodes, gpusInGres, parseAssociations } = await import('./sinfo.js');
    expect(gpusInGres('gpu:a100:4(S:0-1),shard:8')).toBe(4);
    expect(gpusInGres('gpu:2,gpu:v100:1')).toBe(3);
    expect(gpusInGres('(null)')).toBe(0);
    const info = parseSinfoNodes('n1|gpu|up|idle|64|gpu:a100:4\nn2|gpu|up|mixed|64|gpu:a100:4\nn3|cpu*|up|idle|128|(null)\n');
    expect([...info.gpusByPartition]).toEqual([
      ['gpu', 8],
      ['cpu', 0],
    ]);
    expect(parseAssociations('lab-a|normal,gpu-long\nlab-b|normal\n')).toEqual({ accounts: ['lab-a', 'lab-b'], qos: ['normal', 'gpu-long'] });
  });
});
