// Folding@home: the work servers (targets of kind 'fah'), each with its client certificate and projects, and a
// project's page with its jobs, results and charts. The parts live in views/fah/; the pages load on first use so
// the area adds little to the start-up bundle.
import { Suspense, lazy, useMemo } from 'react';
import { EmptyState } from '../components/EmptyState.js';
import { PageHeader } from '../components/PageHeader.js';
import { useApp } from '../store/app.js';
import { useFah } from '../store/fah.js';
import { useTargets } from '../store/targets.js';
import { CertBanner } from './fah/CertBanner.js';
import { useFahCert } from './fah/useFahCert.js';

const ServerPage = lazy(() => import('./fah/ServerPage.js'));
const ProjectPage = lazy(() => import('./fah/ProjectPage.js'));

export function FahView() {
  const targets = useTargets((s) => s.targets);
  const loaded = useTargets((s) => s.loaded);
  const servers = useMemo(() => targets.filter((t) => t.kind === 'fah'), [targets]);
  const chosen = useFah((s) => s.targetId);
  const target = servers.find((t) => t.id === chosen) ?? servers[0];

  if (!target) {
    return (
      <div className="view" data-testid="view-fah">
        <PageHeader title="Folding@home">Projects, jobs and results of your Folding@home work server.</PageHeader>
        {loaded ? <NoServer /> : <p className="muted">Loading targets…</p>}
      </div>
    );
  }
  return <ServerArea key={target.id} targetId={target.id} servers={servers} />;
}

function ServerArea({ targetId, servers }: { targetId: string; servers: readonly { id: string; name: string }[] }) {
  const project = useFah((s) => s.project);
  const setTarget = useFah((s) => s.setTarget);
  // One subscription for the whole area: the banner, the certificate panel and the project page share it.
  const cert = useFahCert(targetId);
  const name = servers.find((s) => s.id === targetId)?.name ?? '';
  return (
    <div className="view view-wide" data-testid="view-fah">
      <PageHeader
        title="Folding@home"
        actions={
          <label className="inline-field">
            <span className="field-label">Work server</span>
            <select value={targetId} onChange={(e) => setTarget(e.target.value)} data-testid="fah-target">
              {servers.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        }
      >
        Projects, jobs and results of the work server “{name}”. SimDeck talks to it with your client certificate (mutual TLS).
      </PageHeader>
      <CertBanner cert={cert.cert} />
      <Suspense fallback={<p className="muted">Loading…</p>}>
        {project === null ? <ServerPage targetId={targetId} cert={cert} /> : <ProjectPage key={project} targetId={targetId} project={project} />}
      </Suspense>
    </div>
  );
}

function NoServer() {
  const navigate = useApp((s) => s.navigate);
  return (
    <EmptyState
      title="No work server yet"
      icon="✣"
      testId="fah-empty"
      action={
        <button type="button" className="button button-primary" onClick={() => navigate('targets')}>
          Add a Folding@home target
        </button>
      }
    >
      <p>
        Add your work server under Targets (kind “Folding@home work server”): its URL, the assignment server that renews your certificate, and your
        email. Then import your client certificate here, or let SimDeck make a key and a CSR for the assignment server’s web page.
      </p>
    </EmptyState>
  );
}
