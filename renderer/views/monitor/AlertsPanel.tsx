// Alerts: the history (monitor.alerts, kept live by `monitor.alert` in store/monitor: new alerts on top, resolutions
// update their row), each with a link to what it is about, and the rules editor (monitor.rules / monitor.setRules):
// enable a rule, edit its parameters, scope it to a target; the core's validation messages land next to the field.
import { useEffect, useMemo, useState } from 'react';
import { ALERT_KIND_LABELS, AlertKind, type AlertEvent, type AlertRule } from '../../../shared/alerts.js';
import { toApiError } from '../../../shared/client.js';
import { StateBadge, type Tone } from '../../components/StateBadge.js';
import { labelOf } from '../../lib/views.js';
import { FAILED_STATE_CHOICES, RULE_PARAMS, buildRules, newRuleId, ruleErrors, ruleField, ruleToForm, type RuleForm } from '../../lib/monitor.js';
import { api } from '../../api/index.js';
import { followAlertLink, useMonitor } from '../../store/monitor.js';
import { useTargets } from '../../store/targets.js';
import type { FormErrors } from '../../lib/fieldErrors.js';

const NO_ERRORS: FormErrors = { fields: {}, form: null };
const SEVERITY_TONE: Record<AlertEvent['severity'], Tone> = { info: 'info', warning: 'warning', error: 'danger' };

export default function AlertsPanel() {
  return (
    <div className="stack monitor-alerts">
      <AlertHistory />
      <RulesEditor />
    </div>
  );
}

function AlertHistory() {
  const alerts = useMonitor((s) => s.alerts);
  const loaded = useMonitor((s) => s.alertsLoaded);
  const error = useMonitor((s) => s.alertsError);
  const reload = useMonitor((s) => s.loadAlerts);
  const [kind, setKind] = useState<string>('');
  const [openOnly, setOpenOnly] = useState(false);
  const shown = useMemo(() => alerts.filter((a) => (!kind || a.kind === kind) && (!openOnly || a.resolvedAt === null)), [alerts, kind, openOnly]);
  return (
    <section className="panel" aria-label="Alert history" data-testid="alerts-panel">
      <div className="panel-head">
        <h2 className="panel-title">Alerts</h2>
        <select value={kind} onChange={(e) => setKind(e.target.value)} aria-label="Kind of alert" className="monitor-select" data-testid="alerts-filter">
          <option value="">Every kind</option>
          {AlertKind.options.map((k) => (
            <option key={k} value={k}>
              {ALERT_KIND_LABELS[k]}
            </option>
          ))}
        </select>
        <label className="toggle">
          <input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} data-testid="alerts-open-only" />
          Open only
        </label>
        <button type="button" className="button button-small" onClick={() => void reload()} data-testid="alerts-reload">
          Reload
        </button>
      </div>
      {error ? (
        <p className="form-error" data-testid="alerts-error">
          {error}
        </p>
      ) : null}
      {!loaded ? (
        <p className="muted">Loading alerts…</p>
      ) : alerts.length === 0 ? (
        <p className="muted" data-testid="alerts-empty">
          No alerts yet. SimDeck raises one when a job fails, a GPU idles or is under-used, an umbrella window restarts or is evicted, a fleet worker
          crash-loops, a certificate nears expiry or a cluster stops answering — once per episode, following the rules below.
        </p>
      ) : shown.length === 0 ? (
        <p className="muted" data-testid="alerts-none-shown">
          No alert matches the filter.
        </p>
      ) : (
        <ul className="alert-list" data-testid="alerts-list" data-count={shown.length}>
          {shown.map((a) => (
            <AlertItem key={a.id} alert={a} />
          ))}
        </ul>
      )}
    </section>
  );
}

function AlertItem({ alert: a }: { alert: AlertEvent }) {
  const state = a.resolvedAt === null ? 'firing' : 'resolved';
  return (
    <li
      className={`alert-item alert-${a.severity}${a.resolvedAt ? ' alert-resolved' : ''}`}
      data-testid="alert-row"
      data-alert-id={a.id}
      data-kind={a.kind}
      data-severity={a.severity}
      data-state={state}
    >
      <div className="alert-head">
        <StateBadge state={a.severity} label={a.severity} tone={SEVERITY_TONE[a.severity]} />
        <strong className="alert-title" data-testid="alert-title">
          {a.title}
        </strong>
        <span className="toolbar-spacer" />
        <StateBadge state={state} label={state} tone={a.resolvedAt ? 'success' : 'warning'} />
      </div>
      <p className="alert-message" data-testid="alert-message">
        {a.message}
      </p>
      <div className="alert-meta muted">
        <span data-testid="alert-fired">fired {new Date(a.firedAt).toLocaleString()}</span>
        {a.resolvedAt ? <span data-testid="alert-resolved">resolved {new Date(a.resolvedAt).toLocaleString()}</span> : null}
        <span>{ALERT_KIND_LABELS[a.kind]}</span>
        <button type="button" className="link-button" onClick={() => followAlertLink(a.link)} data-testid="alert-link" data-area={a.link.area} data-id={a.link.id}>
          Open in {labelOf(a.link.area)} →
        </button>
      </div>
    </li>
  );
}

function RulesEditor() {
  const targets = useTargets((s) => s.targets);
  const [saved, setSaved] = useState<AlertRule[] | null>(null);
  const [forms, setForms] = useState<RuleForm[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [saving, setSaving] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [addKind, setAddKind] = useState<AlertKind>('gpu-underused');

  const load = async () => {
    try {
      const rules = await api().monitor.rules();
      setSaved(rules);
      setForms(rules.map(ruleToForm));
      setLoadError(null);
      setErrors(NO_ERRORS);
    } catch (err) {
      setLoadError(toApiError(err).message);
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const dirty = useMemo(() => saved !== null && forms !== null && JSON.stringify(saved.map(ruleToForm)) !== JSON.stringify(forms), [saved, forms]);

  const update = (i: number, patch: Partial<RuleForm>) => {
    setStatus(null);
    setForms((fs) => fs && fs.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  };
  const setParam = (i: number, name: string, value: string | boolean | string[]) => {
    setStatus(null);
    setForms((fs) => fs && fs.map((f, j) => (j === i ? { ...f, params: { ...f.params, [name]: value } } : f)));
  };
  const add = () => {
    if (!forms) return;
    const id = newRuleId(addKind, forms.map((f) => f.id));
    const template = forms.find((f) => f.kind === addKind);
    const params: RuleForm['params'] = template ? { ...template.params } : Object.fromEntries(RULE_PARAMS[addKind].map((p) => [p.name, p.type === 'bool' ? true : p.type === 'states' ? [] : '']));
    setForms([...forms, { id, kind: addKind, enabled: true, targetId: '', params }]);
    setStatus(null);
  };
  const remove = (i: number) => {
    setForms((fs) => fs && fs.filter((_, j) => j !== i));
    setErrors(NO_ERRORS);
    setStatus(null);
  };

  const save = async () => {
    if (!forms) return;
    const built = buildRules(forms);
    setErrors(built.errors);
    if (!built.rules) return;
    setSaving(true);
    try {
      const rules = await api().monitor.setRules({ rules: built.rules as AlertRule[] });
      setSaved(rules);
      setForms(rules.map(ruleToForm));
      setErrors(NO_ERRORS);
      setStatus('Saved.');
    } catch (err) {
      setErrors(ruleErrors(toApiError(err)));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="panel" aria-label="Alert rules" data-testid="rules-editor" data-state={forms ? 'ready' : loadError ? 'error' : 'loading'}>
      <div className="panel-head">
        <h2 className="panel-title">Rules</h2>
        {forms ? (
          <>
            <select value={addKind} onChange={(e) => setAddKind(e.target.value as AlertKind)} aria-label="Kind of rule to add" className="monitor-select" data-testid="rule-add-kind">
              {AlertKind.options.map((k) => (
                <option key={k} value={k}>
                  {ALERT_KIND_LABELS[k]}
                </option>
              ))}
            </select>
            <button type="button" className="button button-small" onClick={add} data-testid="rule-add">
              Add rule
            </button>
          </>
        ) : null}
      </div>
      <p className="muted">
        Each rule fires once per episode and resolves when the condition ends. Scope a rule to one target to watch only that target; add another rule of
        the same kind for different settings elsewhere.
      </p>
      {loadError ? (
        <p className="form-error" data-testid="rules-error">
          {loadError}
        </p>
      ) : null}
      {!forms ? (
        loadError ? null : <p className="muted">Loading rules…</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table rules-table" data-testid="rules-table" data-count={forms.length}>
            <thead>
              <tr>
                <th>On</th>
                <th>Rule</th>
                <th>Parameters</th>
                <th>Target</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {forms.map((f, i) => (
                <RuleRow key={`${i}:${f.kind}`} index={i} form={f} errors={errors} targets={targets} onChange={update} onParam={setParam} onRemove={remove} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {errors.form ? (
        <p className="form-error" data-testid="form-error">
          {errors.form}
        </p>
      ) : null}
      {forms ? (
        <div className="rules-actions">
          <button type="button" className="button button-primary" onClick={() => void save()} disabled={saving || !dirty} data-testid="rules-save">
            {saving ? 'Saving…' : 'Save rules'}
          </button>
          <button
            type="button"
            className="button"
            onClick={() => {
              if (saved) setForms(saved.map(ruleToForm));
              setErrors(NO_ERRORS);
              setStatus(null);
            }}
            disabled={!dirty}
            data-testid="rules-revert"
          >
            Revert
          </button>
          {status ? (
            <span className="muted" role="status" data-testid="rules-status">
              {status}
            </span>
          ) : dirty ? (
            <span className="muted" data-testid="rules-dirty">
              Unsaved changes
            </span>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

interface RuleRowProps {
  index: number;
  form: RuleForm;
  errors: FormErrors;
  targets: readonly { id: string; name: string }[];
  onChange(i: number, patch: Partial<RuleForm>): void;
  onParam(i: number, name: string, value: string | boolean | string[]): void;
  onRemove(i: number): void;
}

function RuleRow({ index: i, form: f, errors, targets, onChange, onParam, onRemove }: RuleRowProps) {
  const err = (name: string) => errors.fields[ruleField(i, name)] ?? null;
  const targetKnown = !f.targetId || targets.some((t) => t.id === f.targetId);
  return (
    <tr data-testid="rule-row" data-rule-id={f.id} data-kind={f.kind} data-enabled={f.enabled}>
      <td>
        <input type="checkbox" checked={f.enabled} onChange={(e) => onChange(i, { enabled: e.target.checked })} aria-label={`Enable ${f.id}`} data-testid="rule-enabled" />
      </td>
      <td>
        <div className="rule-name">{ALERT_KIND_LABELS[f.kind]}</div>
        <div className="muted mono-small" data-testid="rule-id">
          {f.id}
        </div>
        {err('id') ? (
          <span className="field-error" data-testid="field-error">
            {err('id')}
          </span>
        ) : null}
      </td>
      <td>
        <div className="rule-params">
          {RULE_PARAMS[f.kind].length === 0 ? <span className="muted">no settings</span> : null}
          {RULE_PARAMS[f.kind].map((p) => {
            const e = err(p.name);
            if (p.type === 'bool')
              return (
                <label key={p.name} className="toggle">
                  <input type="checkbox" checked={f.params[p.name] === true} onChange={(ev) => onParam(i, p.name, ev.target.checked)} data-testid={`rule-param-${p.name}`} />
                  {p.label}
                </label>
              );
            if (p.type === 'states') {
              const chosen = Array.isArray(f.params.states) ? f.params.states : [];
              return (
                <div key={p.name} className="rule-param">
                  <div className="check-row" data-testid="rule-param-states" aria-invalid={e ? true : undefined}>
                    {FAILED_STATE_CHOICES.map((s) => (
                      <label key={s} className="check">
                        <input
                          type="checkbox"
                          checked={chosen.includes(s)}
                          onChange={(ev) => onParam(i, 'states', ev.target.checked ? [...chosen, s] : chosen.filter((x) => x !== s))}
                          data-state={s}
                        />
                        {s}
                      </label>
                    ))}
                  </div>
                  {e ? (
                    <span className="field-error" data-testid="field-error">
                      {e}
                    </span>
                  ) : null}
                </div>
              );
            }
            return (
              <div key={p.name} className="rule-param">
                <label className="inline-field">
                  <span className="field-label">{p.label}</span>
                  <input
                    type="text"
                    inputMode="decimal"
                    className="input-narrow"
                    value={typeof f.params[p.name] === 'string' ? (f.params[p.name] as string) : ''}
                    onChange={(ev) => onParam(i, p.name, ev.target.value)}
                    aria-invalid={e ? true : undefined}
                    data-testid={`rule-param-${p.name}`}
                  />
                  <span className="muted">{p.unit}</span>
                </label>
                {e ? (
                  <span className="field-error" data-testid="field-error">
                    {e}
                  </span>
                ) : null}
              </div>
            );
          })}
        </div>
      </td>
      <td>
        <select value={f.targetId} onChange={(e) => onChange(i, { targetId: e.target.value })} aria-label={`Target of ${f.id}`} aria-invalid={err('targetId') ? true : undefined} data-testid="rule-target">
          <option value="">Every target</option>
          {!targetKnown ? <option value={f.targetId}>{f.targetId} (removed)</option> : null}
          {targets.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
        {err('targetId') ? (
          <span className="field-error" data-testid="field-error">
            {err('targetId')}
          </span>
        ) : null}
      </td>
      <td>
        <button type="button" className="button button-small button-ghost" onClick={() => onRemove(i)} aria-label={`Remove ${f.id}`} data-testid="rule-remove">
          Remove
        </button>
      </td>
    </tr>
  );
}
