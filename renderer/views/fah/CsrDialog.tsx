// "Generate key and CSR": SimDeck makes an RSA-4096 key (kept in its vault) and a CSR with CN = your email. The
// CSR is shown with copy and save buttons and the steps on the AS web page; then "Import the signed certificate"
// takes what the AS gave back (no key needed: SimDeck has it).
import { useRef, useState, type FormEvent } from 'react';
import { toApiError } from '../../../shared/client.js';
import { api } from '../../api/index.js';
import { CopyButton } from '../../components/CopyButton.js';
import { Dialog } from '../../components/Dialog.js';
import { FormError, FormField } from '../../components/FormField.js';
import type { FormErrors } from '../../lib/fieldErrors.js';
import { NO_ERRORS, splitFahErrors } from '../../lib/fah.js';

interface Props {
  targetId: string;
  email: string;
  onSigned: () => void;
  onClose: () => void;
}

export function CsrDialog({ targetId, email: initialEmail, onSigned, onClose }: Props) {
  const [email, setEmail] = useState(initialEmail);
  const [result, setResult] = useState<{ csrPem: string; steps: string } | null>(null);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const pemRef = useRef<HTMLPreElement>(null);

  const generate = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      setResult(await api().fah.generateCsr({ targetId, email }));
    } catch (err) {
      setErrors(splitFahErrors(toApiError(err), (p) => (p[0] === 'email' ? 'email' : null)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Generate key and CSR" onClose={onClose} testId="fah-csr-dialog" wide>
      <form className="stack" onSubmit={generate} noValidate>
        <FormField label="Email" error={errors.fields.email} hint="The Google address you log in to the assignment server with; it becomes the CSR’s CN." required>
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} data-testid="fah-csr-email" autoComplete="email" />
        </FormField>
        <FormError message={errors.form} />
        <div className="dialog-actions">
          <button type="submit" className={`button${result ? '' : ' button-primary'}`} disabled={busy || !email.trim()} data-testid="fah-csr-generate">
            {busy ? 'Making an RSA-4096 key…' : result ? 'Make another' : 'Generate'}
          </button>
        </div>
      </form>
      {result ? (
        <section className="stack" aria-label="Certificate signing request" data-testid="fah-csr-result">
          {/* A new key replaces the one a previous CSR was made with: only the newest CSR's certificate fits. */}
          <div className="section-head">
            <h3 className="subsection-title">CSR</h3>
            <span className="row-actions">
              <CopyButton text={result.csrPem} label="Copy the CSR" what="CSR" target={pemRef} testId="fah-csr-copy" />
              <a className="button button-small" href={pemHref(result.csrPem)} download={`fah-csr-${email.trim()}.pem`} data-testid="fah-csr-save">
                Save…
              </a>
            </span>
          </div>
          <pre ref={pemRef} className="code" data-testid="fah-csr-pem">
            {result.csrPem}
          </pre>
          <h3 className="subsection-title">Next steps</h3>
          <p className="pre" data-testid="fah-csr-steps">
            {result.steps}
          </p>
          <div className="dialog-actions">
            <button type="button" className="button button-primary" onClick={onSigned} data-testid="fah-csr-import">
              Import the signed certificate…
            </button>
          </div>
        </section>
      ) : null}
    </Dialog>
  );
}

/** A download link to a data: URL: nothing to revoke afterwards (unlike a blob URL), and it works in both shells. */
const pemHref = (pem: string) => `data:application/x-pem-file;charset=utf-8,${encodeURIComponent(pem)}`;
