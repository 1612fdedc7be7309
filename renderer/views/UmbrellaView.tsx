import { AreaPlaceholder } from '../components/AreaPlaceholder.js';

export function UmbrellaView() {
  return (
    <AreaPlaceholder
      id="umbrella"
      title="Umbrella windows"
      icon="⋔"
      lede="Run each umbrella-sampling window as a Kubernetes job and follow all windows of a reaction coordinate together."
      emptyTitle="No umbrella windows yet"
      cta={{ label: 'Add a Kubernetes target', view: 'targets' }}
    >
      <p>
        Start by adding a Kubernetes target (your kubeconfig context and namespace) under Targets and checking its connection. Launching windows
        arrives with the Kubernetes backend; until then this page stays empty.
      </p>
    </AreaPlaceholder>
  );
}
