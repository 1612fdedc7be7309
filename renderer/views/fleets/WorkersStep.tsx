// Step 3: the Celery workers: image (not on SLURM, where the array runs in the cluster's environment), command as
// one shell-like line shown split into argv, environment, concurrency, queues, scratch volume, GPUs, replicas; the
// Swarm-only placement options; and the SLURM array's own options.
import { FormField } from '../../components/FormField.js';
import { GPU_CHOICES, splitCommandLine } from '../../lib/fleets.js';
import { EnvRows } from './EnvRows.js';
import { SlurmFields } from './SlurmFields.js';
import type { StepProps } from './stepProps.js';

export function WorkersStep(props: StepProps) {
  const { f, set, e, kind } = props;
  return (
    <>
      <fieldset className="fieldset">
        <legend className="field-label">Workers</legend>
        {kind === 'slurm' ? null : (
          <FormField label="Worker image" error={e['workers.image']} required hint="Pin a tag or digest so the fleet can be recreated.">
            <input value={f.workerImage} onChange={(ev) => set({ workerImage: ev.target.value })} data-testid="fw-worker-image" className="mono" spellCheck={false} />
          </FormField>
        )}
        <CommandField {...props} />
        <EnvRows rows={f.env} onChange={(env) => set({ env })} prefix="fw-env" label="Environment" error={e['workers.env']} />
        <div className="form-row">
          <FormField label="Concurrency" error={e['workers.concurrency']} className="grow-0" hint="0 = one per CPU">
            <input inputMode="numeric" value={f.concurrency} onChange={(ev) => set({ concurrency: ev.target.value })} data-testid="fw-concurrency" className="input-narrow" />
          </FormField>
          <FormField label="Queues" error={e['workers.queues']} className="grow-2" hint="Separated by commas; empty: “celery”">
            <input value={f.queues} onChange={(ev) => set({ queues: ev.target.value })} data-testid="fw-queues" className="mono" placeholder="celery" />
          </FormField>
          {kind === 'slurm' ? null : (
            <FormField label="Scratch volume" error={e['workers.scratchVolume']} className="grow-2" hint="Mounted at /tmp; empty: none">
              <input value={f.scratchVolume} onChange={(ev) => set({ scratchVolume: ev.target.value })} data-testid="fw-scratch" className="mono" placeholder="none" />
            </FormField>
          )}
        </div>
        {kind === 'slurm' ? null : <GpuField {...props} />}
        {kind === 'swarm' ? <SwarmPlacement {...props} /> : null}
      </fieldset>
      {kind === 'slurm' ? <SlurmFields {...props} /> : null}
    </>
  );
}

function CommandField({ f, set, e }: StepProps) {
  const split = splitCommandLine(f.command);
  return (
    <FormField
      label="Command"
      error={e['workers.command'] ?? split.error}
      hint={
        split.argv.length ? (
          <span data-testid="fw-argv">
            argv:{' '}
            {split.argv.map((a, i) => (
              <code key={i} className="argv-item" data-testid="fw-argv-item">
                {a}
              </code>
            ))}
          </span>
        ) : (
          'Empty: the image’s default command.'
        )
      }
    >
      <input value={f.command} onChange={(ev) => set({ command: ev.target.value })} data-testid="fw-command" className="mono" spellCheck={false} />
    </FormField>
  );
}

function GpuField({ f, set, e }: StepProps) {
  const perGpu = f.gpu === 'per-gpu';
  return (
    <div className="form-row">
      <fieldset className="fieldset grow-3" data-testid="fw-gpu">
        <legend className="field-label">GPUs</legend>
        {GPU_CHOICES.map((c) => (
          <label key={c.value} className="check radio-explained">
            <input type="radio" name="fw-gpu" value={c.value} checked={f.gpu === c.value} onChange={() => set({ gpu: c.value })} data-testid={`fw-gpu-${c.value}`} />
            <span>
              <strong>{c.label}</strong> <span className="muted">— {c.explain}</span>
            </span>
          </label>
        ))}
        {e['workers.gpu'] ? <span className="field-error" data-testid="field-error">{e['workers.gpu']}</span> : null}
      </fieldset>
      {perGpu ? (
        <FormField label="GPUs per node" error={e.gpuCount ?? e['workers.replicas']} className="grow-0" required hint="One worker each">
          <input inputMode="numeric" value={f.gpusPerNode} onChange={(ev) => set({ gpusPerNode: ev.target.value })} data-testid="fw-gpus-per-node" className="input-narrow" />
        </FormField>
      ) : (
        <FormField label="Replicas" error={e['workers.replicas']} className="grow-0" hint={f.global ? 'Ignored: one per node' : 'Workers'}>
          <input inputMode="numeric" value={f.replicas} onChange={(ev) => set({ replicas: ev.target.value })} data-testid="fw-replicas" className="input-narrow" disabled={f.global} />
        </FormField>
      )}
    </div>
  );
}

function SwarmPlacement({ f, set, e }: StepProps) {
  return (
    <>
      <label className="check">
        <input type="checkbox" checked={f.global} onChange={(ev) => set({ global: ev.target.checked })} data-testid="fw-global" />
        Global mode: one worker on every node that matches the constraints
      </label>
      <FormField label="Placement constraints (one per line)" error={e['workers.constraints']} hint="e.g. node.hostname==fire-13-00 or node.labels.gpu==true">
        <textarea value={f.constraints} onChange={(ev) => set({ constraints: ev.target.value })} rows={2} className="mono" data-testid="fw-constraints" spellCheck={false} />
      </FormField>
    </>
  );
}
