// Did the reproduction give the same decoy? The reproduced file's record next to the original: scores side by side
// with their differences, and whatever else in the record differs.
import { useId, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { RecordView, ScoreComparison } from '../../../shared/reproduce.js';
import { api, sourceForFile, type FileSource } from '../../api/index.js';
import { formatDelta, formatValue } from '../../lib/reproduce.js';
import { useReproduce, workKeyOf, type ReproFile, type Work } from '../../store/reproduce.js';
import { decoyParam } from './RecreateSection.js';

export function ComparePanel({ file, view }: { file: ReproFile; view: RecordView }) {
  const wk = workKeyOf(file);
  const work: Work = useReproduce((s) => s.work[wk]) ?? {};
  const setWork = useReproduce((s) => s.setWork);
  const [busy, setBusy] = useState<string | null>(null);
  const id = useId();
  const path = work.comparePath ?? '';

  const compare = async (reproduced: FileSource) => {
    if (!file.source) return;
    const comparison = await api().reproduce.compare({ original: file.source, ...decoyParam(file, view), reproduced });
    setWork(wk, { comparison, compareError: null });
  };

  const run = async (what: string, get: () => Promise<FileSource>) => {
    setBusy(what);
    try {
      await compare(await get());
    } catch (err) {
      setWork(wk, { comparison: null, compareError: toApiError(err).message });
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="compare" role="group" aria-labelledby={`${id}-t`} data-testid="compare-section">
      <h3 className="subsection-title" id={`${id}-t`}>
        Compare with original
      </h3>
      <p className="muted">Give the reproduced decoy (the run prints where it wrote it); SimDeck reads its record and lines the scores up with the original’s.</p>
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          const p = path.trim();
          if (p) void run('path', async () => ({ path: p }));
        }}
        noValidate
      >
        <div className="field grow-3">
          <label className="field-label" htmlFor={`${id}-path`}>
            Reproduced decoy (path on this machine)
          </label>
          <input
            id={`${id}-path`}
            value={path}
            onChange={(e) => setWork(wk, { comparePath: e.target.value })}
            placeholder="…/decoys/0000/<decoy>.pdb.bz2"
            spellCheck={false}
            autoComplete="off"
            data-testid="compare-path"
          />
        </div>
        <div className="form-submit compare-actions">
          <button type="submit" className="button" disabled={busy !== null || path.trim() === ''} data-testid="compare-run">
            {busy === 'path' ? 'Comparing…' : 'Compare'}
          </button>
          <label className={`button file-button${busy !== null ? ' is-disabled' : ''}`}>
            {busy === 'file' ? 'Reading…' : 'Choose file…'}
            <input
              type="file"
              className="visually-hidden"
              disabled={busy !== null}
              data-testid="compare-file-input"
              aria-label="Choose the reproduced decoy file"
              onChange={(e) => {
                const chosen = e.target.files?.[0];
                e.target.value = '';
                if (chosen) void run('file', async () => (await sourceForFile(chosen)).source);
              }}
            />
          </label>
        </div>
      </form>
      {work.compareError ? (
        <p className="form-error" role="alert" data-testid="compare-error">
          {work.compareError}
        </p>
      ) : null}
      {work.comparison ? <ComparisonResult comparison={work.comparison} /> : null}
    </div>
  );
}

function ComparisonResult({ comparison }: { comparison: ScoreComparison }) {
  const differing = comparison.rows.filter((r) => !r.same).length;
  const total = comparison.rows.length;
  const summary = comparison.identical
    ? `Identical: all ${total} scores match${comparison.recordDifferences.length ? ', but the records differ elsewhere (below)' : ''}.`
    : differing > 0
      ? `${differing} of ${total} scores differ.`
      : `The scores match, but the records differ (below).`;
  return (
    <div className="stack">
      <p className={`compare-summary ${comparison.identical && differing === 0 ? 'compare-same' : 'compare-differs'}`} role="status" data-testid="compare-summary" data-identical={comparison.identical ? 'true' : 'false'}>
        <span aria-hidden="true">{comparison.identical && differing === 0 ? '✓ ' : '≠ '}</span>
        {summary}
      </p>
      <div className="table-wrap">
        <table className="data-table compare-table" aria-label="Scores of the original and reproduced decoy" data-testid="compare-table">
          <thead>
            <tr>
              <th scope="col">Score</th>
              <th scope="col" className="col-num">
                Original
              </th>
              <th scope="col" className="col-num">
                Reproduced
              </th>
              <th scope="col" className="col-num">
                Δ
              </th>
              <th scope="col">
                <span className="visually-hidden">Same?</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {comparison.rows.map((r) => (
              <tr key={r.name} className={r.same ? undefined : 'row-differs'} data-testid="compare-row" data-same={r.same ? 'true' : 'false'}>
                <th scope="row" className="mono kv-key">
                  {r.name}
                </th>
                <td className="col-num mono">{formatValue(r.original)}</td>
                <td className="col-num mono">{formatValue(r.reproduced)}</td>
                <td className="col-num mono">{formatDelta(r.delta)}</td>
                <td>{r.same ? <span className="muted">same</span> : <span className="badge badge-warning">differs</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {comparison.recordDifferences.length ? (
        <div>
          <h4 className="subsection-title">Other differences in the record</h4>
          <ul className="plain-list diff-list" data-testid="compare-record-differences">
            {comparison.recordDifferences.map((d, i) => (
              <li key={i}>{d}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
