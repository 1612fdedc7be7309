// "Import compose file": paste or pick a compose / stack file, read it with fleets.importCompose (mode from the
// target: local Docker → compose, Swarm → stack), see the services, every key SimDeck does not support and the
// warnings and (fleets.previewCompose) every container or service it would create with its CLI twin, then deploy
// it with fleets.deployCompose. With unsupported keys, Deploy waits for the researcher to tick that the fleet may
// run without them.
import { useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { Result } from '../../../shared/contract.js';
import type { Target } from '../../../shared/domain.js';
import type { Fleet, FleetPlan } from '../../../shared/fleet.js';
import { api } from '../../api/index.js';
import { FormError, FormField } from '../../components/FormField.js';
import { useApp } from '../../store/app.js';
import { useProjects } from '../../store/projects.js';
import { toast } from '../../store/toasts.js';
import { NO_FLEET_ERRORS, composeModeOf, envRecord, splitFleetErrors, type EnvRow, type FleetErrors } from '../../lib/fleets.js';
import { EnvRows } from './EnvRows.js';
import { ImportResult } from './ImportResult.js';
import { PlanPreview } from './PlanPreview.js';

type Imported = Result<'fleets.importCompose'>;
const COMPOSE_FIELDS: ReadonlySet<string> = new Set(['projectId', 'targetId', 'name', 'text', 'env', 'mode']);

interface Props {
  targets: readonly Target[];
  onCancel: () => void;
  onDeployed: (f: Fleet) => void;
}

export function ComposeImport({ targets, onCancel, onDeployed }: Props) {
  // A SLURM array has no compose equivalent.
  const dockerTargets = targets.filter((t) => t.kind === 'local-docker' || t.kind === 'swarm');
  const currentProject = useApp((s) => s.projectId);
  const projects = useProjects((s) => s.projects);
  const [projectId, setProjectId] = useState(currentProject ?? projects.find((p) => !p.archived)?.id ?? '');
  const [targetId, setTargetId] = useState(dockerTargets[0]?.id ?? '');
  const [name, setName] = useState('');
  const [text, setText] = useState('');
  const [env, setEnv] = useState<EnvRow[]>([]);
  const [imported, setImported] = useState<Imported | null>(null);
  const [plan, setPlan] = useState<FleetPlan | string | null>(null);
  const [accepted, setAccepted] = useState(false);
  const [errors, setErrors] = useState<FleetErrors>(NO_FLEET_ERRORS);
  const [busy, setBusy] = useState<'import' | 'deploy' | null>(null);

  const target = dockerTargets.find((t) => t.id === targetId);
  const mode = target && target.kind === 'swarm' ? composeModeOf('swarm') : composeModeOf('local-docker');
  // Anything that changes what would be deployed asks for a fresh import.
  const reset = () => {
    setImported(null);
    setPlan(null);
    setAccepted(false);
  };

  /** What the deploy would create; needs the fleet's name (it names every container or service). */
  const preview = async (vars: Record<string, string>) => {
    if (!name.trim()) return setPlan('Give the fleet a name to see what the deploy would create.');
    try {
      setPlan(await api().fleets.previewCompose({ projectId, targetId, name: name.trim(), text, env: vars }));
    } catch (err) {
      setPlan(toApiError(err).message);
    }
  };

  const envOrError = (): Record<string, string> | null => {
    const r = envRecord(env);
    if (r.error) setErrors({ fields: { env: r.error }, form: null });
    return r.error ? null : r.env;
  };

  const runImport = async () => {
    const vars = envOrError();
    if (!vars) return;
    setErrors(NO_FLEET_ERRORS);
    setBusy('import');
    try {
      setImported(await api().fleets.importCompose({ text, mode, env: vars }));
      setAccepted(false);
      await preview(vars);
    } catch (err) {
      setErrors(splitFleetErrors(toApiError(err), COMPOSE_FIELDS));
    } finally {
      setBusy(null);
    }
  };

  const deploy = async () => {
    const vars = envOrError();
    if (!vars || !imported) return;
    setErrors(NO_FLEET_ERRORS);
    setBusy('deploy');
    try {
      const fleet = await api().fleets.deployCompose({ projectId, targetId, name: name.trim(), text, env: vars, ignoreUnsupported: accepted, confirm: true });
      toast('success', `Deploying “${fleet.name}” from the compose file.`);
      onDeployed(fleet);
    } catch (err) {
      setErrors(splitFleetErrors(toApiError(err), COMPOSE_FIELDS));
    } finally {
      setBusy(null);
    }
  };

  const pickFile = async (file: File | undefined) => {
    if (!file) return;
    setText(await file.text());
    reset();
  };

  const e = errors.fields;
  const blocked = !imported || (imported.unsupported.length > 0 && !accepted);
  return (
    <div className="stack" data-testid="fleet-compose">
      <div className="form-row">
        <FormField label="Project" error={e.projectId} className="grow-2" required>
          <select value={projectId} onChange={(ev) => setProjectId(ev.target.value)} data-testid="fc-project">
            {projects.filter((p) => !p.archived).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </FormField>
        <FormField label="Target" error={e.targetId} className="grow-2" required hint={target ? <>Deployed like <code>{mode === 'stack' ? 'docker stack deploy' : 'docker compose up -d'}</code></> : 'Add a Local Docker or Docker Swarm target first.'}>
          <select
            value={targetId}
            onChange={(ev) => {
              setTargetId(ev.target.value);
              reset();
            }}
            data-testid="fc-target"
          >
            {dockerTargets.length === 0 ? <option value="">No Docker or Swarm target yet</option> : null}
            {dockerTargets.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} — {t.kind === 'swarm' ? 'Docker Swarm' : 'Local Docker'}
              </option>
            ))}
          </select>
        </FormField>
        <FormField label="Fleet name" error={e.name} className="grow-2" required>
          <input
            value={name}
            onChange={(ev) => {
              setName(ev.target.value);
              setPlan(null);
            }}
            data-testid="fc-name" className="mono" placeholder="bigchem" autoComplete="off" spellCheck={false} />
        </FormField>
      </div>
      <FormField label="Compose file" error={e.text} hint={<>Paste it, or pick a file: <input type="file" accept=".yml,.yaml,text/yaml" onChange={(ev) => void pickFile(ev.target.files?.[0])} data-testid="fc-file" aria-label="Pick a compose file" /></>}>
        <textarea
          value={text}
          onChange={(ev) => {
            setText(ev.target.value);
            reset();
          }}
          rows={10}
          className="mono"
          data-testid="fc-text"
          spellCheck={false}
          placeholder="services:&#10;  broker:&#10;    image: rabbitmq:3.11-management-alpine"
        />
      </FormField>
      <EnvRows
        rows={env}
        onChange={(rows) => {
          setEnv(rows);
          reset();
        }}
        prefix="fc-env"
        label="Variables for ${VAR} in the file"
        error={e.env}
      />
      {imported ? <ImportResult imported={imported} mode={mode} accepted={accepted} onAccept={setAccepted} /> : null}
      {typeof plan === 'string' ? (
        <p className="muted" data-testid="fc-plan-note">
          {plan}
        </p>
      ) : plan ? (
        <PlanPreview plan={plan} targetName={target?.name ?? ''} />
      ) : null}
      <FormError message={errors.form} />
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="button" disabled={busy !== null || !text.trim()} onClick={() => void runImport()} data-testid="fc-import">
          {busy === 'import' ? 'Reading…' : imported ? 'Read again' : 'Read the file'}
        </button>
        <button type="button" className="button button-primary" disabled={busy !== null || blocked} onClick={() => void deploy()} data-testid="fc-deploy">
          {busy === 'deploy' ? 'Deploying…' : 'Deploy'}
        </button>
      </div>
    </div>
  );
}
