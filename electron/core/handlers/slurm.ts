import { homedir } from 'node:os';
import { ApiError } from '../../../shared/errors.js';
import { loadSshConfigHosts, parseSshConfig } from '../../ssh/ssh-config.js';
import type { SlurmBackend } from '../slurm-backend.js';
import type { Handlers } from '../router.js';
import type { Services } from '../services.js';
import fs from 'node:fs';

type SlurmMethod = Extract<keyof Handlers, `ssh.${string}` | `slurm.${string}` | 'clusters.status'>;

export function slurmHandlers(s: Services, b: SlurmBackend): Pick<Handlers, SlurmMethod> {
  const slurmTargets = () => s.targets.list().filter((t) => t.kind === 'slurm');
  const withPolling = async <T>(result: Promise<T>): Promise<T> => {
    const r = await result;
    void b.refreshPolling().catch((err: unknown) => s.log.warn('could not start polling', { error: String(err) }));
    return r;
  };
  return {
    'ssh.hostKeys': () => b.hostKeys.list().map(({ host, port, keyType, fingerprint, addedAt }) => ({ host, port, keyType, fingerprint, addedAt })),
    'ssh.trustHostKey': async (p) => {
      const e = b.hostKeys.trust(p);
      // Clusters paused on this unknown key may connect now.
      for (const t of slurmTargets()) await b.pool.close(t.id);
      return { host: e.host, port: e.port, keyType: e.keyType, fingerprint: e.fingerprint, addedAt: e.addedAt };
    },
    'ssh.forgetHostKey': (p) => {
      if (b.hostKeys.forget(p.host, p.port, p.keyType) === 0) throw new ApiError('NOT_FOUND', `SimDeck has no trusted ${p.keyType} key for ${p.host}:${p.port}.`);
      return { deleted: true as const };
    },
    'ssh.configHosts': (p) => {
      if (!p.path) return loadSshConfigHosts(homedir());
      let text: string;
      try {
        text = fs.readFileSync(p.path, 'utf8');
      } catch {
        throw new ApiError('NOT_FOUND', `Cannot read ${p.path}.`);
      }
      return parseSshConfig(text, homedir());
    },
    'ssh.answerPrompt': (p) => {
      b.answerPrompt(p.promptId, p.answers);
      return { ok: true as const };
    },
    'clusters.status': () => slurmTargets().map((t) => b.pool.status(t.id)),
    'slurm.preview': (p) => b.slurm.preview(p),
    'slurm.submit': (p) => withPolling(b.slurm.submit(p)),
    'slurm.act': (p) => withPolling(b.slurm.act(p.jobIds, p.action, p.script)),
    'slurm.job': (p) => b.slurm.job(p.jobId),
    'slurm.foreign': (p) => b.slurm.foreign(p.targetId),
    'slurm.adopt': (p) => withPolling(b.slurm.adopt(p.targetId, p.projectId, p.remoteIds)),
    'slurm.poll': async (p) => {
      await b.slurm.poll(p.targetId);
      return { ok: true as const };
    },
  };
}
