// A work server's page: its client certificate (status, import, key + CSR, renewal) and its projects.
import type { CertState } from './useFahCert.js';
import { CertPanel } from './CertPanel.js';
import { ProjectsPanel } from './ProjectsPanel.js';

export default function ServerPage({ targetId, cert }: { targetId: string; cert: CertState }) {
  return (
    <>
      <CertPanel targetId={targetId} state={cert} />
      {/* Without a certificate every project call would fail with the same TLS error; the panel says what to do. */}
      {cert.cert ? <ProjectsPanel targetId={targetId} /> : null}
    </>
  );
}
