import { AreaPlaceholder } from '../components/AreaPlaceholder.js';

export function MonitorView() {
  return (
    <AreaPlaceholder
      id="monitor"
      title="Monitor"
      icon="◔"
      lede="Live load of your targets in one place: queue depth, nodes and containers busy, throughput."
      emptyTitle="Nothing to monitor yet"
      cta={{ label: 'Go to Targets', view: 'targets' }}
    >
      <p>Add a target and check its connection first. Live charts arrive with the metrics backend.</p>
    </AreaPlaceholder>
  );
}
