// Worker fleets (BigChem-style broker + backend + Celery workers) on local Docker, a Docker Swarm or a SLURM array:
// the list of the current project, or one fleet's live page. The parts live in views/fleets/; the page and the
// wizard load on first use so the area adds little to the start-up bundle.
import { Suspense, lazy, useMemo } from 'react';
import { isFleetTargetKind } from '../lib/fleets.js';
import { useFleets } from '../store/fleets.js';
import { useTargets } from '../store/targets.js';
import { FleetList } from './fleets/FleetList.js';

const FleetPage = lazy(() => import('./fleets/FleetPage.js'));

export function FleetsView() {
  const openId = useFleets((s) => s.openId);
  const allTargets = useTargets((s) => s.targets);
  // Only targets a fleet can go to; the wizard and the stacks panel pick from these.
  const fleetTargets = useMemo(() => allTargets.filter((t) => isFleetTargetKind(t.kind)), [allTargets]);
  if (openId)
    return (
      <Suspense fallback={<p className="muted">Loading the fleet…</p>}>
        <FleetPage key={openId} fleetId={openId} targets={allTargets} />
      </Suspense>
    );
  return <FleetList fleetTargets={fleetTargets} />;
}
