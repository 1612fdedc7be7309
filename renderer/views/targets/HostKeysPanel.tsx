// Host keys SimDeck trusts (ssh.hostKeys): host:port, key type, SHA256 fingerprint, when it was trusted; "Forget"
// (ssh.forgetHostKey) behind a confirmation that says what it means.
import { useCallback, useEffect, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { HostKeyEntry } from '../../../shared/slurm.js';
import { api } from '../../api/index.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { CopyButton } from '../../components/CopyButton.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { EmptyState } from '../../components/EmptyState.js';
import { formatTime } from '../../lib/format.js';
import { useHostKeyTrust } from '../../store/hostKeyTrust.js';
import { toast } from '../../store/toasts.js';

const hostPort = (k: Pick<HostKeyEntry, 'host' | 'port'>) => (k.port === 22 ? k.host : `${k.host}:${k.port}`);

export function HostKeysPanel() {
  const [keys, setKeys] = useState<HostKeyEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [forgetting, setForgetting] = useState<HostKeyEntry | null>(null);
  const pending = useHostKeyTrust((s) => s.pending);

  const load = useCallback(async () => {
    try {
      setKeys(await api().ssh.hostKeys());
      setError(null);
    } catch (err) {
      setError(toApiError(err).message);
    }
  }, []);
  // Again after every host-key question, since the researcher may just have trusted one.
  useEffect(() => {
    if (!pending) void load();
  }, [load, pending]);

  const columns: Column<HostKeyEntry>[] = [
    { key: 'host', header: 'Host', sortValue: (k) => hostPort(k), className: 'nowrap', render: (k) => <span className="mono">{`${k.host}:${k.port}`}</span> },
    { key: 'type', header: 'Type', sortValue: (k) => k.keyType, className: 'nowrap', render: (k) => <span className="mono">{k.keyType}</span> },
    {
      key: 'fingerprint',
      header: 'Fingerprint',
      render: (k) => (
        <span className="fingerprint-cell">
          <span className="mono" data-testid="host-key-fingerprint">
            {k.fingerprint}
          </span>
          <CopyButton text={k.fingerprint} label={`Copy the fingerprint of ${hostPort(k)}`} what="fingerprint" />
        </span>
      ),
    },
    { key: 'added', header: 'Trusted since', sortValue: (k) => k.addedAt, className: 'col-time nowrap', render: (k) => formatTime(k.addedAt) },
    {
      key: 'actions',
      header: 'Actions',
      hiddenHeader: true,
      className: 'col-actions',
      render: (k) => (
        <button
          type="button"
          className="button button-small button-danger-quiet"
          onClick={() => setForgetting(k)}
          aria-label={`Forget the ${k.keyType} key of ${hostPort(k)}`}
          data-testid="host-key-forget"
        >
          Forget
        </button>
      ),
    },
  ];

  return (
    <section className="panel" data-testid="host-keys-panel" aria-labelledby="host-keys-title">
      <div className="panel-head">
        <h2 className="panel-title" id="host-keys-title">
          Trusted host keys
        </h2>
        <button type="button" className="button button-small button-ghost" onClick={() => void load()} aria-label="Reload trusted host keys">
          Reload
        </button>
      </div>
      {error ? (
        <p className="inline-error" role="status" data-testid="host-keys-error">
          Could not load the trusted host keys: {error}
        </p>
      ) : null}
      {keys === null ? (
        error ? null : <p className="muted">Loading…</p>
      ) : keys.length === 0 ? (
        <EmptyState title="No trusted host keys yet" testId="host-keys-empty">
          <p>
            When SimDeck first connects to a cluster it shows the server’s SHA256 fingerprint for you to compare with the one your cluster publishes; keys
            you trust are listed here. Keys in your ~/.ssh/known_hosts are used as well and are not listed.
          </p>
        </EmptyState>
      ) : (
        <DataTable
          label="Trusted host keys"
          testId="host-keys-table"
          columns={columns}
          rows={keys}
          rowKey={(k) => `${k.host}:${k.port}:${k.keyType}`}
          rowTestId="host-key-row"
          rowAttrs={(k) => ({ 'data-host': k.host, 'data-port': String(k.port), 'data-key-type': k.keyType })}
          initialSort={{ key: 'host', dir: 'asc' }}
        />
      )}
      {forgetting ? (
        <ConfirmDialog
          title={`Forget the host key of ${hostPort(forgetting)}?`}
          confirmText={forgetting.host}
          confirmLabel="Forget host key"
          onClose={() => setForgetting(null)}
          onConfirm={async () => {
            await api().ssh.forgetHostKey({ host: forgetting.host, port: forgetting.port, keyType: forgetting.keyType });
            toast('success', `Forgot the ${forgetting.keyType} key of ${hostPort(forgetting)}.`);
            await load();
          }}
        >
          <p>
            SimDeck will ask again next time it connects to <span className="mono">{hostPort(forgetting)}</span>; only forget a key after the
            cluster’s admins confirmed it changed.
          </p>
          <p className="mono muted">
            {forgetting.keyType} {forgetting.fingerprint}
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
