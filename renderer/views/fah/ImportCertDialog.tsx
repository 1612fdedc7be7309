// Import a client certificate: the PEM chain (pasted, or read from a file) with its private key (in the same text,
// or a separate key file), or — after "Generate key and CSR" — only the certificate the AS signed, for the key
// SimDeck keeps. The core refuses a key that does not fit and a certificate that is not valid now, and says why.
import { useState, type FormEvent } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { FahCertInfo } from '../../../shared/fah.js';
import { api } from '../../api/index.js';
import { Dialog } from '../../components/Dialog.js';
import { FormError, FormField } from '../../components/FormField.js';
import type { FormErrors } from '../../lib/fieldErrors.js';
import { NO_ERRORS, splitFahErrors } from '../../lib/fah.js';
import { toast } from '../../store/toasts.js';

interface Props {
  targetId: string;
  /** The certificate signed for SimDeck's own key: no key field. */
  signed: boolean;
  onImported: (cert: FahCertInfo) => void;
  onClose: () => void;
}

const fieldOf = (parts: string[]) => (parts[0] === 'certPem' || parts[0] === 'certificate' ? 'cert' : parts[0] === 'keyPem' || parts[0] === 'key' ? 'key' : null);

export function ImportCertDialog({ targetId, signed, onImported, onClose }: Props) {
  const [certPem, setCertPem] = useState('');
  const [keyPem, setKeyPem] = useState('');
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      const info = await api().fah.importCert({ targetId, certPem, ...(!signed && keyPem.trim() ? { keyPem } : {}) });
      onImported(info);
      toast('success', `Certificate for ${info.subject} imported: ${info.daysLeft} day(s) left.`);
      onClose();
    } catch (err) {
      setErrors(splitFahErrors(toApiError(err), fieldOf));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={signed ? 'Import the signed certificate' : 'Import certificate'} onClose={onClose} testId="fah-import-dialog" wide>
      <form className="stack" onSubmit={submit} noValidate data-mode={signed ? 'signed' : 'chain'}>
        <p className="muted">
          {signed
            ? 'Paste the certificate the assignment server gave you for the CSR (or choose the downloaded file). Its key stays where it is: in SimDeck’s vault.'
            : 'Paste the certificate chain (PEM) or choose the file. The private key may be in the same text, or in a separate key file below. The key goes into SimDeck’s vault and is never shown again.'}
        </p>
        <PemField label="Certificate (PEM chain)" value={certPem} onChange={setCertPem} error={errors.fields.cert} testId="fah-import-cert" placeholder="-----BEGIN CERTIFICATE-----" />
        {signed ? null : (
          <PemField label="Private key (optional when it is in the text above)" value={keyPem} onChange={setKeyPem} error={errors.fields.key} testId="fah-import-key" placeholder="-----BEGIN RSA PRIVATE KEY-----" />
        )}
        <FormError message={errors.form} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy || !certPem.trim()} data-testid="fah-import-submit">
            {busy ? 'Checking…' : 'Import'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

interface PemFieldProps {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  testId: string;
  placeholder: string;
}

/** A PEM text area with "Choose file…": the file is read here, so the desktop app and the browser behave alike. */
function PemField({ label, value, onChange, error, testId, placeholder }: PemFieldProps) {
  const [readError, setReadError] = useState<string | null>(null);
  const pick = async (file: File | undefined) => {
    if (!file) return;
    try {
      onChange(await file.text());
      setReadError(null);
    } catch {
      setReadError(`Could not read ${file.name}.`);
    }
  };
  return (
    <>
      <FormField label={label} error={error ?? readError} hint={<input type="file" accept=".pem,.crt,.cer,.key,.txt" onChange={(e) => void pick(e.target.files?.[0])} data-testid={`${testId}-file`} aria-label={`${label}: choose file`} />}>
        <textarea value={value} onChange={(e) => onChange(e.target.value)} rows={6} className="mono" spellCheck={false} placeholder={placeholder} data-testid={testId} />
      </FormField>
    </>
  );
}
