// Step 4: where SimDeck reads queue depth and consumers: none, the RabbitMQ management API, or Redis. The password
// field is uncontrolled and its value lives in the wizard's ref only, so it never enters React state or the store.
import type { RefObject } from 'react';
import { FormField } from '../../components/FormField.js';
import type { StepProps } from './stepProps.js';

const URL_HINTS = {
  rabbitmq: 'The management API, e.g. http://127.0.0.1:15672 (publish port 15672 on the broker).',
  redis: 'e.g. redis://127.0.0.1:6379/0',
} as const;

export function MonitorStep({ f, set, e, kind, password }: StepProps & { password: RefObject<string> }) {
  return (
    <fieldset className="fieldset">
      <legend className="field-label">Monitoring</legend>
      <FormField label="Read the queue from" error={e['monitor.kind']}>
        <select value={f.monitorKind} onChange={(ev) => set({ monitorKind: ev.target.value as typeof f.monitorKind })} data-testid="fw-monitor-kind">
          <option value="none">No monitoring (workers only)</option>
          <option value="rabbitmq">RabbitMQ management API</option>
          <option value="redis">Redis</option>
        </select>
      </FormField>
      {f.monitorKind === 'none' ? (
        <p className="muted">Without monitoring the fleet page shows workers and restarts, but no queue depth or consumers.</p>
      ) : (
        <>
          <FormField label="URL" error={e['monitor.url']} required hint={URL_HINTS[f.monitorKind]}>
            <input value={f.monitorUrl} onChange={(ev) => set({ monitorUrl: ev.target.value })} data-testid="fw-monitor-url" className="mono" spellCheck={false} />
          </FormField>
          <div className="form-row">
            <FormField label="Username" error={e['monitor.username']} className="grow-2">
              <input value={f.monitorUser} onChange={(ev) => set({ monitorUser: ev.target.value })} data-testid="fw-monitor-user" autoComplete="off" />
            </FormField>
            <FormField label="Password" error={e.monitorPassword} className="grow-2" hint="Kept in SimDeck’s vault, never in the workspace.">
              <input
                type="password"
                defaultValue={password.current}
                onChange={(ev) => {
                  password.current = ev.target.value;
                }}
                data-testid="fw-monitor-password"
                autoComplete="new-password"
              />
            </FormField>
          </div>
          {kind === 'slurm' ? (
            <label className="check">
              <input type="checkbox" checked={f.monitorViaTunnel} onChange={(ev) => set({ monitorViaTunnel: ev.target.checked })} data-testid="fw-monitor-tunnel" />
              Reach it through a tunnel via the SLURM login node (the URL’s host:port as seen from there)
            </label>
          ) : null}
        </>
      )}
    </fieldset>
  );
}
