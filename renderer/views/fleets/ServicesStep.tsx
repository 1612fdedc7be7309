// Step 2: the broker (RabbitMQ, or Redis as broker) and the result backend (Redis), their images and published
// ports; on a Swarm, whether both are pinned to manager nodes. A SLURM array reuses a broker that already runs.
import { FormField } from '../../components/FormField.js';
import { BROKER_IMAGES } from '../../lib/fleets.js';
import type { StepProps } from './stepProps.js';

export function ServicesStep({ f, set, e, kind }: StepProps) {
  const pickBroker = (brokerKind: 'rabbitmq' | 'redis') => {
    // Keep a hand-edited image; swap only the other kind's default.
    const untouched = f.brokerImage === BROKER_IMAGES.rabbitmq || f.brokerImage === BROKER_IMAGES.redis || !f.brokerImage.trim();
    set({ brokerKind, ...(untouched ? { brokerImage: BROKER_IMAGES[brokerKind] } : {}) });
  };
  return (
    <fieldset className="fieldset">
      <legend className="field-label">Broker and result backend</legend>
      {kind === 'slurm' ? (
        <p className="callout callout-info">
          A SLURM array starts only the workers: the broker and backend already run (e.g. on the head node). Give the URLs the workers use in the
          Workers step; the broker kind below only tells SimDeck what to expect.
        </p>
      ) : null}
      <div className="form-row">
        <FormField label="Broker" error={e['broker.kind']} className="grow-2">
          <select value={f.brokerKind} onChange={(ev) => pickBroker(ev.target.value as 'rabbitmq' | 'redis')} data-testid="fw-broker-kind">
            <option value="rabbitmq">RabbitMQ</option>
            <option value="redis">Redis as broker</option>
          </select>
        </FormField>
        {kind === 'slurm' ? null : (
          <>
            <FormField label="Broker image" error={e['broker.image']} className="grow-3">
              <input value={f.brokerImage} onChange={(ev) => set({ brokerImage: ev.target.value })} data-testid="fw-broker-image" className="mono" spellCheck={false} />
            </FormField>
            <FormField label="Published ports" error={e['broker.ports']} className="grow-2" hint="e.g. 5672, 15672 (AMQP, management); empty: not published">
              <input value={f.brokerPorts} onChange={(ev) => set({ brokerPorts: ev.target.value })} data-testid="fw-broker-ports" className="mono" placeholder="none" />
            </FormField>
          </>
        )}
      </div>
      {kind === 'slurm' ? null : (
        <div className="form-row">
          <FormField label="Backend image (Redis)" error={e['backend.image']} className="grow-3">
            <input value={f.backendImage} onChange={(ev) => set({ backendImage: ev.target.value })} data-testid="fw-backend-image" className="mono" spellCheck={false} />
          </FormField>
          <FormField label="Published ports" error={e['backend.ports']} className="grow-2" hint="e.g. 6379; empty: not published">
            <input value={f.backendPorts} onChange={(ev) => set({ backendPorts: ev.target.value })} data-testid="fw-backend-ports" className="mono" placeholder="none" />
          </FormField>
        </div>
      )}
      {kind === 'swarm' ? (
        <label className="check">
          <input type="checkbox" checked={f.pinToManagers} onChange={(ev) => set({ pinToManagers: ev.target.checked })} data-testid="fw-pin-managers" />
          Pin the broker and backend to manager nodes (node.role==manager, as BigChem does)
        </label>
      ) : null}
    </fieldset>
  );
}
