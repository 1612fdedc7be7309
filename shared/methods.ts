// The names of every call and event, without their schemas. The renderer and the Electron preload need only
// the names, and importing them from here keeps zod out of the UI bundle and the preload (faster start-up).
// The compile-time checks below fail the build if this list and shared/contract.ts ever disagree.
import type { EventName, Method } from './contract.js';

export const METHODS = [
  'app.info',
  'projects.list',
  'projects.get',
  'projects.create',
  'projects.rename',
  'projects.describe',
  'projects.setTags',
  'projects.setArchived',
  'projects.delete',
  'targets.list',
  'targets.create',
  'targets.update',
  'targets.delete',
  'targets.attachSecret',
  'targets.detachSecret',
  'targets.check',
  'jobs.list',
  'activity.list',
  'secrets.store',
  'secrets.list',
  'secrets.delete',
  'reproduce.inspect',
  'reproduce.managers',
  'reproduce.planRecreate',
  'reproduce.recreate',
  'reproduce.runs',
  'reproduce.cancel',
  'reproduce.getRepo',
  'reproduce.setRepo',
  'reproduce.script',
  'reproduce.run',
  'reproduce.runHelper',
  'reproduce.compare',
  'ssh.hostKeys',
  'ssh.trustHostKey',
  'ssh.forgetHostKey',
  'ssh.configHosts',
  'ssh.answerPrompt',
  'clusters.status',
  'slurm.preview',
  'slurm.submit',
  'slurm.act',
  'slurm.job',
  'slurm.foreign',
  'slurm.adopt',
  'slurm.poll',
  'files.list',
  'files.jobFiles',
  'files.tail',
  'files.download',
  'files.copy',
  'transfers.list',
  'transfers.cancel',
  'transfers.resume',
  'tunnels.list',
  'tunnels.create',
  'tunnels.start',
  'tunnels.stop',
  'tunnels.delete',
  'fleets.preview',
  'fleets.importCompose',
  'kube.contexts',
  'kube.nodes',
  'umbrella.preview',
  'umbrella.bucketImport',
  'umbrella.inputs',
  'umbrella.manifests',
  'umbrella.uploadInputs',
  'umbrella.bucketList',
  'umbrella.downloadResults',
  'umbrella.cancelDownload',
  'umbrella.launch',
  'umbrella.list',
  'umbrella.get',
  'umbrella.act',
  'umbrella.extend',
  'umbrella.logs',
  'umbrella.saveLog',
  'umbrella.history',
  'umbrella.histogram',
] as const satisfies readonly Method[];

export const EVENT_NAMES = [
  'projects.changed',
  'targets.changed',
  'jobs.changed',
  'activity.appended',
  'notice',
  'run.output',
  'run.finished',
  'ssh.prompt',
  'clusters.status',
  'transfers.changed',
  'tunnels.changed',
  'tunnels.removed',
  'umbrella.download',
  'umbrella.changed',
] as const satisfies readonly EventName[];

// Every contract method and event must be listed above.
type Unlisted<All, Listed> = Exclude<All, Listed>;
const allMethodsListed: Unlisted<Method, (typeof METHODS)[number]> extends never ? true : never = true;
const allEventsListed: Unlisted<EventName, (typeof EVENT_NAMES)[number]> extends never ? true : never = true;
void allMethodsListed;
void allEventsListed;

const eventSet = new Set<string>(EVENT_NAMES);
export const isEventName = (name: unknown): name is EventName => typeof name === 'string' && eventSet.has(name);

/** The IPC channel of a call in the Electron shell; the browser shell uses /api/<method>. */
export const channelOf = (m: Method) => `simdeck:${m}`;
export const EVENT_CHANNEL = 'simdeck:event';
