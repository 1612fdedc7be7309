// Builds SimDeck's core for one workspace: database, vault, log, backends and the router. The shells (Electron,
// browser) only move calls and events in and out of it.
import path from 'node:path';
import type { EventName } from '../../shared/contract.js';
import type { Envelope } from '../../shared/transport.js';
import { SecretStore } from '../secrets/secret-store.js';
import type { Vault } from '../secrets/vault.js';
import { Activity } from '../workspace/activity.js';
import { openWorkspaceDb } from '../workspace/db.js';
import { Jobs } from '../workspace/jobs.js';
import { Projects } from '../workspace/projects.js';
import { Targets } from '../workspace/targets.js';
import { createActivityRecorder } from './activity-recorder.js';
import { disposeAdapters } from './adapters.js';
import { miscHandlers } from './handlers/misc.js';
import { projectHandlers } from './handlers/projects.js';
import { targetHandlers } from './handlers/targets.js';
import { createFileLogger } from './logger.js';
import { Redactor } from './redactor.js';
import { createRouter, type Handlers } from './router.js';
import type { Services } from './services.js';

export interface CoreOptions {
  shell: 'electron' | 'browser';
  version: string;
  workspaceDir: string;
  vault: Vault;
  emit: (event: EventName, payload: unknown) => void;
  logToStderr?: boolean;
}

export interface Core {
  call(method: string, params: unknown): Promise<Envelope>;
  close(): Promise<void>;
  logFile: string;
}

export function createCore(opts: CoreOptions): Core {
  const redactor = new Redactor();
  const log = createFileLogger(path.join(opts.workspaceDir, 'logs'), redactor, opts.logToStderr);
  const db = openWorkspaceDb(opts.workspaceDir);
  const activity = new Activity(db);
  const secrets = new SecretStore(db, opts.vault, redactor);
  const s: Services = {
    info: { shell: opts.shell, version: opts.version, workspaceDir: opts.workspaceDir, secretsBackend: opts.vault.backend },
    db,
    projects: new Projects(db),
    targets: new Targets(db),
    jobs: new Jobs(db),
    activity,
    secrets,
    log,
    emit: (event, payload) => opts.emit(event, payload),
    adapterContext: {
      activity: createActivityRecorder(activity, redactor, (e) => opts.emit('activity.appended', e)),
      secrets,
      log,
    },
  };
  const handlers: Handlers = { ...miscHandlers(s), ...projectHandlers(s), ...targetHandlers(s) };
  const router = createRouter(handlers, log);
  log.info('core started', { shell: opts.shell, version: opts.version, workspace: opts.workspaceDir, vault: opts.vault.backend });
  return {
    call: router,
    logFile: log.file,
    async close() {
      await disposeAdapters();
      db.close();
      log.info('core stopped');
    },
  };
}
