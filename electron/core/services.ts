// Everything a handler may use, built once per core.
import type { EventName, EventPayload } from '../../shared/contract.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { Activity } from '../workspace/activity.js';
import type { Db } from '../workspace/db.js';
import type { Jobs } from '../workspace/jobs.js';
import type { Projects } from '../workspace/projects.js';
import type { Targets } from '../workspace/targets.js';
import type { AdapterContext, Logger } from './adapter.js';

export interface CoreInfo {
  shell: 'electron' | 'browser';
  version: string;
  workspaceDir: string;
  secretsBackend: string;
}

export interface Services {
  info: CoreInfo;
  db: Db;
  projects: Projects;
  targets: Targets;
  jobs: Jobs;
  activity: Activity;
  secrets: SecretStore;
  log: Logger;
  adapterContext: AdapterContext;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}
