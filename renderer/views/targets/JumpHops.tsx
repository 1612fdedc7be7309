// The ProxyJump chain as a list of hops (user@host:port) to add, remove and reorder.
import { emptyHop, moveHop, type JumpHop } from '../../lib/proxyJump.js';

export function JumpHops({ hops, errors, onChange }: { hops: JumpHop[]; errors: Record<number, string>; onChange: (h: JumpHop[]) => void }) {
  const patch = (i: number, p: Partial<JumpHop>) => onChange(hops.map((h, j) => (j === i ? { ...h, ...p } : h)));
  return (
    <fieldset className="fieldset" data-testid="wizard-jumps">
      <legend className="field-label">Jump hosts (ProxyJump), in the order ssh goes through them</legend>
      {hops.length === 0 ? <p className="muted">Direct connection. Add a jump host if you normally reach the login node through a gateway.</p> : null}
      <ol className="hop-list">
        {hops.map((h, i) => (
          <li key={i} className="hop-row" data-testid="wizard-jump">
            <span className="muted hop-n">{i + 1}.</span>
            <input aria-label={`Jump host ${i + 1} user`} placeholder="user" value={h.user} onChange={(e) => patch(i, { user: e.target.value })} className="hop-user" spellCheck={false} />
            <span aria-hidden="true">@</span>
            <input
              aria-label={`Jump host ${i + 1} host`}
              placeholder="gateway.example.edu"
              value={h.host}
              onChange={(e) => patch(i, { host: e.target.value })}
              className="hop-host"
              spellCheck={false}
              aria-invalid={errors[i] ? true : undefined}
              data-testid="wizard-jump-host"
            />
            <span aria-hidden="true">:</span>
            <input aria-label={`Jump host ${i + 1} port`} placeholder="22" value={h.port} onChange={(e) => patch(i, { port: e.target.value })} className="input-narrow hop-port" inputMode="numeric" />
            <button type="button" className="icon-button" aria-label={`Move jump host ${i + 1} up`} disabled={i === 0} onClick={() => onChange(moveHop(hops, i, -1))}>
              ↑
            </button>
            <button type="button" className="icon-button" aria-label={`Move jump host ${i + 1} down`} disabled={i === hops.length - 1} onClick={() => onChange(moveHop(hops, i, 1))}>
              ↓
            </button>
            <button type="button" className="icon-button" aria-label={`Remove jump host ${i + 1}`} onClick={() => onChange(hops.filter((_, j) => j !== i))}>
              ×
            </button>
            {errors[i] ? <span className="field-error hop-error">{errors[i]}</span> : null}
          </li>
        ))}
      </ol>
      <div>
        <button type="button" className="button button-small" onClick={() => onChange([...hops, emptyHop()])} data-testid="wizard-jump-add">
          Add jump host
        </button>
      </div>
    </fieldset>
  );
}
