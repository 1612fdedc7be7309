// The step-by-step fleet wizard: target and name, broker and backend, workers (with the SLURM array options),
// monitoring, then the preview (fleets.previewDeploy) and Deploy (fleets.deploy). Light checks (numbers, argv) run
// here; the contract's own messages come back from the core and are shown next to their fields, on their step.
// The monitoring password is held in a ref, never in React state, and is forgotten once the deploy was sent.
import { useRef, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { Target } from '../../../shared/domain.js';
import type { Fleet, FleetDeploySpec, FleetPlan } from '../../../shared/fleet.js';
import { api } from '../../api/index.js';
import {
  FLEET_FIELDS,
  NO_FLEET_ERRORS,
  WIZARD_STEPS,
  buildDeploySpec,
  defaultFleetForm,
  isFleetTargetKind,
  splitFleetErrors,
  stepOfField,
  type FleetErrors,
  type FleetForm,
  type WizardStep,
} from '../../lib/fleets.js';
import { useApp } from '../../store/app.js';
import { useProjects } from '../../store/projects.js';
import { toast } from '../../store/toasts.js';
import { MonitorStep } from './MonitorStep.js';
import { PlanPreview } from './PlanPreview.js';
import { ServicesStep } from './ServicesStep.js';
import { WhereStep } from './WhereStep.js';
import { WorkersStep } from './WorkersStep.js';
import { FormError } from '../../components/FormField.js';

type Step = WizardStep | 'preview';
type Previewed = { spec: FleetDeploySpec; gpuCount?: number; plan: FleetPlan };

interface Props {
  targets: readonly Target[];
  onCancel: () => void;
  onDeployed: (f: Fleet) => void;
}

export function DeployWizard({ targets, onCancel, onDeployed }: Props) {
  const projectId = useApp((s) => s.projectId);
  const projects = useProjects((s) => s.projects);
  const firstProject = projectId ?? projects.find((p) => !p.archived)?.id ?? '';
  const [f, setF] = useState<FleetForm>(() => defaultFleetForm(firstProject, targets[0]?.id ?? ''));
  const [step, setStep] = useState<Step>('where');
  const [errors, setErrors] = useState<FleetErrors>(NO_FLEET_ERRORS);
  const [previewed, setPreviewed] = useState<Previewed | null>(null);
  const [busy, setBusy] = useState<'preview' | 'deploy' | null>(null);
  const password = useRef('');

  const target = targets.find((t) => t.id === f.targetId);
  const kind = target && isFleetTargetKind(target.kind) ? target.kind : null;
  const set = (patch: Partial<FleetForm>) => {
    setF((x) => ({ ...x, ...patch }));
    setPreviewed(null);
  };

  // Errors land on their fields; the wizard goes to the earliest step that has one.
  const showErrors = (next: FleetErrors) => {
    setErrors(next);
    const order = WIZARD_STEPS.map((s) => s.id);
    const steps = Object.keys(next.fields).map(stepOfField);
    if (steps.length) setStep(order.find((s) => steps.includes(s))!);
  };

  const runPreview = async () => {
    const built = buildDeploySpec(f, kind);
    if (!built.spec) return showErrors(built.errors);
    setErrors(NO_FLEET_ERRORS);
    setBusy('preview');
    try {
      const gpu = built.gpuCount !== undefined ? { gpuCount: built.gpuCount } : {};
      const plan = await api().fleets.previewDeploy({ spec: built.spec, ...gpu });
      setPreviewed({ spec: built.spec, ...gpu, plan });
      setStep('preview');
    } catch (err) {
      showErrors(splitFleetErrors(toApiError(err), FLEET_FIELDS));
    } finally {
      setBusy(null);
    }
  };

  const deploy = async () => {
    if (!previewed) return;
    setBusy('deploy');
    setErrors(NO_FLEET_ERRORS);
    const pw = previewed.spec.monitor ? password.current : '';
    try {
      const gpu = previewed.gpuCount !== undefined ? { gpuCount: previewed.gpuCount } : {};
      const fleet = await api().fleets.deploy({ spec: previewed.spec, ...gpu, ...(pw ? { monitorPassword: pw } : {}), confirm: true });
      password.current = ''; // it is in the vault now; the renderer forgets it
      toast('success', `Deploying “${fleet.name}”.`);
      onDeployed(fleet);
    } catch (err) {
      showErrors(splitFleetErrors(toApiError(err), FLEET_FIELDS));
    } finally {
      setBusy(null);
    }
  };

  const props = { f, set, e: errors.fields, kind };
  const index = WIZARD_STEPS.findIndex((s) => s.id === step);
  return (
    <div className="stack" data-testid="fleet-spec-wizard" data-step={step}>
      <StepList step={step} onPick={setStep} canPreview={previewed !== null} />
      {step === 'preview' ? null : (
        <form
          className="stack"
          noValidate
          onSubmit={(ev) => {
            ev.preventDefault();
            if (step === 'monitor') void runPreview();
            else setStep(WIZARD_STEPS[index + 1]!.id);
          }}
        >
          {step === 'where' ? <WhereStep {...props} targets={targets} projects={projects} /> : null}
          {step === 'services' ? <ServicesStep {...props} /> : null}
          {step === 'workers' ? <WorkersStep {...props} /> : null}
          {step === 'monitor' ? <MonitorStep {...props} password={password} /> : null}
          <FormError message={errors.form} />
          <div className="dialog-actions">
            <button type="button" className="button" onClick={index > 0 ? () => setStep(WIZARD_STEPS[index - 1]!.id) : onCancel} data-testid="fw-back">
              {index > 0 ? 'Back' : 'Cancel'}
            </button>
            {step === 'monitor' ? (
              <button type="submit" className="button button-primary" disabled={busy !== null} data-testid="fw-preview">
                {busy === 'preview' ? 'Preparing…' : 'Preview'}
              </button>
            ) : (
              <button type="submit" className="button button-primary" data-testid="fw-next">
                Next
              </button>
            )}
          </div>
        </form>
      )}
      {step === 'preview' && previewed ? (
        <div className="stack">
          <PlanPreview plan={previewed.plan} targetName={target?.name ?? ''} />
          <FormError message={errors.form} />
          <div className="dialog-actions">
            <button type="button" className="button" onClick={() => setStep('monitor')} data-testid="fw-back">
              Back
            </button>
            <button type="button" className="button button-primary" disabled={busy !== null} onClick={() => void deploy()} data-testid="fw-deploy">
              {busy === 'deploy' ? 'Deploying…' : `Deploy ${previewed.plan.resources.length} resources`}
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}

function StepList({ step, onPick, canPreview }: { step: Step; onPick: (s: Step) => void; canPreview: boolean }) {
  return (
    <ol className="steps" aria-label="Steps">
      {WIZARD_STEPS.map((s, i) => (
        <li key={s.id} aria-current={step === s.id ? 'step' : undefined}>
          <button type="button" className="link-button" onClick={() => onPick(s.id)} data-testid={`fw-step-${s.id}`}>
            {i + 1}. {s.label}
          </button>
        </li>
      ))}
      <li aria-current={step === 'preview' ? 'step' : undefined}>
        {canPreview ? (
          <button type="button" className="link-button" onClick={() => onPick('preview')}>
            5. Preview and deploy
          </button>
        ) : (
          '5. Preview and deploy'
        )}
      </li>
    </ol>
  );
}
