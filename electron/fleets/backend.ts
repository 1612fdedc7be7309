// Worker fleets as the core sees them. The service (and dockerode with it) loads on first use; at start-up only
// when the workspace has fleets still deployed, which it then watches again.
import type { Services } from '../core/services.js';
import type { FilesBackend } from '../files/backend.js';
import type { SlurmBackend } from '../core/slurm-backend.js';
import type { TunnelsBackend } from '../tunnels/backend.js';
import type { SlurmFleetPort } from './drivers/slurm-array.js';
import type { FleetService, FleetServiceOptions, FleetTunnelPort } from './service.js';

export interface FleetBackend {
  /** The service, loaded on first use. */
  service(): Promise<FleetService>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

/** What fleets use of the SLURM and files backends: submit and cancel arrays, read task output. */
function slurmPort(s: Services, slurm: SlurmBackend, files: FilesBackend): SlurmFleetPort {
  // After a submission or a cancel the cluster must be polled (as after slurm.submit / slurm.act).
  const polled = async <T>(work: Promise<T>): Promise<T> => {
    const r = await work;
    void slurm.refreshPolling().catch((err: unknown) => s.log.warn('could not start polling', { error: String(err) }));
    return r;
  };
  return {
    submitScript: (req) => polled(slurm.slurm.submitScript(req)),
    folderFor: (projectId, targetId, folder) => slurm.slurm.folderFor(projectId, targetId, folder),
    job: (id) => slurm.slurm.repo.get(id) ?? undefined,
    arrayTasks: (id) => slurm.slurm.arrayTasks(id),
    cancel: (ids) => polled(slurm.slurm.act(ids, 'cancel')),
    tail: async (targetId, path, maxBytes) => {
      const chunk = await files.tail(targetId, path, undefined, maxBytes);
      return chunk.exists ? chunk.text : `(no output yet: ${path} does not exist)`;
    },
  };
}

export function createFleetBackend(s: Services, deps: { slurm: SlurmBackend; files: FilesBackend; tunnels: TunnelsBackend }, opts: FleetServiceOptions = {}): FleetBackend {
  let loading: Promise<FleetService> | null = null;
  let loaded: FleetService | null = null;
  const tunnels: FleetTunnelPort = { create: (t) => deps.tunnels.create(t), remove: (id) => deps.tunnels.remove(id), list: () => deps.tunnels.list() };
  const service = () =>
    (loading ??= import('./service.js').then((m) => (loaded = new m.FleetService(s, { slurm: slurmPort(s, deps.slurm, deps.files), tunnels }, opts))));
  return {
    service,
    async resume() {
      const any = s.db.prepare("SELECT 1 FROM fleets WHERE state NOT IN ('removed', 'failed') LIMIT 1").get();
      if (any) (await service()).resume();
    },
    async close() {
      loaded?.close();
    },
  };
}
