// A loud line above every Folding@home page while the certificate is not fine: without a valid one, nothing
// reaches the work server (mutual TLS), so this must be seen before a failing call explains it.
import type { FahCertInfo } from '../../../shared/fah.js';
import { CERT_LABELS, daysLeftText } from '../../lib/fahCert.js';

export function CertBanner({ cert }: { cert: FahCertInfo | null | undefined }) {
  if (cert === undefined || cert?.status === 'ok') return null;
  const status = cert?.status ?? 'none';
  const danger = status === 'expired' || status === 'none';
  return (
    <div className={`callout ${danger ? 'callout-danger' : 'callout-warning'} fah-cert-banner`} role="alert" data-testid="fah-cert-banner" data-status={status}>
      <span className="callout-icon" aria-hidden="true">
        !
      </span>
      <div className="callout-body">
        {cert ? (
          <p>
            <strong>
              Client certificate {CERT_LABELS[cert.status]} ({daysLeftText(cert.daysLeft)}).
            </strong>{' '}
            {cert.advice}
          </p>
        ) : (
          <p>
            <strong>No client certificate yet.</strong> Import yours, or generate a key and a CSR below; the work server answers nothing without one.
          </p>
        )}
      </div>
    </div>
  );
}
