import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/errors.js';
import { FLEET_FIELDS, buildDeploySpec, defaultFleetForm, envRecord, fleetFieldOfPath, splitCommandLine, splitFleetErrors, stepOfField } from './fleets.js';

describe('splitCommandLine', () => {
  it('splits like a shell, without expansion', () => {
    expect(splitCommandLine(`celery -A bigchem.tasks worker -Q "gpu queue" 'a b' c\\ d`).argv).toEqual(['celery', '-A', 'bigchem.tasks', 'worker', '-Q', 'gpu queue', 'a b', 'c d']);
    expect(splitCommandLine(`sh -c "echo \\"hi\\" \\$HOME"`).argv).toEqual(['sh', '-c', 'echo "hi" $HOME']);
    expect(splitCommandLine(`x '' ""`).argv).toEqual(['x', '', '']);
    expect(splitCommandLine('   ').argv).toEqual([]);
  });
  it('reports an unterminated quote', () => {
    expect(splitCommandLine(`sh -c "echo`)).toEqual({ argv: [], error: 'unterminated double quote' });
  });
});

describe('fleet errors', () => {
  it('maps contract paths to wizard fields', () => {
    expect(fleetFieldOfPath('spec.workers.env.FOO')).toBe('workers.env');
    expect(fleetFieldOfPath('spec.broker.ports.1')).toBe('broker.ports');
    expect(fleetFieldOfPath('spec.name')).toBe('name');
    expect(fleetFieldOfPath('targetId')).toBe('targetId');
  });
  it('splits the router message and details.field; the rest is the form error', () => {
    const router = new ApiError('INVALID_INPUT', 'fleets.previewDeploy: spec.name: a fleet name is lowercase; spec.slurm.mem: memory like 16G; spec.extra: Unrecognized key');
    const out = splitFleetErrors(router, FLEET_FIELDS);
    expect(out.fields).toEqual({ name: 'a fleet name is lowercase', 'slurm.mem': 'memory like 16G' });
    expect(out.form).toBe('spec.extra: Unrecognized key');
    const handler = new ApiError('INVALID_INPUT', 'The worker image is required', { field: 'workers.image' });
    expect(splitFleetErrors(handler, FLEET_FIELDS).fields).toEqual({ 'workers.image': 'The worker image is required' });
    expect(stepOfField('workers.image')).toBe('workers');
    expect(stepOfField('monitorPassword')).toBe('monitor');
  });
});

describe('buildDeploySpec', () => {
  it('turns the default form into a spec', () => {
    const { spec } = buildDeploySpec({ ...defaultFleetForm('p1', 't1'), name: ' bigchem ' }, 'local-docker');
    expect(spec).toMatchObject({ name: 'bigchem', workers: { command: ['celery', '-A', 'bigchem.tasks', 'worker', '--without-heartbeat', '--without-mingle', '--without-gossip', '--loglevel=INFO'], replicas: 1 }, monitor: null });
    expect(spec?.slurm).toBeUndefined();
  });
  it('per-GPU workers: GPUs per node are the replicas and the gpuCount', () => {
    const r = buildDeploySpec({ ...defaultFleetForm('p', 't'), name: 'x', gpu: 'per-gpu', gpusPerNode: '4' }, 'local-docker');
    expect(r.spec?.workers.replicas).toBe(4);
    expect(r.gpuCount).toBe(4);
  });
  it('SLURM adds the array options; Swarm-only options are dropped elsewhere', () => {
    const f = { ...defaultFleetForm('p', 't'), name: 'x', global: true, constraints: 'node.role==worker', slurmBrokerUrl: 'redis://login1/0', slurmBackendUrl: 'redis://login1/0', slurmTime: '48:00:00' };
    const spec = buildDeploySpec(f, 'slurm').spec!;
    expect(spec.slurm).toMatchObject({ brokerUrl: 'redis://login1/0', time: '48:00:00', mem: '4G' });
    expect(spec.slurm).not.toHaveProperty('partition');
    expect(spec.workers.global).toBe(false);
    expect(spec.workers.constraints).toEqual([]);
    expect(buildDeploySpec(f, 'swarm').spec!.workers).toMatchObject({ global: true, constraints: ['node.role==worker'] });
  });
  it('checks numbers, ports, argv and env rows itself', () => {
    const r = buildDeploySpec({ ...defaultFleetForm('p', 't'), replicas: 'many', brokerPorts: '5672, 99999', command: '"open', env: [{ key: '', value: 'v' }] }, 'swarm');
    expect(r.spec).toBeNull();
    expect(Object.keys(r.errors.fields).sort()).toEqual(['broker.ports', 'workers.command', 'workers.env', 'workers.replicas']);
    expect(envRecord([{ key: 'A', value: '1' }, { key: 'A', value: '2' }]).error).toBe('A is set twice');
  });
});
