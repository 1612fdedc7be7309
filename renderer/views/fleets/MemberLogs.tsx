// One member's log (fleets.logs: stdout and stderr, a Swarm service's log, or an array task's output file), the
// last N lines, reloaded on request or, with Follow on, every 3 s while the panel is open (live, without keeping a
// stream per worker open: logs of many workers are large and rarely needed all at once).
import { useCallback, useEffect, useRef, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import { api } from '../../api/index.js';
import { CopyButton } from '../../components/CopyButton.js';

interface Props {
  fleetId: string;
  member: string;
  members: readonly string[];
  onPick: (member: string) => void;
  onClose: () => void;
}

type LogState = { state: 'loading' | 'ok' | 'error'; text: string };

export function MemberLogs({ fleetId, member, members, onPick, onClose }: Props) {
  const [tail, setTail] = useState('500');
  // Read when a log loads (member picked, Refresh), not on every keystroke, so it is mirrored in a ref.
  const tailRef = useRef(tail);
  const [log, setLog] = useState<LogState>({ state: 'loading', text: '' });
  const [follow, setFollow] = useState(false);

  const load = useCallback(async (quiet = false) => {
    if (!quiet) setLog((l) => ({ ...l, state: 'loading' }));
    const n = Number(tailRef.current);
    try {
      const r = await api().fleets.logs({ fleetId, member, ...(Number.isInteger(n) && n >= 1 ? { tail: Math.min(n, 100_000) } : {}) });
      setLog({ state: 'ok', text: r.text });
    } catch (err) {
      setLog({ state: 'error', text: toApiError(err).message });
    }
  }, [fleetId, member]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    if (!follow) return;
    const timer = setInterval(() => void load(true), 3000);
    return () => clearInterval(timer);
  }, [follow, load]);

  return (
    <section className="panel" aria-label={`Logs of ${member}`} data-testid="member-log-panel" data-member={member}>
      <div className="panel-head">
        <h2 className="panel-title">Logs</h2>
        <button type="button" className="button button-small button-ghost" onClick={onClose} aria-label="Close the logs">
          ×
        </button>
      </div>
      <div className="logs-toolbar">
        <label className="inline-field">
          <span className="field-label">Member</span>
          <select value={member} onChange={(ev) => onPick(ev.target.value)} data-testid="member-log-member">
            {members.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span className="field-label">Last lines</span>
          <input inputMode="numeric" className="input-narrow" value={tail} onChange={(ev) => {
              tailRef.current = ev.target.value;
              setTail(ev.target.value);
            }} data-testid="member-log-tail" />
        </label>
        <button type="button" className="button button-small" onClick={() => void load()} disabled={log.state === 'loading'} data-testid="member-log-refresh">
          {log.state === 'loading' ? 'Loading…' : 'Refresh'}
        </button>
        <label className="inline-field">
          <input type="checkbox" checked={follow} onChange={(ev) => setFollow(ev.target.checked)} data-testid="member-log-follow" />
          <span className="field-label">Follow</span>
        </label>
        {log.state === 'ok' ? <CopyButton text={log.text} label={`Copy the log of ${member}`} what="log" /> : null}
      </div>
      {log.state === 'error' ? (
        <p className="form-error" role="alert" data-testid="member-log-error">
          {log.text}
        </p>
      ) : (
        <pre className="code output-text" data-testid="member-log" data-state={log.state}>
          {log.text || (log.state === 'ok' ? '(empty)' : '')}
        </pre>
      )}
    </section>
  );
}
