// What a target runs that has GPUs worth sampling, read from the workspace (read only): umbrella windows with a
// pod (Kubernetes, when the target names a Prometheus) and GPU fleets (Docker, Swarm). Nothing running: empty,
// and the sampler does not contact the target at all.
import type { Target } from '../../shared/domain.js';
import type { Db } from '../workspace/db.js';

export interface GpuWorkload {
  /** Pod name (Kubernetes) or fleet name (containers carry it in io.simdeck.fleet). */
  key: string;
  /** Stored with the samples: campaign/replica/window, or the fleet name. */
  ownerId: string;
  /** Where an alert links: the campaign id, or the fleet id. */
  linkId: string;
  name: string;
}

const RUNNING_PHASES = ['init-git', 'init-rclone', 'equilibration', 'production'];

export function gpuWorkloads(db: Db, target: Target): GpuWorkload[] {
  if (target.kind === 'kubernetes') {
    if (typeof target.settings.prometheusUrl !== 'string' || target.settings.prometheusUrl === '') return [];
    const rows = db
      .prepare(
        `SELECT w.pod AS pod, w.campaign_id AS campaign, w.replica AS replica, w.window AS window, c.name AS name
         FROM campaign_windows w JOIN campaigns c ON c.id = w.campaign_id
         WHERE c.target_id = ? AND w.pod IS NOT NULL AND w.phase IN (${RUNNING_PHASES.map(() => '?').join(', ')})`,
      )
      .all(target.id, ...RUNNING_PHASES) as { pod: string; campaign: string; replica: number; window: number; name: string }[];
    return rows.map((r) => ({ key: r.pod, ownerId: `${r.campaign}/${r.replica}/${r.window}`, linkId: r.campaign, name: `${r.name} replica ${r.replica} window ${r.window}` }));
  }
  if (target.kind === 'local-docker' || target.kind === 'swarm') {
    const rows = db
      .prepare("SELECT id, name, spec FROM fleets WHERE target_id = ? AND state NOT IN ('removed', 'failed', 'deploying', 'removing') AND spec IS NOT NULL")
      .all(target.id) as { id: string; name: string; spec: string }[];
    return rows
      .filter((r) => {
        try {
          return (JSON.parse(r.spec) as { workers?: { gpu?: string } }).workers?.gpu !== 'none';
        } catch {
          return false;
        }
      })
      .map((r) => ({ key: r.name, ownerId: r.name, linkId: r.id, name: r.name }));
  }
  return [];
}
