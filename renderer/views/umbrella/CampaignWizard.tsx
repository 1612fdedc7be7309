// "New campaign": step 1 asks everything a CampaignSpec holds (defaults from proteinbenchmark-nrp), step 2 shows
// umbrella.preview (warnings, every manifest with one YAML open at a time, the commands), then Launch → confirm →
// umbrella.launch. Light checks happen here; the contract's own messages come back from the core per field.
import { useEffect, useMemo, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { Result } from '../../../shared/contract.js';
import type { Project, Target } from '../../../shared/domain.js';
import type { CampaignPreview, CampaignSpec } from '../../../shared/kube.js';
import { api } from '../../api/index.js';
import { CopyButton } from '../../components/CopyButton.js';
import { Dialog } from '../../components/Dialog.js';
import { FormError, FormField } from '../../components/FormField.js';
import {
  buildSpec,
  cudaChoiceLabel,
  defaultForm,
  formatCentres,
  inputsSummary,
  linspace,
  pad2,
  parseCentres,
  splitWizardErrors,
  type CampaignForm,
  type InputsCheck,
  type WizardErrors,
  uploadSummary,
} from '../../lib/umbrella.js';
import { toast } from '../../store/toasts.js';

type Nodes = Result<'kube.nodes'>;
const NO_ERRORS: WizardErrors = { fields: {}, form: null };
const PAGE = 25;
const MISSING_SHOWN = 200;
type Upload = { busy: boolean; text: string | null; error: string | null };
const NO_UPLOAD: Upload = { busy: false, text: null, error: null };

/** umbrella.inputs next to the preview: its answer, or why it could not be asked. */
type Inputs = { result: InputsCheck; error: null } | { result: null; error: string };

function checkInputs(spec: CampaignSpec): Promise<Inputs> {
  return api()
    .umbrella.inputs(spec)
    .then(
      (result): Inputs => ({ result, error: null }),
      (err: unknown): Inputs => ({ result: null, error: toApiError(err).message }),
    );
}

interface Props {
  projects: readonly Project[];
  projectId: string | null;
  targets: readonly Target[];
  onClose: () => void;
  onLaunched: (campaignId: string) => void;
}

export function CampaignWizard({ projects, projectId, targets, onClose, onLaunched }: Props) {
  const active = projects.filter((p) => !p.archived);
  const [f, setF] = useState<CampaignForm>(() => defaultForm(projectId ?? active[0]?.id ?? '', targets[0]?.id ?? ''));
  const [errors, setErrors] = useState<WizardErrors>(NO_ERRORS);
  const [step, setStep] = useState<'form' | 'preview'>('form');
  const [preview, setPreview] = useState<{ spec: CampaignSpec; result: CampaignPreview; inputs: Inputs } | null>(null);
  const [busy, setBusy] = useState<'preview' | 'launch' | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [range, setRange] = useState({ first: '1.0', last: '0.4' });
  // umbrella.uploadInputs from the preview step: running, its one-line result, or why it failed.
  const [upload, setUpload] = useState<Upload>(NO_UPLOAD);
  const set = (patch: Partial<CampaignForm>) => {
    setF((x) => ({ ...x, ...patch }));
    setPreview(null);
    setUpload(NO_UPLOAD);
  };
  const target = targets.find((t) => t.id === f.targetId);
  const namespace = typeof target?.settings.namespace === 'string' ? target.settings.namespace : 'the context’s namespace';

  const nodes = useNodes(f.targetId);
  const cudaValue = f.cudaOff ? 'none' : nodes.data?.cuda.some((c) => c.major === f.cudaMajor && c.minor === f.cudaMinor) ? `${f.cudaMajor}.${f.cudaMinor}` : 'manual';

  const centres = parseCentres(f.centres);
  const setCount = (raw: string) => {
    const n = Number(raw);
    const first = Number(range.first);
    const last = Number(range.last);
    if (Number.isInteger(n) && n >= 1 && n <= 1000 && Number.isFinite(first) && Number.isFinite(last)) set({ windowCount: raw, centres: formatCentres(linspace(first, last, n)) });
    else set({ windowCount: raw });
  };
  const refill = () => setCount(f.windowCount);

  const runPreview = async () => {
    setErrors(NO_ERRORS);
    const built = buildSpec(f);
    if (!built.spec) {
      setErrors(built.errors);
      return;
    }
    setBusy('preview');
    try {
      // Both at once; a failed inputs check does not stop the preview.
      const [result, inputs] = await Promise.all([api().umbrella.preview(built.spec), checkInputs(built.spec)]);
      setPreview({ spec: built.spec, result, inputs });
      setUpload(NO_UPLOAD);
      setStep('preview');
    } catch (err) {
      setErrors(splitWizardErrors(toApiError(err)));
    } finally {
      setBusy(null);
    }
  };

  const uploadInputs = async () => {
    if (!preview) return;
    const spec = preview.spec;
    setUpload({ busy: true, text: null, error: null });
    try {
      const r = await api().umbrella.uploadInputs(spec);
      setUpload({ busy: false, text: uploadSummary(r), error: null });
      const inputs = await checkInputs(spec);
      setPreview((p) => (p && p.spec === spec ? { ...p, inputs } : p));
    } catch (err) {
      setUpload({ busy: false, text: null, error: toApiError(err).message });
    }
  };

  const launch = async () => {
    if (!preview) return;
    setBusy('launch');
    try {
      const campaign = await api().umbrella.launch({ spec: preview.spec, confirm: true });
      toast('success', `Launched “${campaign.name}”: ${preview.result.manifests.length} Jobs.`);
      onLaunched(campaign.id);
    } catch (err) {
      const split = splitWizardErrors(toApiError(err));
      setConfirming(false);
      const fields = Object.keys(split.fields);
      if (fields.length === 1 && fields[0] === 'required') {
        // Refused for inputs missing from the bucket: the message stays on the preview, and the check is redone.
        setErrors({ fields: split.fields, form: [split.form, split.fields.required].filter(Boolean).join('; ') });
        const spec = preview.spec;
        void checkInputs(spec).then((inputs) => setPreview((p) => (p && p.spec === spec ? { ...p, inputs } : p)));
      } else {
        if (fields.length) setStep('form');
        setErrors(split);
      }
    } finally {
      setBusy(null);
    }
  };

  const e = errors.fields;
  const jobs = preview?.result.manifests.length ?? 0;

  return (
    <Dialog title={step === 'form' ? 'New umbrella campaign' : `Preview: ${preview?.result.name ?? ''}`} onClose={onClose} testId="campaign-wizard" wide>
      <ol className="steps" aria-label="Steps">
        <li aria-current={step === 'form' ? 'step' : undefined}>1. Campaign</li>
        <li aria-current={step === 'preview' ? 'step' : undefined}>2. Preview and launch</li>
      </ol>
      {step === 'form' ? (
        <form
          className="stack"
          noValidate
          onSubmit={(ev) => {
            ev.preventDefault();
            void runPreview();
          }}
        >
          <fieldset className="fieldset">
            <legend className="field-label">Where and what</legend>
            <div className="form-row">
              <FormField label="Project" error={e.project} className="grow-2" required>
                <select value={f.projectId} onChange={(ev) => set({ projectId: ev.target.value })} data-testid="cw-project">
                  {active.length === 0 ? <option value="">No project yet</option> : null}
                  {active.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name}
                    </option>
                  ))}
                </select>
              </FormField>
              <FormField label="Kubernetes target" error={e.target} className="grow-2" required hint={target ? `namespace ${namespace}` : 'Add one under Targets (“Add from kubeconfig”).'}>
                <select value={f.targetId} onChange={(ev) => set({ targetId: ev.target.value })} data-testid="cw-target">
                  {targets.length === 0 ? <option value="">No Kubernetes target yet</option> : null}
                  {targets.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.name}
                    </option>
                  ))}
                </select>
              </FormField>
            </div>
            <div className="form-row">
              <FormField label="Initials" error={e.initials} className="grow-0" required hint="First part of every Job name">
                <input value={f.initials} onChange={(ev) => set({ initials: ev.target.value })} data-testid="cw-initials" placeholder="jm" className="input-narrow" autoComplete="off" data-autofocus />
              </FormField>
              <FormField label="Benchmark target" error={e.benchmark} className="grow-2" required>
                <input value={f.benchmark} onChange={(ev) => set({ benchmark: ev.target.value })} data-testid="cw-benchmark" placeholder="gb3" autoComplete="off" />
              </FormField>
              <FormField label="Force field" error={e.ff} className="grow-3" required>
                <input value={f.forceField} onChange={(ev) => set({ forceField: ev.target.value })} data-testid="cw-ff" placeholder="null-0.0.3-pair-opc3" className="mono" autoComplete="off" />
              </FormField>
            </div>
            <p className="muted">
              Campaign name (the scripts’ <span className="mono">{'{S}'}</span>): <span className="mono">{`${f.benchmark.trim() || '…'}-${f.forceField.trim() || '…'}`}</span>
            </p>
          </fieldset>

          <fieldset className="fieldset">
            <legend className="field-label">Replicas and windows</legend>
            <div className="form-row">
              <FormField label="Replicas" error={e.replicas} className="grow-0" required>
                <input type="text" inputMode="numeric" value={f.replicas} onChange={(ev) => set({ replicas: ev.target.value })} data-testid="cw-replicas" className="input-narrow" />
              </FormField>
              <FormField label="Windows" error={e.windows} className="grow-0" required hint={centres.error ? undefined : `${centres.centres.length} centres listed`}>
                <input type="text" inputMode="numeric" value={f.windowCount} onChange={(ev) => setCount(ev.target.value)} data-testid="cw-windows" className="input-narrow" />
              </FormField>
              <FormField label="First centre" className="grow-0">
                <input value={range.first} onChange={(ev) => setRange((r) => ({ ...r, first: ev.target.value }))} className="input-narrow" data-testid="cw-centre-first" />
              </FormField>
              <FormField label="Last centre" className="grow-0">
                <input value={range.last} onChange={(ev) => setRange((r) => ({ ...r, last: ev.target.value }))} className="input-narrow" data-testid="cw-centre-last" />
              </FormField>
              <div className="form-submit">
                <button type="button" className="button" onClick={refill} data-testid="cw-centres-fill">
                  Space evenly
                </button>
              </div>
            </div>
            <FormField
              label="Window centres (window 00 first; one per line)"
              error={centres.error && f.centres.trim() ? centres.error : undefined}
              hint="numpy.linspace(first, last, windows); edit any centre by hand. Total Jobs = replicas × windows."
            >
              <textarea value={f.centres} onChange={(ev) => set({ centres: ev.target.value })} rows={4} className="mono" data-testid="cw-centres" spellCheck={false} />
            </FormField>
          </fieldset>

          <fieldset className="fieldset">
            <legend className="field-label">Script</legend>
            <div className="form-row">
              <FormField label="Script repository URL" error={e.repo} className="grow-3" required>
                <input value={f.repoUrl} onChange={(ev) => set({ repoUrl: ev.target.value })} data-testid="cw-repo" className="mono" spellCheck={false} />
              </FormField>
              <FormField label="Commit" error={e.commit} className="grow-3" required hint="The full 40-character SHA1; it must be pushed, the Job checks it out.">
                <input value={f.commit} onChange={(ev) => set({ commit: ev.target.value })} data-testid="cw-commit" className="mono" spellCheck={false} autoComplete="off" />
              </FormField>
            </div>
            <FormField label="Script path" error={e.script} required>
              <input value={f.scriptPath} onChange={(ev) => set({ scriptPath: ev.target.value })} data-testid="cw-script" className="mono" spellCheck={false} />
            </FormField>
            <FormField
              label="Required files per window (one pattern per line)"
              error={e.required}
              hint={
                <>
                  Checked in the bucket before a window starts. <span className="mono">{'{S}'}</span> = target-force field, <span className="mono">{'{R}'}</span> = replica
                  (1, 2, …), <span className="mono">{'{WW}'}</span> = two-digit window (00, 01, …); a trailing “/” is a folder.
                </>
              }
            >
              <textarea value={f.requiredFiles} onChange={(ev) => set({ requiredFiles: ev.target.value })} rows={4} className="mono" data-testid="cw-required" spellCheck={false} />
            </FormField>
          </fieldset>

          <fieldset className="fieldset">
            <legend className="field-label">Container and resources</legend>
            <div className="form-row">
              <FormField label="Image" error={e.image} className="grow-3" required hint="Pin a digest (image@sha256:…) so the run can be reproduced.">
                <input value={f.image} onChange={(ev) => set({ image: ev.target.value })} data-testid="cw-image" className="mono" spellCheck={false} />
              </FormField>
              <FormField label="pip install" error={e.pip} className="grow-3">
                <input value={f.pipInstall} onChange={(ev) => set({ pipInstall: ev.target.value })} data-testid="cw-pip" className="mono" spellCheck={false} />
              </FormField>
            </div>
            <div className="form-row">
              <FormField label="GPUs" error={e.gpu} className="grow-0">
                <input type="text" inputMode="numeric" value={f.gpu} onChange={(ev) => set({ gpu: ev.target.value })} data-testid="cw-gpu" className="input-narrow" />
              </FormField>
              <FormField label="CPU" error={e.cpu} className="grow-0">
                <input value={f.cpu} onChange={(ev) => set({ cpu: ev.target.value })} data-testid="cw-cpu" className="input-narrow mono" />
              </FormField>
              <FormField label="Memory" error={e.memory} className="grow-0">
                <input value={f.memory} onChange={(ev) => set({ memory: ev.target.value })} data-testid="cw-memory" className="input-narrow mono" />
              </FormField>
              <FormField label="Ephemeral storage" error={e.storage} className="grow-0">
                <input value={f.ephemeralStorage} onChange={(ev) => set({ ephemeralStorage: ev.target.value })} data-testid="cw-storage" className="input-narrow mono" />
              </FormField>
              <FormField
                label="CUDA version (node affinity)"
                error={e.cuda}
                className="grow-2"
                hint={nodes.loading ? 'Reading the cluster’s GPU nodes…' : nodes.error ? `Could not read the nodes: ${nodes.error}` : nodes.data ? `${nodes.data.nodes.length} GPU nodes` : undefined}
              >
                <select
                  value={cudaValue}
                  data-testid="cw-cuda"
                  onChange={(ev) => {
                    const v = ev.target.value;
                    if (v === 'none') set({ cudaOff: true });
                    else if (v === 'manual') set({ cudaOff: false });
                    else {
                      const [major = '', minor = ''] = v.split('.');
                      set({ cudaOff: false, cudaMajor: major, cudaMinor: minor });
                    }
                  }}
                >
                  <option value="none">no CUDA affinity</option>
                  {(nodes.data?.cuda ?? []).map((c) => (
                    <option key={`${c.major}.${c.minor}`} value={`${c.major}.${c.minor}`}>
                      {cudaChoiceLabel(c)}
                    </option>
                  ))}
                  <option value="manual">other (type major / minor)</option>
                </select>
              </FormField>
              {cudaValue === 'manual' ? (
                <>
                  <FormField label="Major" className="grow-0">
                    <input value={f.cudaMajor} onChange={(ev) => set({ cudaMajor: ev.target.value })} className="input-narrow" data-testid="cw-cuda-major" />
                  </FormField>
                  <FormField label="Minor" className="grow-0">
                    <input value={f.cudaMinor} onChange={(ev) => set({ cudaMinor: ev.target.value })} className="input-narrow" data-testid="cw-cuda-minor" />
                  </FormField>
                </>
              ) : null}
            </div>
          </fieldset>

          <fieldset className="fieldset">
            <legend className="field-label">Storage, secrets and lifetime</legend>
            <div className="form-row">
              <FormField label="rclone config secret" error={e['rclone-secret']} className="grow-2" required hint="Holds rclone.conf">
                <input value={f.rcloneSecret} onChange={(ev) => set({ rcloneSecret: ev.target.value })} data-testid="cw-rclone-secret" className="mono" />
              </FormField>
              <FormField label="Licence secret" error={e['licence-secret']} className="grow-2" hint="OpenEye licence (oe_license.txt); empty: not mounted">
                <input value={f.licenceSecret} onChange={(ev) => set({ licenceSecret: ev.target.value })} data-testid="cw-licence-secret" className="mono" />
              </FormField>
              <FormField label="rclone remote" error={e.remote} className="grow-2" required>
                <input value={f.remote} onChange={(ev) => set({ remote: ev.target.value })} data-testid="cw-remote" className="mono" />
              </FormField>
            </div>
            <div className="form-row">
              <FormField label="Bucket" error={e.bucket} className="grow-3" required>
                <input value={f.bucket} onChange={(ev) => set({ bucket: ev.target.value })} data-testid="cw-bucket" className="mono" />
              </FormField>
              <FormField label="Prefix" error={e.prefix} className="grow-2">
                <input value={f.prefix} onChange={(ev) => set({ prefix: ev.target.value })} data-testid="cw-prefix" className="mono" />
              </FormField>
              <FormField label="Backoff limit" error={e.backoff} className="grow-0">
                <input type="text" inputMode="numeric" value={f.backoffLimit} onChange={(ev) => set({ backoffLimit: ev.target.value })} data-testid="cw-backoff" className="input-narrow" />
              </FormField>
              <FormField label="TTL after finished (s)" error={e.ttl} className="grow-0" hint="Empty: keep finished Jobs">
                <input type="text" inputMode="numeric" value={f.ttl} onChange={(ev) => set({ ttl: ev.target.value })} data-testid="cw-ttl" className="input-narrow" placeholder="none" />
              </FormField>
            </div>
            <FormField label="Local results folder" error={e['results-dir']} hint="Where SimDeck keeps provenance manifests and saved logs on this machine (the seed’s results/). Empty: ~/SimDeck/<project>/results.">
              <input value={f.resultsDir} onChange={(ev) => set({ resultsDir: ev.target.value })} data-testid="cw-results-dir" className="mono" placeholder="~/SimDeck/<project>/results" spellCheck={false} />
            </FormField>
          </fieldset>

          <FormError message={errors.form} />
          <div className="dialog-actions">
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="button button-primary" disabled={busy !== null} data-testid="cw-preview">
              {busy === 'preview' ? 'Preparing…' : 'Preview'}
            </button>
          </div>
        </form>
      ) : preview ? (
        <div className="stack">
          <InputsResult inputs={preview.inputs} bucket={`${preview.spec.bucket}/${preview.spec.prefix}`} />
          <InputsUpload
            show={(preview.inputs.result?.missing.length ?? 0) > 0 || upload.text !== null || upload.error !== null}
            from={preview.result.resultsDir}
            upload={upload}
            onUpload={() => void uploadInputs()}
          />
          <PreviewResult preview={preview.result} />
          <FormError message={errors.form} />
          <div className="dialog-actions">
            <button type="button" className="button" onClick={() => setStep('form')}>
              Back
            </button>
            <button type="button" className="button button-primary" disabled={busy !== null} onClick={() => setConfirming(true)} data-testid="cw-launch">
              Launch {jobs} Jobs…
            </button>
          </div>
        </div>
      ) : null}

      {confirming && preview ? (
        <Dialog title="Launch this campaign?" onClose={() => setConfirming(false)} testId="cw-launch-dialog" danger>
          <div className="stack">
            <p>
              SimDeck saves the provenance records and then creates <strong>{jobs} Kubernetes Jobs</strong> ({preview.spec.replicas} replicas ×{' '}
              {preview.spec.windows.length} windows) in namespace <strong className="mono">{namespace}</strong> on <strong>{target?.name ?? 'the target'}</strong>. Each
              Job requests {preview.spec.resources.gpu} GPU, {preview.spec.resources.cpu} CPU and {preview.spec.resources.memory} memory.
            </p>
            {preview.result.warnings.length ? <p className="callout-inline-warning">{preview.result.warnings.length} warning(s) above still apply.</p> : null}
            <div className="dialog-actions">
              <button type="button" className="button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
              <button type="button" className="button button-danger" disabled={busy !== null} onClick={() => void launch()} data-testid="cw-launch-confirm" data-autofocus>
                {busy === 'launch' ? 'Launching…' : `Create ${jobs} Jobs`}
              </button>
            </div>
          </div>
        </Dialog>
      ) : null}
    </Dialog>
  );
}

function useNodes(targetId: string): { loading: boolean; error: string | null; data: Nodes | null } {
  const [state, setState] = useState<{ id: string; loading: boolean; error: string | null; data: Nodes | null }>({ id: '', loading: false, error: null, data: null });
  useEffect(() => {
    if (!targetId) return;
    let live = true;
    setState({ id: targetId, loading: true, error: null, data: null });
    api()
      .kube.nodes({ targetId })
      .then((data) => live && setState({ id: targetId, loading: false, error: null, data }))
      .catch((err: unknown) => live && setState({ id: targetId, loading: false, error: toApiError(err).message, data: null }));
    return () => {
      live = false;
    };
  }, [targetId]);
  return state.id === targetId ? state : { loading: !!targetId, error: null, data: null };
}

function InputsResult({ inputs, bucket }: { inputs: Inputs; bucket: string }) {
  if (inputs.error !== null) {
    return (
      <section className="inputs-check" data-testid="cw-inputs" data-state="error" aria-label="Inputs in the bucket">
        <p className="form-error">Inputs in the bucket: not checked: {inputs.error}</p>
      </section>
    );
  }
  const r = inputs.result;
  const summary = inputsSummary(r);
  const missing = r.missing;
  return (
    <section className="inputs-check" data-testid="cw-inputs" data-state={summary.state} data-missing={missing.length} aria-label="Inputs in the bucket">
      {summary.state === 'missing' ? (
        <details>
          <summary>
            <strong>{summary.text}</strong> in <span className="mono">{bucket}</span>: the core refuses to launch until they are uploaded.
          </summary>
          <ul className="inputs-missing-list mono">
            {missing.slice(0, MISSING_SHOWN).map((m) => (
              <li key={`${m.replica}:${m.window}`} data-testid="cw-inputs-missing-row" data-replica={m.replica} data-window={m.window}>
                replica {m.replica} window {pad2(m.window)}: {m.paths.join(', ')}
              </li>
            ))}
            {missing.length > MISSING_SHOWN ? <li className="muted">… {missing.length - MISSING_SHOWN} more</li> : null}
          </ul>
        </details>
      ) : (
        <p className={summary.state === 'ok' ? undefined : 'muted'}>
          {summary.text}
          {summary.state === 'ok' ? (
            <>
              {' '}
              (<span className="mono">{bucket}</span>)
            </>
          ) : (
            ' (Targets → Results bucket).'
          )}
        </p>
      )}
    </section>
  );
}

function InputsUpload({
  show,
  from,
  upload,
  onUpload,
}: {
  show: boolean;
  from: string;
  upload: Upload;
  onUpload: () => void;
}) {
  if (!show) return null;
  return (
    <div className="inputs-upload">
      <button type="button" className="button button-small" disabled={upload.busy} onClick={onUpload} data-testid="cw-upload-inputs">
        {upload.busy ? 'Uploading…' : (
          <>
            Upload inputs from <span className="mono">{from}</span>
          </>
        )}
      </button>
      {upload.text !== null ? (
        <p className="muted" role="status" data-testid="cw-upload-result">
          {upload.text}
        </p>
      ) : null}
      {upload.error !== null ? (
        <p className="form-error" role="alert" data-testid="cw-upload-result" data-state="error">
          Upload failed: {upload.error}
        </p>
      ) : null}
    </div>
  );
}

function PreviewResult({ preview }: { preview: CampaignPreview }) {
  const [filter, setFilter] = useState('');
  const [page, setPage] = useState(0);
  const [open, setOpen] = useState(0);
  const rows = useMemo(() => {
    const q = filter.trim().toLowerCase();
    const all = preview.manifests.map((m, i) => ({ m, i }));
    return q ? all.filter(({ m }) => m.jobName.toLowerCase().includes(q) || `${m.replica}/${pad2(m.window)}`.includes(q)) : all;
  }, [preview, filter]);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE));
  const p = Math.min(page, pages - 1);
  const shown = rows.slice(p * PAGE, p * PAGE + PAGE);
  const openManifest = preview.manifests[open];
  const allCommands = preview.commands.join('\n');

  return (
    <section className="stack" aria-label="Preview" data-testid="cw-preview-result">
      <p>
        <strong className="mono">{preview.name}</strong> · {preview.manifests.length} manifests · results in <span className="mono">{preview.resultsDir}</span>
      </p>
      {preview.warnings.length ? (
        <ul className="warning-list" aria-label={`${preview.warnings.length} warnings`}>
          {preview.warnings.map((w, i) => (
            <li key={i} className="callout callout-warning" data-testid="cw-warning">
              <span className="callout-icon" aria-hidden="true">
                !
              </span>
              <div className="callout-body">
                <p>{w}</p>
              </div>
            </li>
          ))}
        </ul>
      ) : null}

      <div className="section-head">
        <h3 className="panel-title">Manifests</h3>
        <input type="search" placeholder="Find a job name or replica/window…" aria-label="Filter manifests" value={filter} onChange={(ev) => { setFilter(ev.target.value); setPage(0); }} />
      </div>
      <div className="manifest-layout">
        <div className="manifest-list">
          <table className="data-table manifest-table">
            <thead>
              <tr>
                <th className="col-num">Replica</th>
                <th className="col-num">Window</th>
                <th>Job</th>
                <th>Provenance</th>
              </tr>
            </thead>
            <tbody>
              {shown.map(({ m, i }) => (
                <tr
                  key={i}
                  className={i === open ? 'row-open' : undefined}
                  data-testid="cw-manifest-row"
                  data-job-name={m.jobName}
                  aria-selected={i === open}
                  tabIndex={0}
                  onClick={() => setOpen(i)}
                  onKeyDown={(ev) => {
                    if (ev.key === 'Enter' || ev.key === ' ') {
                      ev.preventDefault();
                      setOpen(i);
                    }
                  }}
                >
                  <td className="col-num">{m.replica}</td>
                  <td className="col-num">{pad2(m.window)}</td>
                  <td className="mono" title={m.jobName}>
                    {m.jobName}
                  </td>
                  <td className="mono" title={m.provenancePath}>
                    {m.provenancePath}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {pages > 1 ? (
            <div className="pager">
              <button type="button" className="button button-small" disabled={p === 0} onClick={() => setPage(p - 1)}>
                Previous
              </button>
              <span className="muted">
                {p * PAGE + 1}–{Math.min(rows.length, p * PAGE + PAGE)} of {rows.length}
              </span>
              <button type="button" className="button button-small" disabled={p >= pages - 1} onClick={() => setPage(p + 1)}>
                Next
              </button>
            </div>
          ) : null}
        </div>
        {openManifest ? (
          <div className="manifest-yaml">
            <div className="section-head">
              <h3 className="panel-title plain mono">{openManifest.jobName}.yaml</h3>
              <CopyButton text={openManifest.yaml} label={`Copy the manifest of ${openManifest.jobName}`} what="manifest" />
            </div>
            <pre className="code code-tall" data-testid="cw-manifest-yaml">
              {openManifest.yaml}
            </pre>
          </div>
        ) : null}
      </div>

      <div className="section-head">
        <h3 className="panel-title">Equivalent commands</h3>
        {preview.commands.length ? <CopyButton text={allCommands} label="Copy all commands" what="commands" /> : null}
      </div>
      <pre className="code code-tall" data-testid="cw-commands">
        {preview.commands.length > 200 ? `${preview.commands.slice(0, 200).join('\n')}\n… ${preview.commands.length - 200} more (Copy copies all)` : allCommands}
      </pre>
    </section>
  );
}
