// Umbrella sampling on Kubernetes: the campaigns of the current project, the "New campaign" wizard, and a campaign's
// page (replica × window grid, window drawer, charts).
import { useEffect, useMemo, useState } from 'react';
import type { Campaign } from '../../shared/kube.js';
import { EmptyState } from '../components/EmptyState.js';
import { PageHeader } from '../components/PageHeader.js';
import { StateBadge } from '../components/StateBadge.js';
import { formatTime } from '../lib/format.js';
import { PHASES, PHASE_LABELS } from '../lib/umbrella.js';
import { useApp } from '../store/app.js';
import { useProjects } from '../store/projects.js';
import { useTargets } from '../store/targets.js';
import { useUmbrella } from '../store/umbrella.js';
import { CampaignPage } from './umbrella/CampaignPage.js';
import { CampaignWizard } from './umbrella/CampaignWizard.js';

export function UmbrellaView() {
  const openId = useUmbrella((s) => s.openId);
  const allTargets = useTargets((s) => s.targets);
  const targets = useMemo(() => allTargets.filter((t) => t.kind === 'kubernetes'), [allTargets]);
  if (openId)
    return (
      <div className="contents" data-testid="view-umbrella">
        <CampaignPage targets={allTargets} />
      </div>
    );
  return <CampaignList kubeTargets={targets} />;
}

function CampaignList({ kubeTargets }: { kubeTargets: ReturnType<typeof useTargets.getState>['targets'] }) {
  const campaigns = useUmbrella((s) => s.campaigns);
  const loaded = useUmbrella((s) => s.loaded);
  const listError = useUmbrella((s) => s.listError);
  const refresh = useUmbrella((s) => s.refresh);
  const open = useUmbrella((s) => s.open);
  const projectId = useApp((s) => s.projectId);
  const navigate = useApp((s) => s.navigate);
  const projects = useProjects((s) => s.projects);
  const allTargets = useTargets((s) => s.targets);
  const [wizard, setWizard] = useState(false);
  const project = projects.find((p) => p.id === projectId);

  useEffect(() => {
    void refresh();
  }, [refresh, projectId]);

  const targetName = (id: string) => allTargets.find((t) => t.id === id)?.name ?? id;

  return (
    <div className="view" data-testid="view-umbrella">
      <PageHeader
        title="Umbrella windows"
        actions={
          <button type="button" className="button button-primary" onClick={() => setWizard(true)} data-testid="campaign-new">
            New campaign
          </button>
        }
      >
        Umbrella-sampling campaigns on Kubernetes: one Job per replica × window, each window followed from queued to done
        {project ? (
          <>
            {' '}
            — project <strong>{project.name}</strong>
          </>
        ) : (
          ' — all projects'
        )}
        .
      </PageHeader>

      {listError ? (
        <p className="callout callout-info" role="status" data-testid="umbrella-unavailable">
          {listError}
        </p>
      ) : null}

      {campaigns.length === 0 ? (
        loaded ? (
          <EmptyState
            title="No campaigns yet"
            icon="⋔"
            testId="umbrella-empty"
            action={
              kubeTargets.length ? (
                <button type="button" className="button button-primary" onClick={() => setWizard(true)}>
                  New campaign
                </button>
              ) : (
                <button type="button" className="button button-primary" onClick={() => navigate('targets')}>
                  Add a Kubernetes target
                </button>
              )
            }
          >
            <p>
              {kubeTargets.length
                ? 'Launch a campaign: SimDeck previews every Job manifest and its provenance record before anything is sent, then follows each window’s phase and progress.'
                : 'Start by adding a Kubernetes target under Targets (“Add from kubeconfig” lists your contexts) and checking its connection.'}
            </p>
          </EmptyState>
        ) : (
          <p className="muted">Loading campaigns…</p>
        )
      ) : (
        <div className="table-wrap">
          <table className="data-table" data-testid="umbrella-campaigns" aria-label="Campaigns">
            <thead>
              <tr>
                <th>Name</th>
                <th>Cluster</th>
                <th>Windows</th>
                <th>Watch</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {campaigns.map((c) => (
                <CampaignRow key={c.id} c={c} cluster={targetName(c.targetId)} onOpen={() => open(c.id)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {wizard ? (
        <CampaignWizard
          projects={projects}
          projectId={projectId}
          targets={kubeTargets}
          onClose={() => setWizard(false)}
          onLaunched={(id) => {
            setWizard(false);
            void refresh().then(() => open(id));
          }}
        />
      ) : null}
    </div>
  );
}

function CampaignRow({ c, cluster, onOpen }: { c: Campaign; cluster: string; onOpen: () => void }) {
  const total = Object.values(c.summary).reduce((a, b) => a + b, 0);
  return (
    <tr data-testid="campaign-row" data-campaign-name={c.name} data-campaign-id={c.id} className="row-link">
      <td>
        <button type="button" className="link-button" onClick={onOpen}>
          <strong>{c.name}</strong>
        </button>
      </td>
      <td>{cluster}</td>
      <td>
        <span className="phase-counts">
          {PHASES.filter((p) => c.summary[p]).map((p) => (
            <span key={p} className="phase-count" title={PHASE_LABELS[p]}>
              <span className={`wlegend-swatch phase-${p}`} aria-hidden="true" />
              {c.summary[p]} {PHASE_LABELS[p]}
            </span>
          ))}
          <span className="muted">of {total}</span>
        </span>
      </td>
      <td>
        <StateBadge state={c.watch.state === 'watching' ? 'ok' : 'unknown'} label={c.watch.state} />
        {c.watch.detail ? <span className="muted"> {c.watch.detail}</span> : null}
      </td>
      <td className="nowrap">{formatTime(c.createdAt)}</td>
    </tr>
  );
}
