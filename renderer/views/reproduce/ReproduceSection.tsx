// Run the simulation again: the code at the recorded commit (the record only has its SHA1, so the researcher gives
// the repository), the recreated environment, and a reproduce() script SimDeck writes. Then compare the result.
import { useEffect, useId, useRef, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { RecordView } from '../../../shared/reproduce.js';
import { api } from '../../api/index.js';
import { CopyButton } from '../../components/CopyButton.js';
import { Dialog } from '../../components/Dialog.js';
import { suggestEnvDir, suggestWorkDir } from '../../lib/reproduce.js';
import { useApp } from '../../store/app.js';
import { useProjects } from '../../store/projects.js';
import { useReproduce, workKeyOf, type ReproFile, type Work } from '../../store/reproduce.js';
import { toast } from '../../store/toasts.js';
import { CodeBlock } from './CodeBlock.js';
import { ComparePanel } from './ComparePanel.js';
import { decoyParam } from './RecreateSection.js';
import { RunPanel } from './RunPanel.js';

export function ReproduceSection({ file, view }: { file: ReproFile; view: RecordView }) {
  const wk = workKeyOf(file);
  const work: Work = useReproduce((s) => s.work[wk]) ?? {};
  const setWork = useReproduce((s) => s.setWork);
  const run = useReproduce((s) => (work.reproduceRunId ? s.runs[work.reproduceRunId] : undefined));
  const projectId = useApp((s) => s.projectId);
  const workspaceDir = useApp((s) => s.info?.workspaceDir ?? null);
  const project = useProjects((s) => s.projects.find((p) => p.id === projectId));
  const [remembered, setRemembered] = useState<string | null>(null);
  const [generating, setGenerating] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const id = useId();

  // The repository of the current project, remembered by the core.
  useEffect(() => {
    setRemembered(null);
    if (!projectId) return;
    let live = true;
    api()
      .reproduce.getRepo({ projectId })
      .then(({ url }) => {
        if (!live) return;
        setRemembered(url);
        const current = useReproduce.getState().work[wk]?.repoUrl;
        if (url && !current) useReproduce.getState().setWork(wk, { repoUrl: url });
      })
      .catch(() => undefined); // nothing remembered (or no core support yet): the field stays as it is
    return () => {
      live = false;
    };
  }, [projectId, wk]);

  const repoUrl = work.repoUrl ?? '';
  const workDir = work.workDir ?? suggestWorkDir(file.localPath, view.decoyName, workspaceDir);
  const envDir = work.envDir ?? work.plan?.dir ?? work.recreateDir ?? suggestEnvDir(file.localPath, view.decoyName, workspaceDir);
  const protocolsModule = work.protocolsModule ?? 'protocols';
  const manager = work.plan?.manager ?? work.manager ?? view.manager;
  const running = run ? (run.info?.state ?? 'running') === 'running' : false;

  const edit = (patch: Partial<Work>) => setWork(wk, { ...patch, script: null, scriptError: null });

  const generate = async () => {
    if (!file.source) return;
    setGenerating(true);
    const url = repoUrl.trim();
    try {
      const script = await api().reproduce.script({
        source: file.source,
        ...decoyParam(file, view),
        repoUrl: url,
        workDir: workDir.trim(),
        envDir: envDir.trim(),
        manager,
        protocolsModule: protocolsModule.trim() || undefined,
      });
      setWork(wk, { script, scriptError: null });
      if (projectId && url && url !== remembered) {
        try {
          const saved = await api().reproduce.setRepo({ projectId, url });
          setRemembered(saved.url);
        } catch (err) {
          toast('warning', `${toApiError(err).message}`, 'The repository URL was not remembered for this project');
        }
      }
    } catch (err) {
      setWork(wk, { script: null, scriptError: toApiError(err).message });
    } finally {
      setGenerating(false);
    }
  };

  const startRun = async () => {
    if (!file.source) return;
    const info = await api().reproduce.run({ source: file.source, ...decoyParam(file, view), workDir: workDir.trim(), envDir: envDir.trim(), manager, confirm: true });
    useReproduce.getState().trackRun(info);
    setWork(wk, { reproduceRunId: info.runId, reproduceError: null });
  };

  const script = work.script ?? null;
  return (
    <section className="panel" aria-labelledby={`${id}-t`} data-testid="reproduce-section">
      <div className="panel-head">
        <h2 className="panel-title" id={`${id}-t`}>
          Reproduce
        </h2>
      </div>
      <p className="muted">
        The record holds only the commit SHA1 of the code{view.sha1 ? <> (<span className="mono">{view.sha1.slice(0, 12)}</span>)</> : null}, not where the code
        lives. Give the repository; SimDeck checks out that commit, writes a <span className="mono">reproduce()</span> script (the official template) and runs
        it with the recreated environment.
      </p>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void generate();
        }}
        noValidate
      >
        <div className="form-row">
          <div className="field grow-3">
            <label className="field-label" htmlFor={`${id}-repo`}>
              Repository URL
            </label>
            <input
              id={`${id}-repo`}
              value={repoUrl}
              onChange={(e) => edit({ repoUrl: e.target.value })}
              placeholder="https://github.com/<owner>/<repo>.git"
              spellCheck={false}
              autoComplete="off"
              data-testid="repo-url"
              aria-describedby={`${id}-repo-hint`}
            />
            <span className="field-hint" id={`${id}-repo-hint`}>
              {project
                ? remembered
                  ? `Remembered for project “${project.name}”.`
                  : `Remembered for project “${project.name}” when you generate the script.`
                : 'Choose a project in the top bar to have SimDeck remember it.'}
            </span>
          </div>
          <div className="field grow-2">
            <label className="field-label" htmlFor={`${id}-mod`}>
              Protocols module
            </label>
            <input
              id={`${id}-mod`}
              value={protocolsModule}
              onChange={(e) => edit({ protocolsModule: e.target.value })}
              spellCheck={false}
              autoComplete="off"
              data-testid="protocols-module"
              aria-describedby={`${id}-mod-hint`}
            />
            <span className="field-hint" id={`${id}-mod-hint`}>
              Where {view.protocols.length ? view.protocols.join(', ') : 'the protocols'} {view.protocols.length === 1 ? 'is' : 'are'} defined, e.g. my_package.protocols
            </span>
          </div>
        </div>
        <div className="form-row">
          <div className="field grow-3">
            <label className="field-label" htmlFor={`${id}-work`}>
              Work folder (checkout and outputs)
            </label>
            <input id={`${id}-work`} value={workDir} onChange={(e) => edit({ workDir: e.target.value })} spellCheck={false} autoComplete="off" data-testid="work-dir" />
          </div>
          <div className="field grow-3">
            <label className="field-label" htmlFor={`${id}-env`}>
              Environment folder
            </label>
            <input
              id={`${id}-env`}
              value={envDir}
              onChange={(e) => edit({ envDir: e.target.value })}
              spellCheck={false}
              autoComplete="off"
              data-testid="env-dir"
              aria-describedby={`${id}-env-hint`}
            />
            <span className="field-hint" id={`${id}-env-hint`}>
              The recreated environment ({manager}).
            </span>
          </div>
          <div className="form-submit">
            <button type="submit" className="button" disabled={generating || !file.source} data-testid="script-generate">
              {generating ? 'Generating…' : 'Generate script'}
            </button>
          </div>
        </div>
      </form>
      {work.scriptError ? (
        <p className="form-error" role="alert" data-testid="script-error">
          {work.scriptError}
        </p>
      ) : null}
      {script ? <ScriptResult script={script} /> : null}
      {script ? (
        <div className="button-row">
          <button type="button" className="button button-primary" disabled={running} onClick={() => setConfirming(true)} data-testid="reproduce-run">
            {running ? 'Reproducing…' : 'Run'}
          </button>
          <span className="muted">Checks out the code and runs the script in the environment folder; this runs the protocols from the repository.</span>
        </div>
      ) : null}
      {work.reproduceError ? (
        <p className="form-error" role="alert">
          {work.reproduceError}
        </p>
      ) : null}
      {work.reproduceRunId ? <RunPanel runId={work.reproduceRunId} title="Reproducing the decoy" /> : null}
      <ComparePanel file={file} view={view} />
      {confirming && script ? (
        <RunConfirm
          command={script.runCommand}
          repoUrl={repoUrl}
          sha1={view.sha1}
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            try {
              await startRun();
            } catch (err) {
              setWork(wk, { reproduceError: toApiError(err).message });
              throw err;
            }
          }}
        />
      ) : null}
    </section>
  );
}

function ScriptResult({ script }: { script: NonNullable<Work['script']> }) {
  const pathRef = useRef<HTMLElement>(null);
  return (
    <div className="stack script-result" data-testid="script-result">
      <CodeBlock title="1. Check out the recorded commit" text={script.gitCommands.join('\n')} what="git commands" testId="script-git" wrap />
      <CodeBlock title="2. The reproduce() script" text={script.script} what="script" tall testId="script-text" collapsible />
      <div className="run-logfile">
        <span className="muted">Written to</span>
        <code ref={pathRef} data-testid="script-path">
          {script.scriptPath}
        </code>
        <CopyButton text={script.scriptPath} label="Copy the script path" what="script path" target={pathRef} />
      </div>
      <CodeBlock title="3. Run it (what “Run” does)" text={script.runCommand} what="run command" testId="script-run-command" wrap />
    </div>
  );
}

function RunConfirm({ command, repoUrl, sha1, onClose, onConfirm }: {
  command: string;
  repoUrl: string;
  sha1: string;
  onClose: () => void;
  onConfirm: () => Promise<void>;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog title="Run the reproduction?" onClose={onClose} testId="reproduce-run-dialog">
      <div className="stack">
        <p>
          SimDeck runs the protocols of <span className="mono">{repoUrl || 'the repository'}</span> at commit <span className="mono">{sha1 ? sha1.slice(0, 12) : '(none)'}</span>{' '}
          on this machine. Only run code you trust.
        </p>
        <pre className="code command-pre">{command}</pre>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            data-autofocus
            className="button button-primary"
            disabled={busy}
            data-testid="reproduce-run-confirm"
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                await onConfirm();
                onClose();
              } catch (err) {
                setError(toApiError(err).message);
                setBusy(false);
              }
            }}
          >
            {busy ? 'Starting…' : 'Run'}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
