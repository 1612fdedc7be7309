import { AreaPlaceholder } from '../components/AreaPlaceholder.js';

export function ReproduceView() {
  return (
    <AreaPlaceholder
      id="reproduce"
      title="Reproduce"
      icon="↻"
      lede="Re-run a PyRosettaCluster result exactly: SimDeck reads the recorded seeds, options and environment from a decoy or scorefile."
      emptyTitle="Nothing to reproduce yet"
    >
      <p>
        You will drop a PyRosettaCluster decoy (.pdb / .pdb.bz2 / .pkl_pose) or scorefile here to see how it was made and run it again on one of your
        targets. This arrives with the reproduce backend.
      </p>
    </AreaPlaceholder>
  );
}
