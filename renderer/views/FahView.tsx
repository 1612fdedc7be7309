import { AreaPlaceholder } from '../components/AreaPlaceholder.js';

export function FahView() {
  return (
    <AreaPlaceholder
      id="fah"
      title="Folding@home"
      icon="✣"
      lede="Watch your Folding@home work server: projects, work units handed out and results coming back."
      emptyTitle="No work server connected"
      cta={{ label: 'Add a Folding@home target', view: 'targets' }}
    >
      <p>
        Add your work server (and assignment server) URL as a Folding@home target under Targets. Project and work-unit views arrive with the
        Folding@home backend.
      </p>
    </AreaPlaceholder>
  );
}
