// Which cluster, user and namespace a Kubernetes target means: its kubeconfig file (default $KUBECONFIG or
// ~/.kube/config, like kubectl), a context in it (default: the file's current context) and a namespace (default:
// the context's, then "default"). Auth is whatever the kubeconfig says: tokens, client certificates, or exec/OIDC
// plugins (e.g. NRP's kubelogin), run by @kubernetes/client-node exactly as kubectl would run them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Target } from '../../shared/domain.js';
import { ApiError } from '../../shared/errors.js';

export interface KubeContextInfo {
  name: string;
  cluster: string;
  server: string;
  user: string;
  namespace: string | null;
  current: boolean;
}

export interface ResolvedKube {
  kc: KubeConfig;
  file: string;
  context: string;
  namespace: string;
  server: string;
}

const expandHome = (p: string) => (p === '~' ? os.homedir() : p.startsWith('~/') ? path.join(os.homedir(), p.slice(2)) : p);

/** The kubeconfig kubectl would use: an explicit path, else the first file of $KUBECONFIG, else ~/.kube/config. */
export function defaultKubeconfigPath(explicit?: string | null): string {
  if (explicit && explicit.trim()) return path.resolve(expandHome(explicit.trim()));
  const env = process.env.KUBECONFIG?.split(path.delimiter).find((p) => p.trim());
  return env ? path.resolve(expandHome(env)) : path.join(os.homedir(), '.kube', 'config');
}

export function loadKubeconfig(file: string): KubeConfig {
  if (!fs.existsSync(file)) {
    throw new ApiError('NOT_FOUND', `No kubeconfig at ${file}. Download your cluster's config (on NRP: the portal's "Get config"), save it there or choose its path.`, { field: 'kubeconfigPath' });
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(file);
  } catch (err) {
    throw new ApiError('INVALID_INPUT', `${file} is not a readable kubeconfig: ${err instanceof Error ? err.message : String(err)}`, { field: 'kubeconfigPath' });
  }
  return kc;
}

/** Contexts of a kubeconfig, to pick from or import as targets. */
export function listContexts(file?: string | null): { file: string; contexts: KubeContextInfo[] } {
  const resolved = defaultKubeconfigPath(file);
  const kc = loadKubeconfig(resolved);
  const current = kc.getCurrentContext();
  return {
    file: resolved,
    contexts: kc.getContexts().map((c) => ({
      name: c.name,
      cluster: c.cluster,
      server: kc.getCluster(c.cluster)?.server ?? '',
      user: c.user,
      namespace: c.namespace ?? null,
      current: c.name === current,
    })),
  };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** The KubeConfig of a target, switched to its context; refuses contexts that do not exist. */
export function resolveKube(target: Target): ResolvedKube {
  const file = defaultKubeconfigPath(str(target.settings.kubeconfigPath));
  const kc = loadKubeconfig(file);
  const wanted = str(target.settings.context) ?? kc.getCurrentContext();
  const ctx = kc.getContextObject(wanted);
  if (!wanted || !ctx) {
    const names = kc.getContexts().map((c) => c.name);
    throw new ApiError(
      'NOT_FOUND',
      `The kubeconfig ${file} has no context "${wanted ?? ''}". ${names.length ? `It has: ${names.join(', ')}.` : 'It has no contexts at all.'}`,
      { field: 'context' },
    );
  }
  kc.setCurrentContext(wanted);
  const server = kc.getCluster(ctx.cluster)?.server;
  if (!server) throw new ApiError('INVALID_INPUT', `Context "${wanted}" in ${file} names cluster "${ctx.cluster}", which has no server address.`, { field: 'context' });
  return { kc, file, context: wanted, namespace: str(target.settings.namespace) ?? ctx.namespace ?? 'default', server };
}
