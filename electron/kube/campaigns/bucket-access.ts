// The results bucket of a Kubernetes target, as the researcher's laptop reaches it (the seed's `nrp` rclone remote;
// pods use `nrp-internal`). The remote's rclone.conf section is imported once, from the user's rclone.conf or, with
// consent, from the namespace Secret that holds it, and kept in the vault: the keys never reach the workspace
// database, the UI or the logs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Target } from '../../../shared/domain.js';
import { ApiError } from '../../../shared/errors.js';
import type { Services } from '../../core/services.js';
import { describeRemote, parseRcloneConf, parseRcloneSecretData, s3RemoteFrom, type RcloneRemote, type RemoteDescription, type S3RemoteConfig } from '../bucket/rclone-config.js';
import { S3Client } from '../bucket/s3-client.js';
import { call, kubeClients } from '../client.js';

export const BUCKET_ROLE = 'rcloneRemote';

/** rclone's own default: $RCLONE_CONFIG, else ~/.config/rclone/rclone.conf. */
export function defaultRcloneConf(): string {
  return process.env.RCLONE_CONFIG || path.join(os.homedir(), '.config', 'rclone', 'rclone.conf');
}

/** One remote back as rclone.conf text (what the vault keeps). */
function sectionText(r: RcloneRemote): string {
  return [`[${r.name}]`, ...Object.entries(r.options).map(([k, v]) => `${k} = ${v}`)].join('\n') + '\n';
}

export type BucketSource = { path?: string } | { secret: { name: string; key?: string } };

/** Reads the remote from rclone.conf or the namespace Secret, keeps it in the vault, links it to the target. */
export async function importBucketRemote(s: Services, target: Target, remote: string, from: BucketSource): Promise<RemoteDescription & { source: string }> {
  let remotes: RcloneRemote[];
  let source: string;
  if ('secret' in from) {
    const k = kubeClients(target);
    const key = from.secret.key ?? 'rclone.conf';
    const secret = await call(k, `read Secret ${from.secret.name}`, () => k.core.readNamespacedSecret({ name: from.secret.name, namespace: k.namespace }), {
      ctx: s.adapterContext,
      action: 'umbrella.bucketImport',
      kubectlArgs: ['get', 'secret', from.secret.name, '-o', `jsonpath={.data.${key.replace(/\./g, '\\.')}}`],
    });
    remotes = parseRcloneSecretData(secret.data, key);
    source = `Secret ${from.secret.name} (${key}) in ${k.namespace}`;
  } else {
    const file = from.path ? path.resolve(from.path.replace(/^~(?=\/)/, os.homedir())) : defaultRcloneConf();
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      throw new ApiError('NOT_FOUND', `No rclone.conf at ${file}. Choose the file, or import the remote from the namespace's Secret.`, { field: 'path' });
    }
    remotes = parseRcloneConf(text);
    source = file;
  }
  const config = s3RemoteFrom(remotes, remote); // clear errors for unknown or non-S3 remotes
  const section = remotes.find((r) => r.name === remote)!;
  const old = target.secretRefs[BUCKET_ROLE];
  const info = await s.secrets.store(`rclone remote ${remote} for ${target.name}`, sectionText(section));
  s.targets.attachSecret(target.id, BUCKET_ROLE, info.id);
  s.targets.update(target.id, { settings: { ...target.settings, bucketRemote: remote } });
  if (old && old !== info.id) {
    try {
      s.secrets.delete(old);
    } catch {
      // already gone
    }
  }
  s.emit('targets.changed', { targetId: target.id });
  return { ...describeRemote(config), source };
}

/** The S3 client of a target's imported remote, or null when none was imported. */
export async function bucketClient(s: Services, target: Target): Promise<{ client: S3Client; remote: S3RemoteConfig } | null> {
  const ref = target.secretRefs[BUCKET_ROLE];
  const name = typeof target.settings.bucketRemote === 'string' ? target.settings.bucketRemote : null;
  if (!ref || !name) return null;
  const remote = s3RemoteFrom(parseRcloneConf(await s.secrets.reveal(ref)), name);
  return { client: new S3Client(remote), remote };
}
