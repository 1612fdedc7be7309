// Job manifests for the simulator's tests: the rendered proteinbenchmark-nrp template (notes A2 and
// nrp-rendered-manifest-example.yaml), one per replica × window.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import type { IJob } from 'kubernetes-models/batch/v1/Job';

const TEMPLATE = load(readFileSync(fileURLToPath(new URL('./umbrella-job.yaml', import.meta.url)), 'utf8')) as IJob;

export const TARGET = 'gb3';
export const FF = 'null-0.0.3-pair-opc3';
export const SYSTEM = `${TARGET}-${FF}`;

export function windowJobName(replica: number, window: number): string {
  return `pb-jm-${TARGET}-${FF}-${replica}-${String(window).padStart(2, '0')}`.replace(/\./g, '');
}

/** The launcher's add_env_to_template(): the PROTBENCH_* env on every init container and container. */
export function umbrellaJob(replica: number, window: number, opts: { cudaMinor?: string } = {}): IJob {
  const job = JSON.parse(JSON.stringify(TEMPLATE)) as IJob;
  const ww = String(window).padStart(2, '0');
  job.metadata = { name: windowJobName(replica, window) };
  const env = [
    { name: 'PROTBENCH_REPLICA', value: String(replica) },
    { name: 'PROTBENCH_TARGET', value: TARGET },
    { name: 'PROTBENCH_FF', value: FF },
    { name: 'PROTBENCH_WINDOW', value: ww },
    { name: 'PROTBENCH_SCRIPT_COMMIT', value: 'a84759b82298ccfdc41dabd4ce17fc401f10e49d' },
    { name: 'PROTBENCH_SCRIPT_PATH', value: 'umbrella-scripts/run-umbrella-window.py' },
    {
      name: 'PROTBENCH_REQUIRED_FILES',
      value: [`${SYSTEM}/setup/`, `${SYSTEM}/replica-${replica}/${SYSTEM}-equilibration-1.xml`, `${SYSTEM}/replica-${replica}/${SYSTEM}-window-${ww}.pdb`, `${SYSTEM}/replica-${replica}/window-${ww}/`].join('\n'),
    },
  ];
  const spec = job.spec?.template.spec;
  for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) c.env = [...(c.env ?? []), ...env];
  if (opts.cudaMinor) {
    const expr = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchExpressions?.[1];
    if (expr) expr.values = [opts.cudaMinor];
  }
  return job;
}

export function windowPath(replica: number, window: number, suffix: string): string {
  return `/results/${SYSTEM}/replica-${replica}/window-${String(window).padStart(2, '0')}/${SYSTEM}-${suffix}`;
}
