// What each kind of compute target is, and which connection settings the "Add target" form asks for.
import type { Target, TargetKind, TargetSettings } from '../../shared/domain.js';

/** Where Folding@home certificates are renewed unless a target says otherwise (the core's default too). */
export const DEFAULT_AS_URL = 'https://assign1.foldingathome.org';

export interface KindInfo {
  kind: TargetKind;
  label: string;
  blurb: string;
}

export const TARGET_KINDS: readonly KindInfo[] = [
  { kind: 'slurm', label: 'SLURM cluster (SSH)', blurb: 'A cluster login node reached over SSH; jobs go through sbatch/squeue.' },
  { kind: 'kubernetes', label: 'Kubernetes', blurb: 'A cluster namespace for umbrella-sampling windows, reached with a kubeconfig.' },
  { kind: 'local-docker', label: 'Local Docker', blurb: 'The Docker engine on this machine, for worker containers.' },
  { kind: 'swarm', label: 'Docker Swarm', blurb: 'A Swarm manager for fleets of worker services.' },
  { kind: 'fah', label: 'Folding@home work server', blurb: 'A Folding@home work server and assignment server.' },
];

export function kindLabel(kind: TargetKind): string {
  return TARGET_KINDS.find((k) => k.kind === kind)?.label ?? kind;
}

export interface SettingField {
  key: string;
  label: string;
  /** textarea: several lines (a PEM block). */
  type: 'text' | 'number' | 'textarea';
  placeholder?: string;
  /** Filled in when the kind is chosen, so the usual value is visible and can be changed. */
  defaultValue?: string;
  hint?: string;
  required?: boolean;
  /** What is wrong with a non-empty value, or null. */
  validate?: (value: string) => string | null;
}

export const TARGET_FIELDS: Record<TargetKind, readonly SettingField[]> = {
  slurm: [
    { key: 'host', label: 'Host', type: 'text', placeholder: 'login.cluster.example.edu', required: true },
    { key: 'port', label: 'Port', type: 'number', placeholder: '22' },
    { key: 'username', label: 'Username', type: 'text', placeholder: 'jdoe' },
    { key: 'privateKeyPath', label: 'Private key path', type: 'text', placeholder: '~/.ssh/id_ed25519', hint: 'On this machine; the key is never copied.' },
    {
      key: 'hostKeySha256',
      label: 'Host key (SHA256)',
      type: 'text',
      placeholder: 'SHA256:…',
      hint: 'Pins the server; from `ssh-keygen -lf` on a trusted copy.',
    },
    {
      key: 'nvidiaSmi',
      label: 'nvidia-smi on the compute nodes (optional)',
      type: 'text',
      placeholder: 'nvidia-smi',
      hint: 'For the Monitor: its path where nvidia-smi is not on the nodes’ PATH.',
    },
  ],
  'local-docker': [
    { key: 'socketPath', label: 'Docker socket', type: 'text', placeholder: '/var/run/docker.sock' },
    { key: 'nvidiaSmi', label: 'nvidia-smi in the worker images (optional)', type: 'text', placeholder: 'nvidia-smi', hint: 'For the Monitor: its path inside GPU workers.' },
  ],
  swarm: [
    { key: 'socketPath', label: 'Docker socket', type: 'text', placeholder: '/var/run/docker.sock' },
    { key: 'nvidiaSmi', label: 'nvidia-smi in the worker images (optional)', type: 'text', placeholder: 'nvidia-smi', hint: 'For the Monitor: its path inside GPU workers.' },
  ],
  kubernetes: [
    { key: 'kubeconfigPath', label: 'Kubeconfig path', type: 'text', placeholder: '~/.kube/config' },
    { key: 'context', label: 'Context', type: 'text', placeholder: 'my-cluster' },
    { key: 'namespace', label: 'Namespace', type: 'text', placeholder: 'default' },
    { key: 'prometheusUrl', label: 'Prometheus URL (GPU use per pod, optional)', type: 'text', placeholder: 'https://prometheus.nrp-nautilus.io' },
  ],
  fah: [
    { key: 'wsUrl', label: 'Work server URL', type: 'text', placeholder: 'https://ws1.example.org', required: true, hint: 'The API lives at the host root (/api/…).' },
    {
      key: 'asUrl',
      label: 'Assignment server URL',
      type: 'text',
      placeholder: DEFAULT_AS_URL,
      defaultValue: DEFAULT_AS_URL,
      hint: 'Renews the client certificate; empty = the default.',
    },
    {
      key: 'email',
      label: 'Email',
      type: 'text',
      placeholder: 'you@example.org',
      hint: 'The one you log in to the AS with (the certificate’s CN).',
      validate: (v) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? null : 'Email must be an email address'),
    },
    {
      key: 'caPem',
      label: 'Custom CA (PEM, optional)',
      type: 'textarea',
      placeholder: '-----BEGIN CERTIFICATE-----',
      hint: 'Only for a server whose HTTPS certificate a public CA did not sign; empty = system trust.',
      // The core would only fail at the first connection; say so while the form is still open.
      validate: (v) => (v.includes('-----BEGIN CERTIFICATE-----') ? null : 'Paste the CA certificate in PEM form (-----BEGIN CERTIFICATE-----), or leave it empty for system trust'),
    },
  ],
};

export interface BuiltSettings {
  settings: TargetSettings;
  errors: Record<string, string>;
}

/** Form values → settings: empty fields are left out, numbers parsed, required fields checked. */
export function buildSettings(kind: TargetKind, values: Readonly<Record<string, string>>): BuiltSettings {
  const settings: TargetSettings = {};
  const errors: Record<string, string> = {};
  for (const field of TARGET_FIELDS[kind]) {
    const raw = (values[field.key] ?? '').trim();
    if (!raw) {
      if (field.required) errors[field.key] = `${field.label} is required`;
      continue;
    }
    if (field.type === 'number') {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1 || n > 65535) errors[field.key] = `${field.label} must be a whole number from 1 to 65535`;
      else settings[field.key] = n;
    } else if (field.validate?.(raw)) {
      errors[field.key] = field.validate(raw)!;
    } else {
      settings[field.key] = raw;
    }
  }
  return { settings, errors };
}

/** The values a kind's form starts with (e.g. the default assignment server). */
export function defaultValues(kind: TargetKind): Record<string, string> {
  return Object.fromEntries(TARGET_FIELDS[kind].filter((f) => f.defaultValue !== undefined).map((f) => [f.key, f.defaultValue!]));
}

const str = (v: unknown) => (v === null || v === undefined || v === '' ? null : String(v));

/** One line with the settings that identify a target, e.g. "jdoe@login.hpc.edu:22". */
export function summarizeSettings(target: Pick<Target, 'kind' | 'settings'>): string {
  const s = target.settings;
  switch (target.kind) {
    case 'slurm': {
      const host = str(s.host) ?? '?';
      const user = str(s.username);
      const port = str(s.port);
      return `${user ? `${user}@` : ''}${host}${port && port !== '22' ? `:${port}` : ''}`;
    }
    case 'local-docker':
    case 'swarm':
      return str(s.socketPath) ?? 'default Docker socket';
    case 'kubernetes': {
      const parts = [str(s.context) ? `context ${str(s.context)}` : 'current context', `namespace ${str(s.namespace) ?? 'default'}`];
      if (str(s.kubeconfigPath)) parts.push(str(s.kubeconfigPath)!);
      return parts.join(' · ');
    }
    case 'fah':
      return [str(s.wsUrl), str(s.asUrl), str(s.email), str(s.caPem) ? 'custom CA' : null].filter(Boolean).join(' · ') || '—';
    default:
      return Object.entries(s)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ');
  }
}
