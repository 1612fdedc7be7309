// Recreate the record's environment in one click, after a look at the plan: folder, manager, Prepare (the plan),
// trust, Recreate, then the run as it happens.
import { useEffect, useId, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { EnvironmentManager, RecordView } from '../../../shared/reproduce.js';
import { api } from '../../api/index.js';
import { installHint, suggestEnvDir } from '../../lib/reproduce.js';
import { useApp } from '../../store/app.js';
import { useReproduce, workKeyOf, type ReproFile, type Work } from '../../store/reproduce.js';
import { PlanPanel } from './PlanPanel.js';
import { RunPanel } from './RunPanel.js';

const MANAGERS: EnvironmentManager[] = ['conda', 'mamba', 'pixi', 'uv'];

/** decoyName for calls about a scorefile's record; a decoy file has only one, so nothing is sent. */
export function decoyParam(file: ReproFile, view: RecordView): { decoyName?: string } {
  return (file.result?.decoys.length ?? 0) > 1 ? { decoyName: view.decoyName } : {};
}

export function RecreateSection({ file, view }: { file: ReproFile; view: RecordView }) {
  const wk = workKeyOf(file);
  const work: Work = useReproduce((s) => s.work[wk]) ?? {};
  const setWork = useReproduce((s) => s.setWork);
  const managers = useReproduce((s) => s.managers);
  const workspaceDir = useApp((s) => s.info?.workspaceDir ?? null);
  const managersError = useReproduce((s) => s.managersError);
  const run = useReproduce((s) => (work.recreateRunId ? s.runs[work.recreateRunId] : undefined));
  const [preparing, setPreparing] = useState(false);
  const [starting, setStarting] = useState(false);
  const id = useId();

  useEffect(() => void useReproduce.getState().loadManagers(), []);

  const suggestion = suggestEnvDir(file.localPath, view.decoyName, workspaceDir);
  const dir = work.recreateDir ?? suggestion;
  const manager = work.manager ?? view.manager;
  const installed = managers?.find((m) => m.name === manager);
  const running = run ? (run.info?.state ?? 'running') === 'running' : false;

  const prepare = async () => {
    if (!file.source) return;
    setPreparing(true);
    try {
      const plan = await api().reproduce.planRecreate({ source: file.source, ...decoyParam(file, view), dir: dir.trim(), manager });
      setWork(wk, { plan, planError: null, trusted: false });
    } catch (err) {
      setWork(wk, { plan: null, planError: toApiError(err).message, trusted: false });
    } finally {
      setPreparing(false);
    }
  };

  const recreate = async () => {
    const plan = work.plan;
    if (!file.source || !plan || !work.trusted) return;
    setStarting(true);
    try {
      const info = await api().reproduce.recreate({ source: file.source, ...decoyParam(file, view), dir: plan.dir, manager: plan.manager, confirm: true });
      useReproduce.getState().trackRun(info);
      setWork(wk, { recreateRunId: info.runId, recreateError: null });
    } catch (err) {
      setWork(wk, { recreateError: toApiError(err).message });
    } finally {
      setStarting(false);
    }
  };

  const edit = (patch: Partial<Work>) => setWork(wk, { ...patch, plan: null, planError: null, trusted: false });

  return (
    <section className="panel" aria-labelledby={`${id}-t`} data-testid="recreate-section">
      <div className="panel-head">
        <h2 className="panel-title" id={`${id}-t`}>
          Recreate environment
        </h2>
      </div>
      <p className="muted">
        Writes the recorded environment into a new folder, exactly as the official <span className="mono">dump_env_file.py</span> would, and runs{' '}
        {view.manager} there, as <span className="mono">recreate_env.py</span> does. You see the plan before anything runs.
      </p>
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          void prepare();
        }}
        noValidate
      >
        <div className="field grow-3">
          <label className="field-label" htmlFor={`${id}-dir`}>
            Environment folder (new or empty)
          </label>
          <input
            id={`${id}-dir`}
            value={dir}
            onChange={(e) => edit({ recreateDir: e.target.value })}
            spellCheck={false}
            autoComplete="off"
            data-testid="recreate-dir"
            aria-describedby={`${id}-dir-hint`}
          />
          <span className="field-hint" id={`${id}-dir-hint`}>
            {file.localPath ? 'Suggested: next to the file.' : 'An absolute path on the machine running SimDeck’s core (suggested: in the workspace).'}
          </span>
        </div>
        <div className="field grow-2">
          <label className="field-label" htmlFor={`${id}-mgr`}>
            Manager
          </label>
          <select id={`${id}-mgr`} value={manager} onChange={(e) => edit({ manager: e.target.value as EnvironmentManager })} data-testid="recreate-manager">
            {MANAGERS.map((m) => {
              const found = managers?.find((x) => x.name === m);
              const state = !managers ? '' : found?.path ? ` ${found.version ?? '(version unknown)'}` : ' — not installed';
              return (
                <option key={m} value={m}>
                  {m}
                  {state}
                  {m === view.manager ? ' (recorded)' : ''}
                </option>
              );
            })}
          </select>
          <span className="field-hint">
            {managers && installed && !installed.path ? installHint(manager) : managersError ? `Could not list installed managers: ${managersError}` : 'The record’s manager is the safe choice.'}
          </span>
        </div>
        <div className="form-submit">
          <button type="submit" className="button" disabled={preparing || !file.source || dir.trim() === ''} data-testid="recreate-prepare">
            {preparing ? 'Preparing…' : 'Prepare'}
          </button>
        </div>
      </form>
      {managers ? <ManagerList managers={managers} /> : null}
      {work.planError ? (
        <p className="form-error" role="alert" data-testid="recreate-plan-error">
          {work.planError}
        </p>
      ) : null}
      {work.plan ? (
        <PlanPanel
          plan={work.plan}
          trusted={work.trusted ?? false}
          onTrust={(trusted) => setWork(wk, { trusted })}
          onRecreate={() => void recreate()}
          busy={starting}
          running={running}
        />
      ) : null}
      {work.recreateError ? (
        <p className="form-error" role="alert" data-testid="recreate-error">
          {work.recreateError}
        </p>
      ) : null}
      {work.recreateRunId ? <RunPanel runId={work.recreateRunId} title="Recreating the environment" /> : null}
    </section>
  );
}

function ManagerList({ managers }: { managers: NonNullable<ReturnType<typeof useReproduce.getState>['managers']> }) {
  return (
    <ul className="manager-list" aria-label="Environment managers on this machine" data-testid="manager-list">
      {managers.map((m) => (
        <li key={m.name} className={m.path ? 'manager-found' : 'manager-missing'} title={m.path ? m.path : installHint(m.name)}>
          <span className="mono">{m.name}</span>{' '}
          {m.path ? <span className="muted">{m.version ?? 'version unknown'}</span> : <span className="muted">not installed</span>}
        </li>
      ))}
    </ul>
  );
}
