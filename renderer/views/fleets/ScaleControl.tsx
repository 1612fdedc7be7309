// The number of workers → fleets.scale. The field starts at the desired count and follows it until edited.
import { useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { Fleet } from '../../../shared/fleet.js';
import { api } from '../../api/index.js';
import { toast } from '../../store/toasts.js';

export function ScaleControl({ fleet, disabled }: { fleet: Fleet; disabled: boolean }) {
  const [typed, setTyped] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const value = typed ?? String(fleet.workers.desired);
  const n = Number(value);
  const valid = /^\d+$/.test(value.trim()) && n <= 10_000;

  const apply = async () => {
    setBusy(true);
    setError(null);
    try {
      await api().fleets.scale({ fleetId: fleet.id, workers: n });
      setTyped(null);
      toast('success', `${fleet.name}: scaling to ${n} worker${n === 1 ? '' : 's'}.`);
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="selection-bar"
      onSubmit={(ev) => {
        ev.preventDefault();
        if (valid && !busy) void apply();
      }}
      data-testid="fleet-scale"
    >
      <label className="inline-field">
        <span className="field-label">Workers</span>
        <input
          inputMode="numeric"
          className="input-narrow"
          value={value}
          onChange={(ev) => setTyped(ev.target.value)}
          disabled={disabled}
          aria-invalid={valid ? undefined : true}
          data-testid="fleet-scale-input"
        />
      </label>
      <button type="submit" className="button button-small" disabled={disabled || busy || !valid || n === fleet.workers.desired} data-testid="fleet-scale-apply">
        {busy ? 'Scaling…' : 'Scale'}
      </button>
      {fleet.spec?.workers.gpu === 'per-gpu' ? <span className="muted">Per-GPU workers: the count is per node.</span> : null}
      {error ? (
        <span className="form-error" role="alert" data-testid="form-error">
          {error}
        </span>
      ) : null}
    </form>
  );
}
