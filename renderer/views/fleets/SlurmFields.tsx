// The SLURM array's options: setup lines run before each worker, the per-task resources, and the broker and
// backend URLs as the workers on the compute nodes see them (BIGCHEM_BROKER_URL / BIGCHEM_BACKEND_URL).
import { FormField } from '../../components/FormField.js';
import type { StepProps } from './stepProps.js';

export function SlurmFields({ f, set, e }: StepProps) {
  return (
    <fieldset className="fieldset" data-testid="fw-slurm">
      <legend className="field-label">SLURM job array</legend>
      <FormField label="Setup lines (one per line, run before the worker)" error={e['slurm.setup']} hint="e.g. module load cuda/12.2 or source ~/venvs/bigchem/bin/activate">
        <textarea value={f.slurmSetup} onChange={(ev) => set({ slurmSetup: ev.target.value })} rows={3} className="mono" data-testid="fw-slurm-setup" spellCheck={false} />
      </FormField>
      <div className="form-row">
        <FormField label="CPUs per task" error={e['slurm.cpusPerTask']} className="grow-0">
          <input inputMode="numeric" value={f.slurmCpus} onChange={(ev) => set({ slurmCpus: ev.target.value })} data-testid="fw-slurm-cpus" className="input-narrow" />
        </FormField>
        <FormField label="Memory" error={e['slurm.mem']} className="grow-0" hint="e.g. 16G">
          <input value={f.slurmMem} onChange={(ev) => set({ slurmMem: ev.target.value })} data-testid="fw-slurm-mem" className="input-narrow mono" />
        </FormField>
        <FormField label="Time limit" error={e['slurm.time']} className="grow-0" hint="48:00:00 or 2-00:00:00">
          <input value={f.slurmTime} onChange={(ev) => set({ slurmTime: ev.target.value })} data-testid="fw-slurm-time" className="input-narrow mono" placeholder="default" />
        </FormField>
        <FormField label="Partition" error={e['slurm.partition']} className="grow-2">
          <input value={f.slurmPartition} onChange={(ev) => set({ slurmPartition: ev.target.value })} data-testid="fw-slurm-partition" className="mono" placeholder="default" />
        </FormField>
        <FormField label="GPUs per task" error={e['slurm.gpusPerTask']} className="grow-0">
          <input inputMode="numeric" value={f.slurmGpus} onChange={(ev) => set({ slurmGpus: ev.target.value })} data-testid="fw-slurm-gpus" className="input-narrow" />
        </FormField>
      </div>
      <div className="form-row">
        <FormField label="Broker URL (as the workers see it)" error={e['slurm.brokerUrl']} className="grow-3" required>
          <input value={f.slurmBrokerUrl} onChange={(ev) => set({ slurmBrokerUrl: ev.target.value })} data-testid="fw-slurm-broker-url" className="mono" placeholder="amqp://login1:5672" spellCheck={false} />
        </FormField>
        <FormField label="Backend URL (as the workers see it)" error={e['slurm.backendUrl']} className="grow-3" required>
          <input value={f.slurmBackendUrl} onChange={(ev) => set({ slurmBackendUrl: ev.target.value })} data-testid="fw-slurm-backend-url" className="mono" placeholder="redis://login1:6379/0" spellCheck={false} />
        </FormField>
      </div>
    </fieldset>
  );
}
