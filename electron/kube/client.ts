// One target's API clients, built from its kubeconfig context. Every call goes through `call`, which maps failures
// to errors that say what to do and, for anything that changes the cluster, logs the equivalent kubectl command.
import { BatchV1Api, CoreV1Api, VersionApi, type KubeConfig } from '@kubernetes/client-node';
import type { Target } from '../../shared/domain.js';
import type { AdapterContext } from '../core/adapter.js';
import { commandLine } from '../core/shell-quote.js';
import { mapKubeError } from './errors.js';
import { resolveKube, type ResolvedKube } from './kubeconfig.js';

export interface KubeClients extends ResolvedKube {
  target: Target;
  batch: BatchV1Api;
  core: CoreV1Api;
  version: VersionApi;
  /** "context/namespace", for messages. */
  where: string;
  /** `kubectl --context … -n … <args>`, quoted, as a researcher would type it. */
  kubectl(args: string[]): string;
}

export function kubeClients(target: Target): KubeClients {
  const r = resolveKube(target);
  const kc: KubeConfig = r.kc;
  const base = ['kubectl', ...(target.settings.kubeconfigPath ? ['--kubeconfig', r.file] : []), '--context', r.context, '-n', r.namespace];
  return {
    ...r,
    target,
    batch: kc.makeApiClient(BatchV1Api),
    core: kc.makeApiClient(CoreV1Api),
    version: kc.makeApiClient(VersionApi),
    where: `${r.context}/${r.namespace}`,
    kubectl: (args) => commandLine([...base, ...args]),
  };
}

/** Runs one API call with errors mapped; with `log`, records it in the activity log as its kubectl twin. */
export async function call<T>(
  k: KubeClients,
  what: string,
  work: () => Promise<T>,
  log?: { ctx: AdapterContext; action: string; kubectlArgs: string[]; projectId?: string | null },
): Promise<T> {
  const guarded = async () => {
    try {
      return await work();
    } catch (err) {
      throw mapKubeError(err, k.where, what);
    }
  };
  if (!log) return guarded();
  return log.ctx.activity.run(
    { action: log.action, command: k.kubectl(log.kubectlArgs), targetId: k.target.id, projectId: log.projectId ?? null },
    guarded,
  );
}
