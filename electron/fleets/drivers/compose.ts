// Fleets that came from a compose file: the plan is rebuilt from the saved file each time it is needed, so what
// the deploy created and what teardown or a later look expects stay the same. The fleet label carries the fleet's
// name (the compose project), as for wizard fleets, so status and teardown find both the same way.
import type { FleetPlan } from '../../../shared/fleet.js';
import { ApiError } from '../../../shared/errors.js';
import { parseCompose } from '../compose-import.js';
import { planFromCompose } from '../plan-compose.js';
import type { FleetRow } from '../repo.js';

/** secretIds: Swarm secret name → id (a service can only reference a secret by id; `docker stack deploy` looks them up too). */
export function composePlan(f: FleetRow, target: 'local-docker' | 'swarm', secretIds?: Record<string, string>): FleetPlan {
  const c = f.details.compose;
  if (!c) throw new ApiError('INVALID_INPUT', `Fleet ${f.name} was not imported from a compose file.`);
  return planFromCompose(parseCompose(c.text, { mode: c.mode, env: c.env }), { project: f.name, target, env: c.env, secretIds });
}
