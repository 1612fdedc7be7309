import { AreaPlaceholder } from '../components/AreaPlaceholder.js';

export function FleetsView() {
  return (
    <AreaPlaceholder
      id="fleets"
      title="Fleets"
      icon="⧉"
      lede="Scale fleets of identical worker containers on Docker or a Docker Swarm, e.g. for many short MD or docking runs."
      emptyTitle="No fleets yet"
      cta={{ label: 'Add a Docker target', view: 'targets' }}
    >
      <p>
        First add a Local Docker or Docker Swarm target under Targets. Creating and scaling fleets arrives with the Docker backend; until then this
        page stays empty.
      </p>
    </AreaPlaceholder>
  );
}
