// The client certificate of a work server, prominently: status badge, days left, subject, issuer, validity, the
// core's advice and the last renewal (with its error). Actions: import a certificate, generate a key and CSR for
// the AS web page (then import what it signed), and renew now through the AS.
import { useEffect, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { FahCertInfo } from '../../../shared/fah.js';
import { api } from '../../api/index.js';
import { CopyButton } from '../../components/CopyButton.js';
import { StateBadge } from '../../components/StateBadge.js';
import { CERT_LABELS, CERT_TONES, daysLeftText } from '../../lib/fahCert.js';
import { formatTime } from '../../lib/format.js';
import { useTargets } from '../../store/targets.js';
import { toast } from '../../store/toasts.js';
import { CsrDialog } from './CsrDialog.js';
import { ImportCertDialog } from './ImportCertDialog.js';
import type { CertState } from './useFahCert.js';

type Open = null | 'import' | 'csr' | 'signed';

export function CertPanel({ targetId, state }: { targetId: string; state: CertState }) {
  const { cert } = state;
  const email = useTargets((s) => s.targets.find((t) => t.id === targetId)?.settings.email);
  const [open, setOpen] = useState<Open>(null);
  const [renewing, setRenewing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A CSR made earlier (maybe before a restart) still waits for the certificate the AS web page signs.
  const [pending, setPending] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api()
      .fah.pendingCsr({ targetId })
      .then((p) => live && setPending(p?.csrPem ?? null))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [targetId, cert, open]);

  const renew = async () => {
    setRenewing(true);
    setError(null);
    try {
      state.set(await api().fah.renew({ targetId }));
      toast('success', 'Certificate renewed through the assignment server.');
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setRenewing(false);
    }
  };

  return (
    <section className="panel fah-cert" aria-label="Client certificate" data-testid="fah-cert" data-status={cert ? cert.status : cert === null ? 'none' : 'loading'}>
      <div className="panel-head">
        <h2 className="panel-title">Client certificate</h2>
        {cert ? <StateBadge state={cert.status} label={CERT_LABELS[cert.status]} tone={CERT_TONES[cert.status]} /> : null}
        <span className="toolbar-spacer" />
        <button type="button" className="button button-small" onClick={() => setOpen('import')} data-testid="fah-cert-import">
          Import certificate…
        </button>
        <button type="button" className="button button-small" onClick={() => setOpen('csr')} data-testid="fah-cert-csr">
          Generate key and CSR…
        </button>
        <button type="button" className="button button-small" disabled={!cert || renewing} onClick={() => void renew()} data-testid="fah-cert-renew">
          {renewing ? 'Renewing…' : 'Renew now'}
        </button>
      </div>
      {state.error || error ? (
        <p className="form-error" role="alert" data-testid="fah-cert-error">
          {error ?? state.error}
        </p>
      ) : null}
      {pending ? (
        <div className="callout callout-info" data-testid="fah-cert-pending">
          <div className="callout-body">
            <p>A key and CSR made in SimDeck wait for their certificate: paste the CSR into the assignment server’s web page (“Certificate” → “Submit CSR”), then import what it gives back.</p>
            <div className="dialog-actions">
              <CopyButton text={pending} label="Copy the CSR" what="CSR" testId="fah-cert-pending-copy" />
              <button type="button" className="button button-small button-primary" onClick={() => setOpen('signed')} data-testid="fah-cert-pending-import">
                Import the signed certificate…
              </button>
            </div>
          </div>
        </div>
      ) : null}
      {cert ? <CertDetails cert={cert} /> : cert === null ? <NoCert /> : <p className="muted">Loading the certificate…</p>}
      {open === 'import' || open === 'signed' ? (
        <ImportCertDialog targetId={targetId} signed={open === 'signed'} onImported={state.set} onClose={() => setOpen(null)} />
      ) : null}
      {open === 'csr' ? <CsrDialog targetId={targetId} email={typeof email === 'string' ? email : ''} onSigned={() => setOpen('signed')} onClose={() => setOpen(null)} /> : null}
    </section>
  );
}

function CertDetails({ cert }: { cert: FahCertInfo }) {
  return (
    <>
      <p className="fah-cert-headline">
        <strong data-testid="fah-cert-days-left" data-days={cert.daysLeft}>
          {daysLeftText(cert.daysLeft)}
        </strong>{' '}
        <span className="muted">· valid until</span> <span data-testid="fah-cert-valid-until">{formatTime(cert.notAfter)}</span>
      </p>
      <p className={cert.status === 'ok' ? 'muted' : 'form-error'} data-testid="fah-cert-advice">
        {cert.advice}
      </p>
      <dl className="details">
        <Row label="Subject" testId="fah-cert-subject" value={cert.subject} />
        <Row label="Issuer" testId="fah-cert-issuer" value={cert.issuer} />
        <Row label="Valid from" value={formatTime(cert.notBefore)} />
        <Row label="Fingerprint (SHA-256)" value={cert.fingerprint} mono />
        <Row label="Last renewal" testId="fah-cert-last-renewal" value={cert.lastRenewalAt ? formatTime(cert.lastRenewalAt) : 'not renewed yet'} />
        {cert.lastRenewalError ? <Row label="Renewal error" testId="fah-cert-renewal-error" value={cert.lastRenewalError} danger /> : null}
      </dl>
    </>
  );
}

function Row({ label, value, testId, mono, danger }: { label: string; value: string; testId?: string; mono?: boolean; danger?: boolean }) {
  return (
    <div className="details-row">
      <dt>{label}</dt>
      <dd className={`${mono ? 'mono ' : ''}${danger ? 'form-error' : ''}`} data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

function NoCert() {
  return (
    <div className="stack" data-testid="fah-cert-none">
      <p>
        The work server only answers clients with a certificate signed by the Folding@home assignment server. If you already have one (a file like{' '}
        <span className="mono">fah-cert-chain-you@example.org.pem</span> and its private key), import it. Otherwise let SimDeck make a key and a CSR: you
        paste the CSR into the assignment server’s web page and import the certificate it gives back. SimDeck renews it daily from then on.
      </p>
    </div>
  );
}
