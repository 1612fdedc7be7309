// Reproduce: drop or choose PyRosettaCluster result files, read their records, recreate the environment and run
// the simulation again. Components live in ./reproduce; state in store/reproduce.
import { EmptyState } from '../components/EmptyState.js';
import { PageHeader } from '../components/PageHeader.js';
import { useReproduce } from '../store/reproduce.js';
import { FileDetail } from './reproduce/FileDetail.js';
import { FileIntake } from './reproduce/FileIntake.js';
import { FileList } from './reproduce/FileList.js';

export function ReproduceView() {
  const files = useReproduce((s) => s.files);
  const selected = useReproduce((s) => s.files.find((f) => f.key === s.selected) ?? null);
  return (
    <div className="view" data-testid="view-reproduce">
      <PageHeader title="Reproduce">
        Re-run a PyRosettaCluster result exactly: SimDeck reads the recorded code version, seeds, options and environment from a decoy, scorefile or .init
        file, recreates the environment and runs <span className="mono">reproduce()</span> for you.
      </PageHeader>
      <FileIntake />
      {files.length === 0 ? (
        <EmptyState title="Nothing to reproduce yet" icon="↻" testId="reproduce-empty">
          <p>
            Drop a PyRosettaCluster decoy (.pdb, .pdb.bz2, .pkl_pose, .b64_pose), a scorefile or a .init file anywhere in this window, or use “Choose
            files…”. SimDeck shows how the decoy was made — commit, PyRosetta build, environment, protocols and seeds — and what to do about anything that
            would stop it from being reproduced.
          </p>
        </EmptyState>
      ) : (
        <FileList />
      )}
      {selected ? <FileDetail key={selected.key} file={selected} /> : null}
    </div>
  );
}
