// Where files come in: "Choose files…", a path on the core's machine (the browser shell may run on a head node),
// and a reminder that files can be dropped anywhere. Nothing is refused here: the core decides what it can read.
import { useId, useState } from 'react';
import { useApp } from '../../store/app.js';
import { useReproduce } from '../../store/reproduce.js';

export function FileIntake() {
  const shell = useApp((s) => s.shell);
  const [path, setPath] = useState('');
  const id = useId();
  return (
    <section className="panel intake" aria-label="Add result files">
      <div className="intake-row">
        <label className="button button-primary file-button">
          Choose files…
          <input
            type="file"
            multiple
            className="visually-hidden"
            data-testid="reproduce-file-input"
            aria-label="Choose PyRosettaCluster result files"
            onChange={(e) => {
              const files = Array.from(e.target.files ?? []);
              e.target.value = '';
              void useReproduce.getState().addFiles(files);
            }}
          />
        </label>
        <span className="muted intake-or">or drop them anywhere in this window</span>
        <form
          className="intake-path"
          onSubmit={(e) => {
            e.preventDefault();
            const p = path.trim();
            if (!p) return;
            setPath('');
            void useReproduce.getState().addPath(p);
          }}
          noValidate
        >
          <label className="field-label" htmlFor={`${id}-path`}>
            or a path on this machine
          </label>
          <input
            id={`${id}-path`}
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder={shell === 'browser' ? '/scratch/me/outputs/decoys/0000/MyProject_….pdb.bz2' : 'e.g. ~/outputs/scores.json'}
            spellCheck={false}
            autoComplete="off"
            data-testid="reproduce-path-input"
            aria-describedby={`${id}-hint`}
          />
          <button type="submit" className="button" disabled={path.trim() === ''} data-testid="reproduce-path-submit">
            Inspect
          </button>
        </form>
      </div>
      <p className="field-hint" id={`${id}-hint`}>
        Decoys (.pdb, .pdb.bz2, .pkl_pose, .b64_pose), scorefiles (.json or pickled) and .init files. SimDeck only reads them; nothing in them is run.
        {shell === 'browser' ? ' A path is read on the machine running `simdeck serve` (e.g. a cluster head node), without uploading.' : ''}
      </p>
    </section>
  );
}
