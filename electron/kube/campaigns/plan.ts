// What a campaign will apply: one manifest per replica × window, each validated against the Kubernetes OpenAPI
// schema, its Job name and provenance path, and the warnings a careful researcher wants before launching.
import os from 'node:os';
import path from 'node:path';
import type { CampaignSpec, ManifestPreview, UmbrellaWindow } from '../../../shared/kube.js';
import { ApiError } from '../../../shared/errors.js';
import { assertValidJob, renderWindowManifest, systemName, toYaml } from '../umbrella/manifest.js';
import { provenancePath } from '../umbrella/provenance.js';
import type { IJob } from 'kubernetes-models/batch/v1/Job';

export interface PlannedWindow extends ManifestPreview {
  centre: number;
  job: IJob;
}

/** ~/SimDeck/<project>/results unless the spec names a folder. */
export function resultsDirFor(spec: CampaignSpec, projectName: string): string {
  if (spec.resultsDir) return path.resolve(spec.resultsDir.startsWith('~/') ? path.join(os.homedir(), spec.resultsDir.slice(2)) : spec.resultsDir);
  const safe = projectName.replace(/[/\\:*?"<>|\0]/g, '_').trim() || 'project';
  return path.join(os.homedir(), 'SimDeck', safe, 'results');
}

export function planWindow(spec: CampaignSpec, campaignId: string, namespace: string, resultsDir: string, replica: number, w: UmbrellaWindow): PlannedWindow {
  const job = assertValidJob(renderWindowManifest(spec, campaignId, replica, w, { namespace }));
  return {
    replica,
    window: w.index,
    centre: w.centre,
    jobName: job.metadata?.name ?? '',
    provenancePath: provenancePath(resultsDir, spec, replica, w),
    yaml: toYaml(job),
    job,
  };
}

export function planCampaign(spec: CampaignSpec, campaignId: string, namespace: string, resultsDir: string, replicas: number[] = range(1, spec.replicas)): PlannedWindow[] {
  const indices = new Set<number>();
  for (const w of spec.windows) {
    if (indices.has(w.index)) throw new ApiError('INVALID_INPUT', `Window ${w.index} is listed twice.`, { field: 'windows' });
    indices.add(w.index);
  }
  const out: PlannedWindow[] = [];
  for (const r of replicas) for (const w of spec.windows) out.push(planWindow(spec, campaignId, namespace, resultsDir, r, w));
  const byName = new Map<string, PlannedWindow>();
  for (const p of out) {
    const other = byName.get(p.jobName);
    if (other) throw new ApiError('INVALID_INPUT', `Replica ${p.replica} window ${p.window} and replica ${other.replica} window ${other.window} would get the same Job name ${p.jobName}.`);
    byName.set(p.jobName, p);
  }
  return out;
}

export function campaignWarnings(spec: CampaignSpec, planned: PlannedWindow[]): string[] {
  const warnings: string[] = [];
  if (!/@sha256:[0-9a-f]{64}$/.test(spec.image)) {
    warnings.push(`The image ${spec.image} is not pinned to a digest: a rebuilt image would change what a restart runs. Pin it (image@sha256:…) to make the run reproducible.`);
  }
  if (/@[A-Za-z][\w.-]*$/.test(spec.pipInstall) && !/@[0-9a-f]{40}$/.test(spec.pipInstall)) {
    warnings.push(`The main container installs ${spec.pipInstall}, a moving branch: pin a commit (…@<sha1>) so every window runs the same library.`);
  }
  if (spec.ttlSecondsAfterFinished === null) {
    warnings.push('Finished Jobs stay in the namespace (no TTL): relaunching a window needs its Job deleted first (SimDeck\'s Restart does that).');
  }
  if (spec.cuda === null && spec.resources.gpu > 0) warnings.push('No CUDA version affinity: a pod may land on a node whose CUDA runtime the image cannot use.');
  const shortened = planned.filter((p) => /-[0-9a-f]{8}$/.test(p.jobName));
  if (shortened.length) {
    warnings.push(`${shortened.length} Job names were longer than Kubernetes' 63 characters and were shortened with a hash (e.g. ${shortened[0]!.jobName}); the exact values are in the labels and annotations.`);
  }
  return warnings;
}

export function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}

export { systemName };
