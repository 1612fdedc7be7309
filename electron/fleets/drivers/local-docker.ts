// Fleets on one Docker engine: containers like `docker compose -p <fleet> up -d`, labelled with the fleet name so
// status, scale and teardown find exactly what the fleet made.
import type Docker from 'dockerode';
import type { FleetMember, FleetPlan } from '../../../shared/fleet.js';
import { ApiError } from '../../../shared/errors.js';
import type { Target } from '../../../shared/domain.js';
import { dockerCommandLine, type DockerEndpoint } from '../../docker/endpoint.js';
import { Engine } from './engine.js';
import { demuxDockerLogs } from '../deploy-swarm-logs.js';
import { deployLocalDocker, fleetStatus, scaleLocal, teardownFleet, workerAction } from '../deploy-docker.js';
import { FLEET_LABEL } from '../labels.js';
import { planLocalDocker } from '../plan-docker.js';
import type { FleetRow } from '../repo.js';
import { composePlan } from './compose.js';
import type { FleetDriver } from './driver.js';
import { containerUsage } from './stats.js';

const ROLES = new Set(['broker', 'backend', 'worker']);

export class LocalDockerDriver implements FleetDriver {
  private readonly engine: Engine;
  private readonly docker: Docker;
  private readonly ep: DockerEndpoint;

  constructor(target: Target) {
    this.engine = new Engine(target);
    this.docker = this.engine.docker;
    this.ep = this.engine.ep;
  }

  async plan(f: FleetRow): Promise<FleetPlan> {
    if (f.details.compose) return composePlan(f, 'local-docker');
    if (!f.spec) throw new ApiError('INVALID_INPUT', `Fleet ${f.name} has no definition to plan from.`);
    return planLocalDocker(f.spec, { gpuCount: f.details.gpuCount });
  }

  async deploy(f: FleetRow, onStep: (msg: string) => void) {
    const plan = await this.plan(f);
    await this.engine.call(() => deployLocalDocker(this.docker, plan, { onStep, endpoint: this.ep }));
    return {};
  }

  async members(f: FleetRow): Promise<FleetMember[]> {
    const rows = await this.engine.call(() => fleetStatus(this.docker, f.name));
    // One stats call per running container, in parallel: the engine spends ~1 s per call waiting for a CPU sample.
    return Promise.all(
      rows.map(async (c): Promise<FleetMember> => {
        const usage = c.state === 'running' ? await containerUsage(this.docker, c.id) : { cpuPercent: null, memBytes: null };
        return {
          name: c.name,
          role: ROLES.has(c.service) ? (c.service as FleetMember['role']) : 'service',
          state: c.state,
          node: null,
          slot: c.number || null,
          restarts: c.restartCount,
          cpuPercent: usage.cpuPercent,
          memBytes: usage.memBytes,
          message: c.status,
          since: null,
        };
      }),
    );
  }

  async scale(f: FleetRow, workers: number): Promise<void> {
    if (!f.spec) throw new ApiError('INVALID_INPUT', `Fleet ${f.name} came from a compose file: change the file's replicas and deploy it again.`);
    await this.engine.call(() => scaleLocal(this.docker, f.spec!, workers, { endpoint: this.ep }));
  }

  async act(f: FleetRow, member: string, action: 'restart' | 'stop' | 'remove') {
    const command = dockerCommandLine(this.ep, action === 'remove' ? ['rm', '-f', member] : [action, member]);
    const info = await this.engine.call(() => this.docker.getContainer(member).inspect()).catch((err: unknown) => {
      if (err instanceof ApiError && /HTTP 404/.test(err.message)) throw new ApiError('NOT_FOUND', `Fleet ${f.name} has no container named ${member}.`);
      throw err;
    });
    // Only the fleet's own containers: a name typed or stale in the UI must never touch anything else.
    if (info.Config.Labels?.[FLEET_LABEL] !== f.name) throw new ApiError('FORBIDDEN', `Container ${member} does not belong to fleet ${f.name}; SimDeck leaves it alone.`);
    await this.engine.call(() => workerAction(this.docker, member, action));
    return { command, message: `${action === 'remove' ? 'removed' : action === 'stop' ? 'stopped' : 'restarted'} ${member}` };
  }

  async logs(f: FleetRow, member: string, tail: number): Promise<string> {
    const c = this.docker.getContainer(member);
    const info = await this.engine.call(() => c.inspect());
    if (info.Config.Labels?.[FLEET_LABEL] !== f.name) throw new ApiError('FORBIDDEN', `Container ${member} does not belong to fleet ${f.name}.`);
    const raw = (await this.engine.call(() => c.logs({ stdout: true, stderr: true, follow: false, tail, timestamps: true }))) as unknown as Buffer;
    // Without a TTY the engine multiplexes stdout and stderr into one framed stream.
    return info.Config.Tty ? raw.toString('utf8') : demuxDockerLogs(raw).combined;
  }

  async teardown(f: FleetRow, onStep: (msg: string) => void): Promise<void> {
    await this.engine.call(() => teardownFleet(this.docker, f.name, { onStep }));
  }

  async nodes() {
    return [];
  }
}
