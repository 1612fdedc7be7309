// Records SimDeck cannot read without PyRosetta (pickled poses, .init output poses): the official route is
// RosettaCommons/pyrosetta-extras' dump_env_file.py, run with a Python that has PyRosetta. SimDeck builds the command.
import { useId, useRef, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import { api, type FileSource } from '../../api/index.js';
import { CopyButton } from '../../components/CopyButton.js';
import { useReproduce } from '../../store/reproduce.js';
import { RunPanel } from './RunPanel.js';
import { baseName, folderName, helperCommand, suggestEnvDir } from '../../lib/reproduce.js';

export function HelperPanel({ reason, file, localPath, source }: { reason: string; file: string; localPath: string | null; source: FileSource | null }) {
  const [runId, setRunId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [trusted, setTrusted] = useState(false);
  const [python, setPython] = useState('');
  const [script, setScript] = useState('dump_env_file.py');
  const stem = baseName(file).replace(/(\.bz2)?$/, '').replace(/\.[^.]+$/, '');
  // Without a known path (an upload), the command is meant to be run next to the file: a relative folder fits.
  const [envDir, setEnvDir] = useState(() => (localPath ? suggestEnvDir(localPath, stem) : `${folderName(stem)}-env`));
  const id = useId();
  const cmdRef = useRef<HTMLElement>(null);
  const command = helperCommand({ python: python || 'python', script, file, envDir });
  return (
    <section className="panel helper-panel" data-testid="needs-helper" aria-labelledby={`${id}-title`}>
      <h3 className="panel-title plain" id={`${id}-title`}>
        This record could not be read without PyRosetta
      </h3>
      <p>{reason}</p>
      <p className="muted">
        The official route is the <span className="mono">dump_env_file.py</span> helper from{' '}
        <a href="https://github.com/RosettaCommons/pyrosetta-extras/tree/main/pyrosettacluster" target="_blank" rel="noreferrer noopener">
          RosettaCommons/pyrosetta-extras
        </a>
        : run with a Python that has PyRosetta (the same build as the record, ideally), it writes the environment file (environment.yml, pixi.lock
        or uv.lock) into a folder and prints the SHA1. Fill in the full paths below; SimDeck runs the command for you with a live log (or copy it
        and run it in a terminal).
      </p>
      <div className="form-row">
        <div className="field grow-2">
          <label className="field-label" htmlFor={`${id}-py`}>
            Python with PyRosetta
          </label>
          <input id={`${id}-py`} value={python} onChange={(e) => setPython(e.target.value)} placeholder="e.g. ~/miniforge3/envs/pyrosetta/bin/python" spellCheck={false} autoComplete="off" data-testid="helper-python" />
        </div>
        <div className="field grow-2">
          <label className="field-label" htmlFor={`${id}-script`}>
            dump_env_file.py
          </label>
          <input id={`${id}-script`} value={script} onChange={(e) => setScript(e.target.value)} spellCheck={false} autoComplete="off" data-testid="helper-script" />
        </div>
        <div className="field grow-2">
          <label className="field-label" htmlFor={`${id}-dir`}>
            Folder for the environment files
          </label>
          <input id={`${id}-dir`} value={envDir} onChange={(e) => setEnvDir(e.target.value)} spellCheck={false} autoComplete="off" data-testid="helper-env-dir" />
        </div>
      </div>
      <div className="command-line">
        <code ref={cmdRef} className="command-text" data-testid="helper-command">
          {command}
        </code>
        <CopyButton text={command} label="Copy the helper command" what="command" target={cmdRef} />
      </div>
      <div className="trust">
        <label className="toggle trust-toggle">
          <input type="checkbox" checked={trusted} onChange={(e) => setTrusted(e.target.checked)} data-testid="helper-trust" />
          <span>I trust this file: the helper unpickles it with PyRosetta, which can run code</span>
        </label>
      </div>
      <div className="row-actions">
        <button
          type="button"
          className="button button-primary"
          disabled={!source || !python.trim() || !script.trim() || !trusted}
          data-testid="helper-run"
          onClick={async () => {
            if (!source) return;
            setError(null);
            try {
              const info = await api().reproduce.runHelper({ source, python: python.trim(), helperScript: script.trim(), envDir: envDir.trim(), confirm: true });
              useReproduce.getState().trackRun(info);
              setRunId(info.runId);
            } catch (err) {
              setError(toApiError(err).message);
            }
          }}
        >
          Run the helper
        </button>
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {runId ? <RunPanel runId={runId} title="Running dump_env_file.py" /> : null}
    </section>
  );
}
