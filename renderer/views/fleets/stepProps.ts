// What every wizard step gets: the form as typed, a patcher, the errors by field key and the target's kind.
import type { FleetForm, FleetTargetKind } from '../../lib/fleets.js';

export interface StepProps {
  f: FleetForm;
  set: (patch: Partial<FleetForm>) => void;
  /** Field key (lib/fleets FLEET_FIELDS) → message. */
  e: Record<string, string>;
  kind: FleetTargetKind | null;
}
