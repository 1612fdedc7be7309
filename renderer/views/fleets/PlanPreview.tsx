// What a deploy would create (fleets.previewDeploy): warnings first, then every resource in creation order with
// its kind, name and CLI command (copyable), and its Engine API body or sbatch script on expand.
import type { FleetPlan, PlannedResource } from '../../../shared/fleet.js';
import { CopyButton } from '../../components/CopyButton.js';

export function PlanPreview({ plan, targetName }: { plan: FleetPlan; targetName: string }) {
  const all = plan.resources.map((r) => r.command).join('\n');
  return (
    <section className="stack" aria-label="Preview" data-testid="fw-plan" data-count={plan.resources.length}>
      <p>
        {plan.resources.length} resources on <strong>{targetName}</strong> ({plan.target}). Nothing has been sent yet.
      </p>
      {plan.warnings.length ? (
        <ul className="warning-list" aria-label={`${plan.warnings.length} warnings`}>
          {plan.warnings.map((w, i) => (
            <li key={i} className="callout callout-warning" data-testid="fw-warning">
              <span className="callout-icon" aria-hidden="true">
                !
              </span>
              <div className="callout-body">
                <p>{w}</p>
              </div>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="section-head">
        <h3 className="panel-title">Resources</h3>
        <CopyButton text={all} label="Copy all commands" what="commands" testId="fw-copy-all" />
      </div>
      <ol className="plan-list">
        {plan.resources.map((r, i) => (
          <ResourceRow key={i} r={r} />
        ))}
      </ol>
    </section>
  );
}

function ResourceRow({ r }: { r: PlannedResource }) {
  // The sbatch script of a SLURM array is text; Engine API bodies are JSON.
  const body = typeof r.body === 'string' ? r.body : JSON.stringify(r.body, null, 2);
  return (
    <li className="plan-item" data-testid="fw-resource" data-kind={r.kind} data-name={r.name}>
      <div className="plan-item-head">
        <span className="badge badge-neutral">{r.kind}</span>
        <strong className="mono">{r.name}</strong>
        <span className="toolbar-spacer" />
        <CopyButton text={r.command} label={`Copy the command for ${r.name}`} what="command" testId="fw-resource-copy" />
      </div>
      <pre className="code plan-command" data-testid="fw-resource-command">
        {r.command}
      </pre>
      <details>
        <summary>{typeof r.body === 'string' ? 'Script' : 'Engine API body'}</summary>
        <pre className="code code-tall" data-testid="fw-resource-body">
          {body}
        </pre>
      </details>
    </li>
  );
}
