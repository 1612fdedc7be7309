// Builds the SSH + SLURM backend of one core: SimDeck's host-key store and verifier, the connection pool (one
// connection per cluster), 2FA prompts relayed to the UI, and the SLURM service with one poller per cluster that
// has work in progress (clusters with nothing running are not polled).
import { homedir } from 'node:os';
import { ApiError } from '../../shared/errors.js';
import { TERMINAL_JOB_STATES, type Target } from '../../shared/domain.js';
import type { SshPrompt } from '../../shared/slurm.js';
import { SlurmService } from '../slurm/service.js';
import { HostKeyStore } from '../ssh/host-key-store.js';
import { HostKeyVerifier } from '../ssh/host-key-verifier.js';
import { SshPool } from '../ssh/pool.js';
import { loadSshConfigHosts } from '../ssh/ssh-config.js';
import { resolveSshConnection } from '../ssh/target.js';
import type { Services } from './services.js';

export interface SlurmBackend {
  hostKeys: HostKeyStore;
  pool: SshPool;
  slurm: SlurmService;
  answerPrompt(promptId: string, answers: string[]): void;
  /** Polls the clusters that have unfinished jobs (after start-up, a submission or an adoption). */
  refreshPolling(): Promise<void>;
  close(): Promise<void>;
}

export function createSlurmBackend(s: Services): SlurmBackend {
  const hostKeys = new HostKeyStore(s.db);
  const waiting = new Map<string, (answers: string[]) => void>();
  const prompt = (p: SshPrompt) =>
    new Promise<string[]>((resolve) => {
      waiting.set(p.promptId, resolve);
      s.emit('ssh.prompt', p);
    });
  const pool = new SshPool({
    resolve: (target) => resolveSshConnection(target, s.adapterContext, { sshConfigHosts: safeConfigHosts() }),
    hostKeys: new HostKeyVerifier({ store: hostKeys, log: s.log }),
    prompt,
    log: s.log,
  });
  pool.onStatus((status) => s.emit('clusters.status', status));
  const slurm = new SlurmService({
    db: s.db,
    runner: pool,
    ctx: s.adapterContext,
    getTarget: (id) => s.targets.get(id),
    projectName: (id) => s.projects.get(id).name,
    onChanged: (jobIds) => s.emit('jobs.changed', { jobIds }),
  });

  const reconciled = new Set<string>();
  const activeSlurmTargets = (): Target[] => {
    const placeholders = TERMINAL_JOB_STATES.map(() => '?').join(', ');
    const ids = new Set(
      (
        s.db
          .prepare(`SELECT DISTINCT target_id AS id FROM jobs WHERE kind = 'slurm' AND target_id IS NOT NULL AND state NOT IN (${placeholders})`)
          .all(...TERMINAL_JOB_STATES) as { id: string }[]
      ).map((r) => r.id),
    );
    return s.targets.list().filter((t) => t.kind === 'slurm' && ids.has(t.id));
  };

  return {
    hostKeys,
    pool,
    slurm,
    answerPrompt(promptId, answers) {
      const resolve = waiting.get(promptId);
      if (!resolve) throw new ApiError('NOT_FOUND', 'That login question has expired or was already answered. Try the action again.');
      waiting.delete(promptId);
      resolve(answers);
    },
    async refreshPolling() {
      // Reconciling costs a round trip: do it once per cluster at start-up, and again only while a submission
      // there is still unsettled (e.g. the connection dropped during sbatch), not after every action.
      const unsettled = s.db.prepare("SELECT 1 FROM jobs WHERE target_id = ? AND state = 'submitting' LIMIT 1");
      await slurm.startPolling(activeSlurmTargets(), (t) => {
        const first = !reconciled.has(t.id);
        reconciled.add(t.id);
        return first || unsettled.get(t.id) !== undefined;
      });
    },
    async close() {
      slurm.stopPolling();
      await pool.close();
    },
  };
}

/** ~/.ssh/config aliases help resolve jump hops; a broken config must not stop SimDeck from connecting. */
function safeConfigHosts() {
  try {
    return loadSshConfigHosts(homedir());
  } catch {
    return [];
  }
}
