// Delete / Restart selected windows (confirm with the list, then the per-window result and kubectl command), and
// Extend a campaign (new replica total and/or extra windows).
import { useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { Result } from '../../../shared/contract.js';
import type { Campaign } from '../../../shared/kube.js';
import { api } from '../../api/index.js';
import { CopyButton } from '../../components/CopyButton.js';
import { Dialog } from '../../components/Dialog.js';
import { FormError, FormField } from '../../components/FormField.js';
import { formatCentre, pad2, parseExtraWindows } from '../../lib/umbrella.js';
import { toast } from '../../store/toasts.js';
import { useUmbrella } from '../../store/umbrella.js';

type ActResult = Result<'umbrella.act'>;
type Ref = { replica: number; window: number };

const WHAT = {
  delete: { title: 'Delete', verb: 'deletes', blurb: 'SimDeck deletes each window’s Job and its pods. Files already in the bucket stay.' },
  restart: {
    title: 'Restart',
    verb: 'restarts',
    blurb: 'SimDeck deletes each window’s Job and creates it again with a new provenance record (the old one is kept). The window resumes from its last checkpoint in the bucket.',
  },
} as const;

export function ActDialog({ action, campaignName, refs, onClose, run }: {
  action: 'delete' | 'restart';
  campaignName: string;
  refs: Ref[];
  onClose: () => void;
  run: (action: 'delete' | 'restart', windows: Ref[]) => Promise<ActResult>;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [results, setResults] = useState<ActResult | null>(null);
  const w = WHAT[action];

  const go = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await run(action, refs);
      setResults(r);
      const failed = r.filter((x) => !x.ok).length;
      toast(failed ? 'warning' : 'success', `${w.title}: ${r.length - failed} of ${r.length} windows${failed ? `, ${failed} failed` : ''}.`);
      void useUmbrella.getState().loadDetail();
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  };

  const allCommands = results?.map((r) => r.command).filter(Boolean).join('\n') ?? '';
  return (
    <Dialog title={`${w.title} ${refs.length} window${refs.length === 1 ? '' : 's'} of “${campaignName}”?`} onClose={onClose} testId="window-act-dialog" danger={action === 'delete'}>
      <div className="stack">
        {!results ? (
          <>
            <p>{w.blurb}</p>
            <ul className="window-ref-list" data-testid="window-act-list">
              {refs.slice(0, 300).map((r) => (
                <li key={`${r.replica}:${r.window}`} className="mono">
                  R{r.replica}/{pad2(r.window)}
                </li>
              ))}
              {refs.length > 300 ? <li className="muted">… and {refs.length - 300} more</li> : null}
            </ul>
          </>
        ) : (
          <section data-testid="window-act-results" aria-label="Results">
            <div className="section-head">
              <h3 className="panel-title">Commands SimDeck ran</h3>
              {allCommands ? <CopyButton text={allCommands} label="Copy all commands" what="commands" /> : null}
            </div>
            <ul className="result-list">
              {results.map((r) => (
                <li key={`${r.replica}:${r.window}`} className="result-item" data-ok={r.ok} data-testid="window-act-result">
                  <StateDot ok={r.ok} /> <strong className="mono">R{r.replica}/{pad2(r.window)}</strong> {r.message}
                  {r.command ? (
                    <div className="command-line">
                      <code className="mono">{r.command}</code>
                    </div>
                  ) : null}
                </li>
              ))}
            </ul>
          </section>
        )}
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            {results ? 'Close' : 'Cancel'}
          </button>
          {!results ? (
            <button type="button" className={`button ${action === 'delete' ? 'button-danger' : 'button-primary'}`} disabled={busy} onClick={() => void go()} data-testid="window-act-confirm">
              {busy ? 'Working…' : `${w.title} ${refs.length} window${refs.length === 1 ? '' : 's'}`}
            </button>
          ) : null}
        </div>
      </div>
    </Dialog>
  );
}

function StateDot({ ok }: { ok: boolean }) {
  return <span className={`badge ${ok ? 'badge-success' : 'badge-danger'}`}>{ok ? 'ok' : 'failed'}</span>;
}

export function ExtendDialog({ campaign, onClose }: { campaign: Campaign; onClose: () => void }) {
  const existing = campaign.spec.windows.map((w) => w.index);
  const [replicas, setReplicas] = useState(String(campaign.spec.replicas));
  const [extra, setExtra] = useState('');
  const [errors, setErrors] = useState<{ replicas?: string; windows?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);

  const parsed = parseExtraWindows(extra, existing);
  const n = Number(replicas);
  const replicasValid = Number.isInteger(n) && n >= campaign.spec.replicas && n <= 100;
  const newReplicas = replicasValid && n > campaign.spec.replicas ? n : undefined;
  const totalWindows = existing.length + parsed.windows.length;
  const newJobs = (newReplicas ? (newReplicas - campaign.spec.replicas) * totalWindows : 0) + campaign.spec.replicas * parsed.windows.length;
  const last = [...campaign.spec.windows].sort((a, b) => a.index - b.index).at(-1);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const errs: typeof errors = {};
    if (!replicasValid) errs.replicas = `a whole number from ${campaign.spec.replicas} (the current total) to 100`;
    if (parsed.error) errs.windows = parsed.error;
    if (!errs.replicas && !errs.windows && !newReplicas && !parsed.windows.length) errs.form = 'Raise the replica total or add at least one window.';
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setBusy(true);
    try {
      const c = await api().umbrella.extend({
        campaignId: campaign.id,
        ...(newReplicas ? { replicas: newReplicas } : {}),
        ...(parsed.windows.length ? { windows: parsed.windows } : {}),
        confirm: true,
      });
      toast('success', `Extended “${c.name}”: ${newJobs} new Jobs.`);
      void useUmbrella.getState().loadDetail();
      onClose();
    } catch (err) {
      const ae = toApiError(err);
      const m = /^[a-z]+\.[A-Za-z]+:\s+(replicas|windows)[\w.]*:\s+(.+)$/.exec(ae.message);
      if (ae.code === 'INVALID_INPUT' && m) setErrors({ [m[1]!]: m[2]! });
      else setErrors({ form: ae.message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Extend “${campaign.name}”`} onClose={onClose} testId="campaign-extend-dialog">
      <form className="stack" onSubmit={submit} noValidate>
        <FormField label="Replicas (new total)" error={errors.replicas} hint={`Now ${campaign.spec.replicas}; new replicas run every window.`}>
          <input value={replicas} onChange={(e) => setReplicas(e.target.value)} inputMode="numeric" className="input-narrow" data-testid="extend-replicas" data-autofocus />
        </FormField>
        <FormField
          label="Extra windows (“index centre” per line)"
          error={errors.windows}
          hint={`e.g. “${pad2((last?.index ?? -1) + 1)} ${formatCentre((last?.centre ?? 0.4) - 0.02)}”; a centre alone takes the next index. Use this to fill a gap between neighbours.`}
        >
          <textarea value={extra} onChange={(e) => setExtra(e.target.value)} rows={4} className="mono" data-testid="extend-windows" spellCheck={false} />
        </FormField>
        <p className="muted">{newJobs ? `${newJobs} new Jobs will be created in the campaign’s namespace.` : 'Nothing to add yet.'}</p>
        <FormError message={errors.form} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy} data-testid="extend-submit">
            {busy ? 'Extending…' : `Create ${newJobs || ''} Jobs`.replace('  ', ' ')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
