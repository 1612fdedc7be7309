// "New fleet": a dialog with two tabs, the step-by-step wizard (→ fleets.previewDeploy → fleets.deploy) and
// "Import compose file" (→ fleets.importCompose → fleets.deployCompose). Both end on the fleet's live page.
import { useState } from 'react';
import type { Target } from '../../../shared/domain.js';
import type { Fleet } from '../../../shared/fleet.js';
import { Dialog } from '../../components/Dialog.js';
import { ComposeImport } from './ComposeImport.js';
import { DeployWizard } from './DeployWizard.js';

type Tab = 'spec' | 'compose';

interface Props {
  targets: readonly Target[];
  onClose: () => void;
  onDeployed: (f: Fleet) => void;
}

export default function FleetWizard({ targets, onClose, onDeployed }: Props) {
  const [tab, setTab] = useState<Tab>('spec');
  return (
    <Dialog title="New fleet" onClose={onClose} testId="fleet-wizard" wide>
      <div className="segmented fleet-tabs" role="tablist" aria-label="How to define the fleet">
        <TabButton id="spec" current={tab} onPick={setTab} label="Define a fleet" />
        <TabButton id="compose" current={tab} onPick={setTab} label="Import compose file" />
      </div>
      {/* Both tabs stay mounted so switching back and forth keeps what was typed. */}
      <div hidden={tab !== 'spec'} role="tabpanel">
        <DeployWizard targets={targets} onCancel={onClose} onDeployed={onDeployed} />
      </div>
      <div hidden={tab !== 'compose'} role="tabpanel">
        <ComposeImport targets={targets} onCancel={onClose} onDeployed={onDeployed} />
      </div>
    </Dialog>
  );
}

function TabButton({ id, current, onPick, label }: { id: Tab; current: Tab; onPick: (t: Tab) => void; label: string }) {
  return (
    <button type="button" role="tab" className="button" aria-selected={current === id} aria-pressed={current === id} onClick={() => onPick(id)} data-testid={`fw-tab-${id}`}>
      {label}
    </button>
  );
}
