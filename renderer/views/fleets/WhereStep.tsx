// Step 1: project, target (local Docker, Swarm or SLURM, with its kind shown) and the fleet's name.
import type { Project, Target } from '../../../shared/domain.js';
import { FormField } from '../../components/FormField.js';
import { TARGET_KIND_LABELS, isFleetTargetKind } from '../../lib/fleets.js';
import type { StepProps } from './stepProps.js';

const KIND_NOTES = {
  'local-docker': 'Containers on this machine’s Docker engine, like “docker compose up”.',
  swarm: 'A stack of services on a Docker Swarm, like “docker stack deploy”.',
  slurm: 'Workers as a SLURM job array; the broker and backend already run on the cluster’s head node.',
} as const;

export function WhereStep({ f, set, e, kind, targets, projects }: StepProps & { targets: readonly Target[]; projects: readonly Project[] }) {
  const active = projects.filter((p) => !p.archived);
  return (
    <fieldset className="fieldset">
      <legend className="field-label">Where it runs</legend>
      <div className="form-row">
        <FormField label="Project" error={e.projectId} className="grow-2" required>
          <select value={f.projectId} onChange={(ev) => set({ projectId: ev.target.value })} data-testid="fw-project">
            {active.length === 0 ? <option value="">No project yet</option> : null}
            {active.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </FormField>
        <FormField label="Target" error={e.targetId} className="grow-2" required hint={kind ? KIND_NOTES[kind] : 'Add a Local Docker, Docker Swarm or SLURM target under Targets.'}>
          <select value={f.targetId} onChange={(ev) => set({ targetId: ev.target.value })} data-testid="fw-target">
            {targets.length === 0 ? <option value="">No Docker, Swarm or SLURM target yet</option> : null}
            {targets.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} — {isFleetTargetKind(t.kind) ? TARGET_KIND_LABELS[t.kind] : t.kind}
              </option>
            ))}
          </select>
        </FormField>
      </div>
      {kind ? (
        <p className="muted">
          Kind: <strong data-testid="fw-target-kind" data-kind={kind}>{TARGET_KIND_LABELS[kind]}</strong>
        </p>
      ) : null}
      <FormField label="Fleet name" error={e.name} required hint="Lowercase letters, digits, “-” and “_”: it prefixes every container, service and volume.">
        <input value={f.name} onChange={(ev) => set({ name: ev.target.value })} data-testid="fw-name" className="mono" placeholder="bigchem" autoComplete="off" spellCheck={false} data-autofocus />
      </FormField>
    </fieldset>
  );
}
