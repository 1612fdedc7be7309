// The one shape every fleet target has (local Docker, Swarm, SLURM array): deploy, look, scale, act, logs,
// teardown. The service and its observer only talk to this interface; a new target copies one of the drivers.
import type { FleetMember, FleetMemberAction, FleetPlan, SwarmNodeInfo } from '../../../shared/fleet.js';
import type { FleetDetails, FleetRow } from '../repo.js';

export interface DriverStep {
  (msg: string): void;
}

export interface FleetDriver {
  /** What a deploy would create, nothing sent. */
  plan(f: FleetRow): Promise<FleetPlan>;
  /** Creates everything (all or nothing); returns what the fleet must remember for later. */
  deploy(f: FleetRow, onStep: DriverStep): Promise<Partial<FleetDetails>>;
  /** Every member as it is now. Throws UNAVAILABLE when the engine or cluster does not answer. */
  members(f: FleetRow): Promise<FleetMember[]>;
  scale(f: FleetRow, workers: number): Promise<void>;
  act(f: FleetRow, member: string, action: FleetMemberAction): Promise<{ command: string; message: string }>;
  logs(f: FleetRow, member: string, tail: number): Promise<string>;
  /** Removes exactly what the fleet created. */
  teardown(f: FleetRow, onStep: DriverStep): Promise<void>;
  /** Swarm: the nodes with their resources; other targets: none. */
  nodes(f: FleetRow): Promise<SwarmNodeInfo[]>;
}

/** Workers a member list counts as online. */
export const isWorkerOnline = (m: FleetMember) => m.role === 'worker' && m.state === 'running';
