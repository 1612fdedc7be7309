// What "Test connection" found on a SLURM cluster: version, partitions, nodes, GPUs, accounts/QOS, home directory.
import type { TargetCheck } from '../../../shared/domain.js';
import { StateBadge } from '../../components/StateBadge.js';

const KNOWN: [string, string][] = [
  ['version', 'SLURM version'],
  ['host', 'Connected to'],
  ['username', 'User'],
  ['home', 'Home directory'],
  ['partitions', 'Partitions'],
  ['defaultPartition', 'Default partition'],
  ['partitionStates', 'Partition states'],
  ['nodes', 'Nodes'],
  ['nodeStates', 'Node states'],
  ['cpus', 'CPUs'],
  ['gres', 'GPUs / GRES'],
  ['gpusByPartition', 'GPUs per partition'],
  ['accounts', 'Accounts'],
  ['qos', 'QOS'],
];

const LIST_KEYS = new Set(['partitions', 'partitionStates', 'nodeStates', 'gres', 'gpusByPartition', 'accounts', 'qos']);

export function CheckResult({ result }: { result: TargetCheck }) {
  const d = result.details;
  const known = new Set(KNOWN.map(([k]) => k));
  const rows = [...KNOWN.filter(([k]) => d[k]).map(([k, l]) => [k, l] as const), ...Object.keys(d).filter((k) => !known.has(k) && d[k]).sort().map((k) => [k, k] as const)];
  return (
    <section className="check-result" data-testid="wizard-check-result" data-ok={result.ok} aria-live="polite">
      <p>
        <StateBadge state={result.ok ? 'ok' : 'error'} label={result.ok ? 'connected' : 'problem'} /> {result.summary}
      </p>
      <dl className="details">
        {rows.map(([k, label]) => (
          <div key={k} className="details-row" data-key={k}>
            <dt>{label}</dt>
            <dd className="mono">
              {LIST_KEYS.has(k) ? (
                <span className="chips">
                  {d[k]!.split(',').filter(Boolean).map((x) => (
                    <span key={x} className="chip">
                      {x}
                    </span>
                  ))}
                </span>
              ) : (
                d[k]
              )}
            </dd>
          </div>
        ))}
      </dl>
      {!d.accounts && !d.home ? <p className="muted">Accounts, QOS and the home directory appear here once the core reports them.</p> : null}
    </section>
  );
}
