// The Submit wizard's form → the core's SubmitRequest, and the core's validation messages → the form's fields.
import type { Params } from '../../shared/contract.js';
import type { ApiError } from '../../shared/errors.js';
import { splitFieldErrors } from './fieldErrors.js';

export type SubmitParams = Params<'slurm.submit'>;

export interface KeyValue {
  key: string;
  value: string;
}

export interface SubmitForm {
  projectId: string;
  targetIds: string[];
  name: string;
  template: 'cpu' | 'gpu';
  values: KeyValue[];
  folder: string[];
  array: string;
  dependencyType: 'afterok' | 'afterany' | 'afternotok';
  dependencyIds: string[];
  cancelPendingDuplicates: boolean;
  maxTries: string;
  backoffMinutes: string;
}

export const DEFAULT_VALUES: Record<'cpu' | 'gpu', string[]> = {
  cpu: ['partition', 'time', 'cpus', 'mem', 'account', 'qos', 'command'],
  gpu: ['partition', 'time', 'cpus', 'mem', 'gpus', 'account', 'qos', 'command'],
};

export const SUBMIT_FIELDS = ['projectId', 'targetIds', 'name', 'template', 'values', 'folder', 'array', 'dependency', 'policy'] as const;

/** Empty values and folder parts are left out; the policy only goes with more than one cluster. */
export function buildSubmit(f: SubmitForm): SubmitParams {
  const values: Record<string, string> = {};
  for (const kv of f.values) if (kv.key.trim() && kv.value.trim()) values[kv.key.trim()] = kv.value.trim();
  const req: SubmitParams = {
    projectId: f.projectId,
    targetIds: f.targetIds,
    name: f.name.trim(),
    template: f.template,
    values,
    folder: f.folder.map((p) => p.trim()).filter(Boolean),
  };
  if (f.array.trim()) req.array = f.array.trim();
  if (f.dependencyIds.length) req.dependency = { type: f.dependencyType, jobIds: f.dependencyIds };
  if (f.targetIds.length > 1) {
    req.policy = {
      cancelPendingDuplicates: f.cancelPendingDuplicates,
      maxTries: Number(f.maxTries) || 1,
      backoffMinutes: Number(f.backoffMinutes) || 0,
    };
  }
  return req;
}

export interface SubmitErrors {
  fields: Record<string, string>;
  /** Placeholder name → message ("values.partition: …"). */
  values: Record<string, string>;
  form: string | null;
}

export function splitSubmitErrors(err: Pick<ApiError, 'code' | 'message' | 'details'>): SubmitErrors {
  const values: Record<string, string> = {};
  for (const m of err.message.matchAll(/values\.([A-Za-z_]\w*):\s*([^;]+)/g)) values[m[1]!] = m[2]!.trim();
  const split = splitFieldErrors(err, SUBMIT_FIELDS);
  if (Object.keys(values).length && split.fields.values) delete split.fields.values;
  return { fields: split.fields, values, form: split.form };
}
