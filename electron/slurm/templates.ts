// (Output goes to slurm-%j.out: a job name may hold "/", so %x in a path can break the job launch.)
// sbatch script templates per cluster (target settings `cpuTemplate` / `gpuTemplate`) with {{placeholders}}.
// Values are single lines (the contract refuses newlines) and go into the script as they are: a value inside an
// #SBATCH line is a comment to the shell and is never executed; only {{command}} is meant to run. Nothing here
// ever reaches a remote shell's command line: sbatch gets the script file's path, quoted.
import type { Target } from '../../shared/domain.js';
import { ApiError } from '../../shared/errors.js';

export const KNOWN_PLACEHOLDERS = ['name', 'partition', 'account', 'qos', 'time', 'cpus', 'mem', 'gpus', 'workdir', 'command'] as const;

/** Defaults when neither the request nor the target's settings give a value; '' drops the #SBATCH line. */
const BUILTIN_DEFAULTS: Record<string, string> = {
  partition: '',
  account: '',
  qos: '',
  time: '01:00:00',
  cpus: '1',
  mem: '2G',
  gpus: '1',
};

export const DEFAULT_CPU_TEMPLATE = `#!/bin/bash
#SBATCH --partition={{partition}}
#SBATCH --account={{account}}
#SBATCH --qos={{qos}}
#SBATCH --time={{time}}
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --cpus-per-task={{cpus}}
#SBATCH --mem={{mem}}
#SBATCH --output=slurm-%j.out
# SimDeck job {{name}}, in {{workdir}}
set -euo pipefail
{{command}}
`;

export const DEFAULT_GPU_TEMPLATE = `#!/bin/bash
#SBATCH --partition={{partition}}
#SBATCH --account={{account}}
#SBATCH --qos={{qos}}
#SBATCH --time={{time}}
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --cpus-per-task={{cpus}}
#SBATCH --mem={{mem}}
#SBATCH --gres=gpu:{{gpus}}
#SBATCH --output=slurm-%j.out
# SimDeck job {{name}}, in {{workdir}}
set -euo pipefail
{{command}}
`;

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export function templateFor(target: Target, kind: 'cpu' | 'gpu'): string {
  const custom = target.settings[kind === 'cpu' ? 'cpuTemplate' : 'gpuTemplate'];
  return typeof custom === 'string' && custom.trim() !== '' ? custom : kind === 'cpu' ? DEFAULT_CPU_TEMPLATE : DEFAULT_GPU_TEMPLATE;
}

/** Per-target default values: settings `partition`, `account`, `qos`, `time`, `cpus`, `mem`, `gpus`. */
export function targetDefaults(target: Target): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['partition', 'account', 'qos', 'time', 'cpus', 'mem', 'gpus']) {
    const v = target.settings[k];
    if (v !== undefined && v !== null && String(v) !== '') out[k] = String(v);
  }
  return out;
}

export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/**
 * Renders a template. Values: builtin defaults < target defaults < request values < fixed (name, workdir).
 * A placeholder that is neither known nor given → INVALID_INPUT ("unknown placeholder"); a known one without a
 * value (command) → INVALID_INPUT ("missing value"). A `#SBATCH` line whose placeholders are all empty is left out.
 */
export function renderTemplate(
  template: string,
  values: Record<string, string>,
  opts: { targetDefaults?: Record<string, string>; fixed?: Record<string, string>; where?: string } = {},
): string {
  const all: Record<string, string> = { ...BUILTIN_DEFAULTS, ...opts.targetDefaults, ...values, ...opts.fixed };
  for (const [k, v] of Object.entries(all)) {
    if (/[\r\n\0]/.test(v)) throw new ApiError('INVALID_INPUT', `The value of {{${k}}} must be one line.`, { field: `values.${k}` });
  }
  const used = placeholdersOf(template);
  const unknown = used.filter((p) => !(KNOWN_PLACEHOLDERS as readonly string[]).includes(p) && all[p] === undefined);
  const missing = used.filter((p) => (KNOWN_PLACEHOLDERS as readonly string[]).includes(p) && all[p] === undefined);
  if (unknown.length || missing.length) {
    const parts: string[] = [];
    if (unknown.length) parts.push(`unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.map((p) => `{{${p}}}`).join(', ')}`);
    if (missing.length) parts.push(`missing value${missing.length > 1 ? 's' : ''} for ${missing.map((p) => `{{${p}}}`).join(', ')}`);
    throw new ApiError('INVALID_INPUT', `The sbatch template${opts.where ? ` of ${opts.where}` : ''} cannot be filled: ${parts.join('; ')}.`, {
      unknown: unknown.join(','),
      missing: missing.join(','),
    });
  }
  const out: string[] = [];
  for (const line of template.split('\n')) {
    const names = placeholdersOf(line);
    if (/^#SBATCH\b/.test(line) && names.length && names.every((n) => all[n] === '')) continue;
    out.push(line.replace(PLACEHOLDER, (_m, n: string) => all[n] ?? ''));
  }
  return out.join('\n');
}
