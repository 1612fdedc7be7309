// rclone.conf as the bucket layer needs it: the INI file rclone writes (`[remote]` sections, `key = value`
// lines, `#`/`;` comments), the S3 remotes in it resolved to what a SigV4 client needs, and a description of a
// remote for the UI that never carries a key.
//
// Notes on rclone's behaviour that this follows:
// - S3 access keys are stored in plain text (only sftp/ftp/crypt-style passwords are "obscured"); nothing here
//   de-obscures anything.
// - `force_path_style` defaults to true; rclone switches to virtual-host style itself for AWS (and a few other
//   hosted providers), so the default here is false for those and true for Ceph, Minio, Other and the rest.
// - An empty region signs as us-east-1 (what rclone and Ceph RGW expect); `other-v2-signature` selects the old
//   V2 signature, which SimDeck does not implement.
// - `env_auth = true` takes the keys from the environment / instance metadata when they are empty in the file.
import { ApiError } from '../../../shared/errors.js';

export interface RcloneRemote {
  name: string;
  /** rclone backend type (s3, sftp, crypt, alias, …); '' when the section has none. */
  type: string;
  /** Every key of the section, as written (values unquoted). */
  options: Record<string, string>;
}

export interface S3RemoteConfig {
  /** The rclone remote name, e.g. nrp or nrp-internal. */
  name: string;
  /** rclone's provider (AWS, Ceph, Minio, Other, …); '' when absent. */
  provider: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Region used for signing (us-east-1 when empty). */
  region: string;
  /** Endpoint origin with scheme, no trailing slash, e.g. https://s3-west.nrp-nautilus.io. */
  endpoint: string;
  /** Path-style (https://host/bucket/key) rather than virtual-host style (https://bucket.host/key). */
  forcePathStyle: boolean;
  /** The remote has env_auth = true (keys from the environment when empty in the file). */
  envAuth: boolean;
}

/** What the UI may show about a remote: no keys, no tokens. */
export interface RemoteDescription {
  name: string;
  provider: string;
  endpoint: string;
  region: string;
  pathStyle: boolean;
  envAuth: boolean;
  /** Whether the credentials can read the campaign bucket; unknown until a listing was tried. */
  bucketAccess: 'unknown' | 'ok' | 'denied';
}

/** Providers for which rclone uses virtual-host style addressing by default. */
const VIRTUAL_HOST_PROVIDERS = new Set(['aws', 'alibaba', 'tencentcos', 'netease', 'qiniu', 'liara', 'arvancloud']);

function unquote(v: string): string {
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith('`') && v.endsWith('`')))) {
    return v.slice(1, -1);
  }
  return v;
}

/** Parses rclone.conf text into its remotes, in file order. Throws INVALID_INPUT on a line it cannot read. */
export function parseRcloneConf(text: string): RcloneRemote[] {
  const remotes: RcloneRemote[] = [];
  let current: RcloneRemote | null = null;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const section = /^\[(.*)\]$/.exec(line);
    if (section) {
      const name = (section[1] ?? '').trim();
      if (!name) throw new ApiError('INVALID_INPUT', `rclone.conf line ${i + 1}: a section needs a remote name between [ ].`);
      const existing = remotes.find((r) => r.name === name);
      if (existing) {
        current = existing; // rclone merges repeated sections; later keys win
      } else {
        current = { name, type: '', options: {} };
        remotes.push(current);
      }
      return;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) {
      throw new ApiError('INVALID_INPUT', `rclone.conf line ${i + 1} is neither a [remote] header, a "key = value" line nor a comment.`);
    }
    if (!current) {
      throw new ApiError('INVALID_INPUT', `rclone.conf line ${i + 1}: "key = value" before any [remote] section.`);
    }
    const remote: RcloneRemote = current;
    const key = line.slice(0, eq).trim();
    const value = unquote(line.slice(eq + 1).trim());
    remote.options[key] = value;
    if (key === 'type') remote.type = value;
  });
  return remotes;
}

function isTrue(v: string | undefined): boolean | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  return /^(true|1|yes|on|t)$/i.test(v.trim());
}

function normaliseEndpoint(remote: string, raw: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ApiError('INVALID_INPUT', `rclone remote "${remote}" has an endpoint that is not a host or URL: "${raw}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ApiError('INVALID_INPUT', `rclone remote "${remote}" has endpoint "${raw}"; SimDeck speaks S3 over http:// or https:// only.`);
  }
  return url.origin;
}

/** Resolves one S3 remote of a parsed rclone.conf. Clear INVALID_INPUT / NOT_FOUND errors otherwise. */
export function s3RemoteFrom(remotes: RcloneRemote[], name: string): S3RemoteConfig {
  const remote = remotes.find((r) => r.name === name);
  if (!remote) {
    const names = remotes.map((r) => r.name);
    throw new ApiError(
      'NOT_FOUND',
      `rclone.conf has no remote named ${name}; it has: ${names.length ? names.join(', ') : '(no remotes)'}.`,
      { remote: name },
    );
  }
  if (remote.type !== 's3') {
    throw new ApiError(
      'INVALID_INPUT',
      `rclone remote "${name}" is of type "${remote.type || '(none)'}", not s3; the results bucket needs an S3 remote.`,
      { remote: name },
    );
  }
  const o = remote.options;
  const provider = (o.provider ?? '').trim();
  const envAuth = isTrue(o.env_auth) ?? false;
  let accessKeyId = (o.access_key_id ?? '').trim();
  let secretAccessKey = (o.secret_access_key ?? '').trim();
  let sessionToken = (o.session_token ?? '').trim() || undefined;
  if ((!accessKeyId || !secretAccessKey) && envAuth) {
    accessKeyId = accessKeyId || (process.env.AWS_ACCESS_KEY_ID ?? '');
    secretAccessKey = secretAccessKey || (process.env.AWS_SECRET_ACCESS_KEY ?? '');
    sessionToken = sessionToken ?? (process.env.AWS_SESSION_TOKEN || undefined);
  }
  const missing = [!accessKeyId && 'access_key_id', !secretAccessKey && 'secret_access_key'].filter(Boolean);
  if (missing.length) {
    throw new ApiError(
      'INVALID_INPUT',
      `rclone remote "${name}" has no ${missing.join(' and no ')}` +
        (envAuth
          ? ' and env_auth found none in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY; SimDeck does not read instance metadata.'
          : '; add them to rclone.conf (rclone config) or use the remote from the namespace secret.'),
      { remote: name },
    );
  }
  let region = (o.region ?? '').trim();
  if (region === 'other-v2-signature') {
    throw new ApiError('INVALID_INPUT', `rclone remote "${name}" uses V2 signatures (region = other-v2-signature), which SimDeck does not support; set region empty or to the store's region.`, { remote: name });
  }
  if (!region) region = 'us-east-1';
  const isAws = provider === '' || provider.toLowerCase() === 'aws';
  const rawEndpoint = (o.endpoint ?? '').trim();
  let endpoint: string;
  if (rawEndpoint) {
    endpoint = normaliseEndpoint(name, rawEndpoint);
  } else if (isAws) {
    endpoint = region === 'us-east-1' ? 'https://s3.amazonaws.com' : `https://s3.${region}.amazonaws.com`;
  } else {
    throw new ApiError('INVALID_INPUT', `rclone remote "${name}" (provider ${provider}) has no endpoint; add "endpoint = host" to it.`, { remote: name });
  }
  const explicitPathStyle = isTrue(o.force_path_style);
  const forcePathStyle = explicitPathStyle ?? !VIRTUAL_HOST_PROVIDERS.has((provider || 'aws').toLowerCase());
  return { name, provider, accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}), region, endpoint, forcePathStyle, envAuth };
}

/** Parses rclone.conf text and resolves the named S3 remote. */
export function s3RemoteFromConf(text: string, name: string): S3RemoteConfig {
  return s3RemoteFrom(parseRcloneConf(text), name);
}

/**
 * The remotes of a Kubernetes Secret's `data` (base64 values, as the API returns them), key `rclone.conf`
 * (the seed's jm-rclone-config secret).
 */
export function parseRcloneSecretData(data: Record<string, string> | undefined, key = 'rclone.conf'): RcloneRemote[] {
  const b64 = data?.[key];
  if (b64 === undefined) {
    const keys = Object.keys(data ?? {});
    throw new ApiError('INVALID_INPUT', `The rclone secret has no key "${key}"; it has: ${keys.length ? keys.join(', ') : '(no keys)'}.`);
  }
  const clean = b64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) {
    throw new ApiError('INVALID_INPUT', `The rclone secret's "${key}" is not base64; expected the Secret's data as the Kubernetes API returns it.`);
  }
  return parseRcloneConf(Buffer.from(clean, 'base64').toString('utf8'));
}

/** A description of a remote for the UI and logs: never the keys or the session token. */
export function describeRemote(remote: S3RemoteConfig, bucketAccess: RemoteDescription['bucketAccess'] = 'unknown'): RemoteDescription {
  return {
    name: remote.name,
    provider: remote.provider || 'AWS',
    endpoint: remote.endpoint,
    region: remote.region,
    pathStyle: remote.forcePathStyle,
    envAuth: remote.envAuth,
    bucketAccess,
  };
}
