// A throwaway self-signed serving certificate for 127.0.0.1. kubectl (client-go) only sends credentials to
// https servers ("only try to read the auth information if we are secure"), so the kubectl fidelity check
// needs TLS; SimDeck's own client works over either. Made with the openssl CLI (Node cannot mint X.509).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ServingCert {
  key: string;
  cert: string;
}

export function selfSignedCert(): ServingCert {
  const dir = mkdtempSync(join(tmpdir(), 'kube-sim-tls-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=kube-sim', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
