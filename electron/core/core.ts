// Builds SimDeck's core for one workspace: database, vault, log, backends and the router. The shells (Electron,
// browser) only move calls and events in and out of it.
import path from 'node:path';
import type { AppErrorReport } from '../../shared/app.js';
import { events, type EventName } from '../../shared/contract.js';
import type { Envelope } from '../../shared/transport.js';
import { SecretStore } from '../secrets/secret-store.js';
import type { Vault } from '../secrets/vault.js';
import { Activity } from '../workspace/activity.js';
import { openWorkspaceDb } from '../workspace/db.js';
import { lockWorkspace } from '../workspace/lock.js';
import { Settings } from '../workspace/settings.js';
import { ReproduceService } from '../reproduce/service.js';
import { Jobs } from '../workspace/jobs.js';
import { Projects } from '../workspace/projects.js';
import { Targets } from '../workspace/targets.js';
import { createActivityRecorder } from './activity-recorder.js';
import { disposeAdapters } from './adapters.js';
import { appHandlers } from './handlers/app.js';
import { miscHandlers } from './handlers/misc.js';
import { projectHandlers } from './handlers/projects.js';
import { reproduceHandlers } from './handlers/reproduce.js';
import { slurmHandlers } from './handlers/slurm.js';
import { filesHandlers } from './handlers/files.js';
import { tunnelsHandlers } from './handlers/tunnels.js';
import { kubeHandlers } from './handlers/kube.js';
import { fleetHandlers } from './handlers/fleets.js';
import { createUmbrellaBackend } from '../kube/campaigns/backend.js';
import type { UmbrellaServiceOptions } from '../kube/campaigns/service.js';
import { createFleetBackend } from '../fleets/backend.js';
import { createFahBackend } from '../fah/backend.js';
import type { FahServiceOptions } from '../fah/service.js';
import { fahHandlers } from './handlers/fah.js';
import { createMonitorBackend } from '../metrics/backend.js';
import type { MonitorServiceOptions } from '../metrics/service.js';
import { monitorHandlers } from './handlers/monitor.js';
import type { FleetServiceOptions } from '../fleets/service.js';
import { createFilesBackend } from '../files/backend.js';
import { createTunnelsBackend } from '../tunnels/backend.js';
import { createSlurmBackend } from './slurm-backend.js';
import { targetHandlers } from './handlers/targets.js';
import { createFileLogger } from './logger.js';
import { Redactor } from './redactor.js';
import { createRouter, type Handlers } from './router.js';
import { scrubSecrets } from './scrub.js';
import type { Services } from './services.js';
import { describeError, ErrorRing, newReport, type UnhandledKind } from './unhandled.js';

export interface CoreOptions {
  shell: 'electron' | 'browser';
  version: string;
  workspaceDir: string;
  vault: Vault;
  emit: (event: EventName, payload: unknown) => void;
  logToStderr?: boolean;
  /** Tuning of the umbrella service (tests run the progress reader faster). */
  umbrella?: UmbrellaServiceOptions;
  /** Tuning of the fleet observers (tests look more often). */
  fleets?: FleetServiceOptions;
  /** Tuning of the Folding@home service (tests poll faster, download elsewhere). */
  fah?: FahServiceOptions;
  /** Tuning of the Monitor's samplers. */
  monitor?: MonitorServiceOptions;
  /** Unexpected errors reported before this core started (by an earlier core of the same shell), newest first. */
  errors?: AppErrorReport[];
}

export interface Core {
  call(method: string, params: unknown): Promise<Envelope>;
  close(): Promise<void>;
  logFile: string;
  /** Logs, records and announces an error nobody caught (see unhandled.ts); the core goes on running. */
  reportUnhandled(err: unknown, kind: UnhandledKind): AppErrorReport;
}

export function createCore(opts: CoreOptions): Core {
  const startedAt = Date.now();
  const unlock = lockWorkspace(opts.workspaceDir);
  const redactor = new Redactor();
  const log = createFileLogger(path.join(opts.workspaceDir, 'logs'), redactor, opts.logToStderr);
  let db: ReturnType<typeof openWorkspaceDb>;
  try {
    db = openWorkspaceDb(opts.workspaceDir);
  } catch (err) {
    unlock();
    throw err;
  }
  // Events are checked against the contract where they are made, so the UI can trust their shape.
  // The Monitor's alert rules watch what the core emits (job states, crash loops, reachability, certificates).
  let tap: (event: EventName, payload: unknown) => void = () => undefined;
  const emit = (event: EventName, payload: unknown) => {
    const checked = events[event].safeParse(payload);
    if (checked.success) {
      opts.emit(event, checked.data);
      tap(event, checked.data);
    } else log.error('refused to emit an event that breaks the contract', { event });
  };
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
    emit,
    adapterContext: {
      activity: createActivityRecorder(activity, redactor, (e) => emit('activity.appended', e)),
      secrets,
      log,
    },
  };
  const settings = new Settings(db);
  // Reports that ended an earlier core (carried over by the shell) come first, so app.errors still explains a restart.
  const errors = new ErrorRing([...(opts.errors ?? [])].reverse());
  const reproduce = new ReproduceService({
    workspaceDir: opts.workspaceDir,
    emit,
    activity: s.adapterContext.activity,
    settings,
    assertProject: (id) => void s.projects.get(id),
    log,
  });
  const slurm = createSlurmBackend(s);
  s.adapterContext.ssh = slurm.pool;
  // Clusters with unfinished jobs are watched from the start; a crash between intent and sbatch is reconciled here.
  void slurm.refreshPolling().catch((err: unknown) => log.warn('slurm polling did not start', { error: String(err) }));
  const files = createFilesBackend(s, slurm.pool);
  const tunnels = createTunnelsBackend(s, slurm.pool);
  void tunnels.startAuto().catch((err: unknown) => log.warn('tunnels did not start', { error: String(err) }));
  const umbrella = createUmbrellaBackend(s, opts.umbrella);
  void umbrella.resume().catch((err: unknown) => log.warn('umbrella watches did not start', { error: String(err) }));
  const fleets = createFleetBackend(s, { slurm, files, tunnels }, opts.fleets ?? fleetTuningFromEnv());
  void fleets.resume().catch((err: unknown) => log.warn('fleet observers did not start', { error: String(err) }));
  const fah = createFahBackend(s, opts.fah);
  void fah.start().catch((err: unknown) => log.warn('Folding@home service did not start', { error: String(err) }));
  const monitor = createMonitorBackend(s, slurm.pool, opts.monitor);
  tap = (event, payload) => monitor.onEvent(event, payload);
  void monitor.start().catch((err: unknown) => log.warn('Monitor did not start', { error: String(err) }));
  const handlers: Handlers = {
    ...appHandlers(s, { settings, errors, redactor, logFile: log.file, startedAt }),
    ...miscHandlers(s),
    ...projectHandlers(s),
    ...targetHandlers(s, { fah: async (t) => (await fah.service()).check(t) }),
    ...reproduceHandlers(reproduce),
    ...slurmHandlers(s, slurm),
    ...filesHandlers(files),
    ...tunnelsHandlers(tunnels),
    ...kubeHandlers(s, umbrella),
    ...fleetHandlers(s, fleets),
    ...fahHandlers(fah),
    ...monitorHandlers(s, monitor),
  };
  const router = createRouter(handlers, log);
  log.info('core started', { shell: opts.shell, version: opts.version, workspace: opts.workspaceDir, vault: opts.vault.backend });
  return {
    call: router,
    logFile: log.file,
    reportUnhandled(err, kind) {
      const { message, stack } = describeError(err);
      const what = kind === 'exception' ? 'uncaught exception; the core will restart' : 'unhandled promise rejection';
      // The message may quote a remote reply or a URL; the log keeps only what the scrubber lets through.
      log.error(what, { error: scrubSecrets(message), stack: stack && scrubSecrets(stack) });
      const report = newReport('core', scrubSecrets(redactor.text(message)), kind === 'exception');
      errors.add(report);
      emit('app.error', report);
      return report;
    },
    async close() {
      await monitor.close();
      await fah.close();
      await fleets.close();
      await umbrella.close();
      await tunnels.close();
      await files.close();
      await slurm.close();
      await disposeAdapters();
      db.close();
      unlock();
      log.info('core stopped');
    },
  };
}

/** SIMDECK_FLEET_INTERVAL_MS / SIMDECK_FLEET_SAMPLE_MS: faster fleet looks for the browser-shell tests. */
function fleetTuningFromEnv(env: NodeJS.ProcessEnv = process.env): FleetServiceOptions {
  const n = (v: string | undefined) => (v && /^\d+$/.test(v) ? Number(v) : undefined);
  const out: FleetServiceOptions = {};
  const interval = n(env.SIMDECK_FLEET_INTERVAL_MS);
  const sample = n(env.SIMDECK_FLEET_SAMPLE_MS);
  if (interval !== undefined) out.intervalMs = interval;
  if (sample !== undefined) out.sampleMs = sample;
  return out;
}
