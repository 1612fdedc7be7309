// The one contract between SimDeck's UI and its core. Every call the UI can make and every event the core can
// push is listed here with zod schemas. The router validates against it, the Electron preload exposes one function
// per call from it, and the renderer's typed client is generated from it. To add a call: add it here, implement it
// in a handler module under electron/core/handlers, and the shells and client pick it up.
import { z } from 'zod';
import {
  ActivityEntry,
  Job,
  JobState,
  JobTransition,
  Project,
  ProjectName,
  SecretInfo,
  Tag,
  Target,
  TargetCheck,
  TargetKind,
  TargetSettings,
} from './domain.js';
import { EnvironmentManager, InstalledManager, RecordView, RecreatePlan, RunInfo, ScoreComparison } from './reproduce.js';
import { ResultsDownload, Campaign, CampaignPreview, CampaignSpec, GpuNode, HistogramView, ProgressSample, UmbrellaWindow, WindowAction, WindowRef, WindowStatus } from './kube.js';
import { Fleet, FleetDeploySpec, FleetMember, FleetMemberAction, FleetPlan, FleetSample, FleetSpec, SwarmNodeInfo } from './fleet.js';
import { FahCertInfo, FahJob, FahJobAction, FahJobFile, FahJobRef, FahProgressSample, FahProjectData, FahProjectView, FahWorkPoint, prcgId } from './fah.js';
import { SeriesQuery, TargetSummary } from './monitor.js';
import { ActivitySummary, AppErrorReport, AppSettings, OpenRequest, UpdateSettings, UpdateStatus } from './app.js';
import { AlertEvent, AlertRule, AlertRules } from './alerts.js';
import { DirListing, JobFiles, RemotePath, TailChunk, Transfer, TunnelCreate, TunnelInfo } from './files.js';
import { ActionResult, ClusterStatus, ForeignJob, HostKeyEntry, JobAction, SshConfigHost, SshPrompt, SubmitRequest } from './slurm.js';

const id = z.string().min(1, 'an id is required').max(64);
const none = z.object({}).strict();

/** A file the core should read: a path on this machine (Electron, CLI) or a file uploaded to the browser shell. */
const FileSource = z.union([
  z.object({ path: z.string().min(1, 'a file path is required') }).strict(),
  z.object({ uploadId: z.string().uuid('not an upload id') }).strict(),
]);
const decoyName = z.string().min(1).max(500).optional();
const dir = z.string().min(1, 'choose a folder');

const InspectResult = z.object({
  file: z.string(),
  format: z.string(),
  layers: z.array(z.string()),
  decoys: z.array(z.string()),
  view: RecordView.nullable(),
  notes: z.array(z.string()),
  init: z
    .object({
      author: z.string(),
      email: z.string(),
      license: z.string(),
      pyrosettaBuild: z.string(),
      datetime: z.string(),
      options: z.record(z.string(), z.unknown()),
      files: z.array(z.object({ option: z.string(), name: z.string(), bytes: z.number(), kind: z.string() })),
      numPoses: z.number(),
      metadata: z.record(z.string(), z.unknown()),
    })
    .nullable(),
  needsHelper: z.object({ reason: z.string() }).nullable(),
});

/** A compose file to deploy as a fleet (its name is the compose project / stack namespace). */
const ComposeSource = z.object({
  projectId: id,
  targetId: id,
  name: z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a fleet name is lowercase letters, digits, "-" and "_" (at most 40)'),
  text: z.string().min(1, 'the compose file is empty').max(2_000_000),
  env: z.record(z.string(), z.string()).default({}),
});

function call<P extends z.ZodType, R extends z.ZodType>(params: P, result: R, doc: string) {
  return { params, result, doc };
}

export const calls = {
  'app.info': call(
    none,
    z.object({
      name: z.string(),
      version: z.string(),
      shell: z.enum(['electron', 'browser']),
      workspaceDir: z.string(),
      secretsBackend: z.string(),
      platform: z.string(),
    }),
    'Version, shell and workspace location.',
  ),
  'app.settings': call(none, AppSettings, 'App settings kept in the workspace (updates on or off, the update feed).'),
  'app.setSettings': call(
    z.object({ updates: UpdateSettings.partial().optional() }).strict(),
    AppSettings,
    'Change app settings; the Electron shell applies update settings at once.',
  ),
  'app.summary': call(none, ActivitySummary, 'Running, pending and recently failed work, for the tray and the dock badge.'),
  'app.errors': call(none, z.array(AppErrorReport), 'Unexpected errors since the core started, newest first.'),
  'app.diagnostics': call(
    none,
    z.object({ text: z.string() }),
    'A plain-text report to paste into a bug report: versions, platform, recent errors and log lines, with secrets removed.',
  ),

  'projects.list': call(
    z.object({ includeArchived: z.boolean().default(false) }).strict(),
    z.array(Project),
    'Projects, newest first; archived ones only when asked.',
  ),
  'projects.get': call(z.object({ id }).strict(), Project, 'One project.'),
  'projects.create': call(
    z.object({ name: ProjectName, description: z.string().max(4000).default(''), tags: z.array(Tag).max(32).default([]) }).strict(),
    Project,
    'Create a project. Names are unique among projects.',
  ),
  'projects.rename': call(z.object({ id, name: ProjectName }).strict(), Project, 'Rename a project.'),
  'projects.describe': call(
    z.object({ id, description: z.string().max(4000, 'a description is at most 4000 characters') }).strict(),
    Project,
    'Set the free-text description.',
  ),
  'projects.setTags': call(z.object({ id, tags: z.array(Tag).max(32) }).strict(), Project, 'Replace the tags.'),
  'projects.setArchived': call(
    z.object({ id, archived: z.boolean() }).strict(),
    Project,
    'Archive (hide from the default list, keep everything) or restore a project.',
  ),
  'projects.delete': call(
    z.object({ id, confirmName: z.string() }).strict(),
    z.object({ deleted: z.literal(true) }),
    'Delete a project and its finished jobs. confirmName must repeat the project name; refused while jobs run.',
  ),

  'targets.list': call(none, z.array(Target), 'Compute targets.'),
  'targets.create': call(
    z.object({ name: ProjectName, kind: TargetKind, settings: TargetSettings.default({}) }).strict(),
    Target,
    'Add a compute target (connection settings only; secrets go through secrets.store).',
  ),
  'targets.update': call(
    z.object({ id, name: ProjectName.optional(), settings: TargetSettings.optional() }).strict(),
    Target,
    'Change a target name or settings.',
  ),
  'targets.delete': call(
    z.object({ id, confirmName: z.string() }).strict(),
    z.object({ deleted: z.literal(true) }),
    'Remove a target; refused while it has active jobs.',
  ),
  'targets.attachSecret': call(
    z.object({ id, role: z.enum(['password', 'keyPassphrase', 'privateKey', 'token', 'clientKey']), secretId: id }).strict(),
    Target,
    'Link a stored secret to a target for a role.',
  ),
  'targets.detachSecret': call(
    z.object({ id, role: z.string().min(1) }).strict(),
    Target,
    'Unlink the secret of a role from a target (the secret itself stays in the vault until deleted).',
  ),
  'targets.check': call(
    z.object({ id }).strict(),
    TargetCheck,
    'Connect to the target and report what is there (e.g. sinfo over SSH, containers in Docker).',
  ),

  'jobs.list': call(
    z
      .object({
        projectId: id.optional(),
        targetId: id.optional(),
        states: z.array(JobState).optional(),
        limit: z.number().int().min(1).max(200_000).default(500),
      })
      .strict(),
    z.array(Job),
    'Jobs across all backends, newest first.',
  ),

  'activity.list': call(
    z.object({ beforeId: z.number().int().optional(), limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    z.array(ActivityEntry),
    'Activity log of every action that touched a remote system, newest first.',
  ),

  'secrets.store': call(
    z.object({ label: z.string().trim().min(1).max(200), value: z.string().min(1, 'the secret is empty') }).strict(),
    SecretInfo,
    'Encrypt and store a secret. Its value never comes back to the UI.',
  ),
  'secrets.list': call(none, z.array(SecretInfo), 'Stored secrets (labels only).'),
  'secrets.delete': call(z.object({ id }).strict(), z.object({ deleted: z.literal(true) }), 'Forget a secret.'),

  'reproduce.inspect': call(
    z.object({ source: FileSource, decoyName }).strict(),
    InspectResult,
    'Read a PyRosettaCluster result file (decoy, scorefile, .init, pose) and show its record. Never executes anything.',
  ),
  'reproduce.managers': call(none, z.array(InstalledManager), 'Environment managers found on this machine, with versions.'),
  'reproduce.planRecreate': call(
    z.object({ source: FileSource, decoyName, dir, manager: EnvironmentManager.optional() }).strict(),
    RecreatePlan,
    'What recreating the environment will write and run, for the researcher to confirm.',
  ),
  'reproduce.recreate': call(
    z.object({ source: FileSource, decoyName, dir, manager: EnvironmentManager.optional(), confirm: z.literal(true) }).strict(),
    RunInfo,
    'Write the environment files and run the manager (after confirmation); output streams as run.output events.',
  ),
  'reproduce.runs': call(none, z.array(RunInfo), 'Recreate and reproduce runs of this session.'),
  'reproduce.cancel': call(z.object({ runId: z.string() }).strict(), RunInfo, 'Stop a run and everything it started.'),
  'reproduce.getRepo': call(z.object({ projectId: z.string() }).strict(), z.object({ url: z.string().nullable() }), 'The repository URL remembered for a project.'),
  'reproduce.setRepo': call(
    z.object({ projectId: z.string(), url: z.string().min(1) }).strict(),
    z.object({ url: z.string() }),
    'Remember the repository of a project (records only hold the commit SHA1).',
  ),
  'reproduce.script': call(
    z
      .object({
        source: FileSource,
        decoyName,
        repoUrl: z.string().min(1),
        workDir: dir,
        envDir: dir,
        manager: EnvironmentManager.optional(),
        protocolsModule: z.string().regex(/^[A-Za-z_][\w.]*$/, 'a Python module name, e.g. my_protocols').optional(),
      })
      .strict(),
    z.object({ gitCommands: z.array(z.string()), script: z.string(), scriptPath: z.string(), runCommand: z.string() }),
    'The git commands and the reproduce() script for a record, written into the work folder.',
  ),
  'reproduce.run': call(
    z.object({ source: FileSource, decoyName, workDir: dir, envDir: dir, manager: EnvironmentManager.optional(), confirm: z.literal(true) }).strict(),
    RunInfo,
    'Run the generated script in the recreated environment; output streams as run.output events.',
  ),
  'reproduce.runHelper': call(
    z
      .object({
        source: FileSource,
        decoyName,
        python: z.string().min(1, 'the Python that has PyRosetta'),
        helperScript: z.string().min(1, 'the path of dump_env_file.py'),
        envDir: dir,
        confirm: z.literal(true),
      })
      .strict(),
    RunInfo,
    "Run the official dump_env_file.py with the researcher's Python (for records SimDeck cannot read without PyRosetta).",
  ),
  'reproduce.compare': call(
    z.object({ original: FileSource, decoyName, reproduced: FileSource }).strict(),
    ScoreComparison,
    'Compare the record of a reproduced decoy with the original, scores side by side.',
  ),

  'ssh.hostKeys': call(none, z.array(HostKeyEntry), "Host keys SimDeck trusts (its own store; ~/.ssh/known_hosts is read, never written)."),
  'ssh.trustHostKey': call(
    z.object({ host: z.string().min(1), port: z.number().int().min(1).max(65535), keyType: z.string().min(1), keyBase64: z.string().min(1), fingerprint: z.string().min(1) }).strict(),
    HostKeyEntry,
    'Trust a host key the researcher checked (trust on first use). Refused if the host already has a different key.',
  ),
  'ssh.forgetHostKey': call(
    z.object({ host: z.string(), port: z.number().int(), keyType: z.string() }).strict(),
    z.object({ deleted: z.literal(true) }),
    "Forget a host key SimDeck trusted (after the cluster's admins confirm a re-keyed server).",
  ),
  'ssh.configHosts': call(
    z.object({ path: z.string().optional() }).strict(),
    z.array(SshConfigHost),
    'Host entries of ~/.ssh/config (or another file), to import as cluster profiles.',
  ),
  'ssh.answerPrompt': call(
    z.object({ promptId: z.string(), answers: z.array(z.string()) }).strict(),
    z.object({ ok: z.literal(true) }),
    'Answer keyboard-interactive (2FA) questions; the answers go straight to the server and are never stored.',
  ),

  'clusters.status': call(none, z.array(ClusterStatus), 'Connection state of every SLURM cluster.'),
  'slurm.preview': call(
    SubmitRequest,
    z.object({ scripts: z.array(z.object({ targetId: z.string(), path: z.string(), text: z.string() })), commands: z.array(z.string()) }),
    'The scripts and commands a submission would use, per cluster, before anything is sent.',
  ),
  'slurm.submit': call(SubmitRequest, z.array(Job), 'Submit a job (or an array) to one or several clusters.'),
  'slurm.act': call(
    z.object({ jobIds: z.array(z.string()).min(1), action: JobAction, script: z.string().max(1_000_000).optional() }).strict(),
    z.array(ActionResult),
    'Cancel, hold, release or resubmit jobs; each result carries the equivalent shell command.',
  ),
  'slurm.job': call(
    z.object({ jobId: z.string() }).strict(),
    z.object({ job: Job, transitions: z.array(JobTransition), script: z.string().nullable(), activity: z.array(ActivityEntry) }),
    "A job's script, state timeline and the commands SimDeck ran for it.",
  ),
  'slurm.foreign': call(z.object({ targetId: z.string() }).strict(), z.array(ForeignJob), 'Jobs on a cluster that SimDeck did not submit.'),
  'slurm.adopt': call(
    z.object({ targetId: z.string(), projectId: z.string(), remoteIds: z.array(z.string()).min(1) }).strict(),
    z.array(Job),
    'Take foreign jobs under SimDeck watch, in a project.',
  ),
  'slurm.poll': call(z.object({ targetId: z.string().optional() }).strict(), z.object({ ok: z.literal(true) }), 'Poll now instead of waiting for the next cycle.'),

  'files.list': call(
    z.object({ targetId: id, path: RemotePath }).strict(),
    DirListing,
    'List a folder on a cluster (SFTP); "~" is the home folder.',
  ),
  'files.jobFiles': call(z.object({ jobId: id }).strict(), JobFiles, "Where a job's work folder, stdout and stderr files are."),
  'files.tail': call(
    z
      .object({
        targetId: id,
        path: RemotePath,
        /** Byte offset to continue from; omitted: the last maxBytes of the file. */
        from: z.number().int().nonnegative().optional(),
        maxBytes: z.number().int().min(1).max(1024 * 1024).default(64 * 1024),
      })
      .strict(),
    TailChunk,
    'Read the end of a growing file (a job\'s output), or what was appended since an offset.',
  ),
  'files.download': call(
    z.object({ targetId: id, path: RemotePath, localDir: z.string().min(1).optional() }).strict(),
    Transfer,
    'Download a file or folder from a cluster to this machine (default ~/Downloads/SimDeck); progress as transfers.changed.',
  ),
  'files.copy': call(
    z.object({ fromTargetId: id, fromPath: RemotePath, toTargetId: id, toDir: RemotePath }).strict(),
    Transfer,
    'Copy a file or folder from one cluster into a folder on another, streamed through SimDeck, resumable.',
  ),
  'transfers.list': call(none, z.array(Transfer), 'Downloads and copies, newest first.'),
  'transfers.cancel': call(z.object({ id }).strict(), Transfer, 'Stop a transfer; what was copied stays so it can be resumed.'),
  'transfers.resume': call(z.object({ id }).strict(), Transfer, 'Continue a paused, failed or cancelled transfer from where it stopped.'),

  'tunnels.list': call(none, z.array(TunnelInfo), 'Named port forwards through clusters, with their state.'),
  'tunnels.create': call(TunnelCreate, TunnelInfo, 'Add a named forward 127.0.0.1:localPort → remoteHost:remotePort via a cluster, and start it.'),
  'tunnels.start': call(z.object({ id }).strict(), TunnelInfo, 'Start listening (again).'),
  'tunnels.stop': call(z.object({ id }).strict(), TunnelInfo, 'Stop listening and close its connections; the tunnel stays defined.'),
  'tunnels.delete': call(z.object({ id }).strict(), z.object({ deleted: z.literal(true) }), 'Stop and forget a tunnel.'),

  'fleets.preview': call(
    z.object({ spec: FleetSpec, gpuCount: z.number().int().min(0).max(64).optional() }).strict(),
    FleetPlan,
    "Everything a fleet deploy would create on its target (local Docker, Swarm), with each object's CLI equivalent, before anything is sent.",
  ),
  'fleets.importCompose': call(
    z.object({ text: z.string().min(1, 'the compose file is empty').max(2_000_000), mode: z.enum(['compose', 'stack']).default('compose'), env: z.record(z.string(), z.string()).default({}) }).strict(),
    z.object({
      services: z.array(z.object({ name: z.string(), image: z.string().nullable(), replicas: z.number().nullable(), mode: z.string().nullable() })),
      volumes: z.array(z.string()),
      networks: z.array(z.string()),
      secrets: z.array(z.string()),
      unsupported: z.array(z.object({ path: z.string(), why: z.string() })),
      warnings: z.array(z.object({ path: z.string(), why: z.string() })),
    }),
    'Read a compose file (e.g. BigChem\'s) and list what SimDeck would deploy and every key it does not support.',
  ),
  'fleets.previewDeploy': call(
    z.object({ spec: FleetDeploySpec, gpuCount: z.number().int().min(0).max(64).optional() }).strict(),
    FleetPlan,
    'What deploying this fleet would create on any target (local Docker, Swarm, or the SLURM array script), with the CLI equivalents.',
  ),
  'fleets.deploy': call(
    z
      .object({
        spec: FleetDeploySpec,
        gpuCount: z.number().int().min(0).max(64).optional(),
        /** The broker's management / Redis password for monitoring; kept in the vault, never in the workspace. */
        monitorPassword: z.string().max(1000).optional(),
        confirm: z.literal(true),
      })
      .strict(),
    Fleet,
    'Deploy a fleet: containers on local Docker, a stack on Swarm, or a worker array through the SLURM backend. A failure halfway removes what was created.',
  ),
  'fleets.previewCompose': call(
    ComposeSource.strict(),
    FleetPlan,
    'What deploying a compose file would create (containers or stack services, with their CLI twins); unsupported keys appear as warnings.',
  ),
  'fleets.deployCompose': call(
    ComposeSource.extend({
      /** The researcher saw the keys SimDeck does not support (fleets.importCompose) and deploys without them. */
      ignoreUnsupported: z.boolean().default(false),
      confirm: z.literal(true),
    }).strict(),
    Fleet,
    'Deploy a compose file like `docker compose up -d` (local Docker) or `docker stack deploy` (Swarm); refused while it has unsupported keys unless ignoreUnsupported.',
  ),
  'fleets.list': call(z.object({ projectId: id.optional() }).strict(), z.array(Fleet), 'Fleets, newest first (removed ones included).'),
  'fleets.get': call(
    z.object({ fleetId: id }).strict(),
    z.object({ fleet: Fleet, members: z.array(FleetMember), nodes: z.array(SwarmNodeInfo) }),
    'A fleet with every member (container, Swarm task or array task) and, on Swarm, the nodes with their GPU resources.',
  ),
  'fleets.scale': call(z.object({ fleetId: id, workers: z.number().int().min(0).max(10_000) }).strict(), Fleet, 'Set the number of workers.'),
  'fleets.act': call(
    z.object({ fleetId: id, members: z.array(z.string().min(1)).min(1).max(1000), action: FleetMemberAction }).strict(),
    z.array(z.object({ member: z.string(), ok: z.boolean(), command: z.string(), message: z.string() })),
    'Restart, stop or remove single workers (containers; on Swarm a restart replaces the task; on SLURM stop/remove cancels the array task).',
  ),
  'fleets.logs': call(
    z.object({ fleetId: id, member: z.string().min(1), tail: z.number().int().min(1).max(100_000).default(500) }).strict(),
    z.object({ member: z.string(), text: z.string() }),
    "A member's log (stdout and stderr demultiplexed; a Swarm service's log; an array task's output file).",
  ),
  'fleets.history': call(z.object({ fleetId: id }).strict(), z.array(FleetSample), 'Samples of workers online, queue depth, consumers, CPU and memory over time (oldest first).'),
  'fleets.teardown': call(
    z.object({ fleetId: id, confirm: z.literal(true) }).strict(),
    Fleet,
    'Remove exactly what the fleet created (containers, networks, volumes by its label; the stack; or scancel the array and close its tunnel).',
  ),
  'fleets.stacks': call(
    z.object({ targetId: id }).strict(),
    z.object({
      stacks: z.array(z.object({ namespace: z.string(), services: z.number().int(), fleetId: z.string().nullable() })),
      routingMesh: z.object({ available: z.boolean(), detail: z.string() }),
    }),
    'Stacks on a Swarm (deployed by SimDeck or by `docker stack deploy`), and whether the ingress routing mesh works there.',
  ),
  'fleets.adoptStack': call(
    z.object({ projectId: id, targetId: id, namespace: z.string().min(1).max(63) }).strict(),
    Fleet,
    'Watch a stack deployed with the docker CLI as a fleet (scale, logs, teardown like `docker stack rm`).',
  ),
  'fah.cert': call(z.object({ targetId: id }).strict(), FahCertInfo.nullable(), "The work server's client certificate: subject, expiry, status and what to do (null before one is imported)."),
  'fah.generateCsr': call(
    z.object({ targetId: id, email: z.string().trim().email('the email you log in to the AS with (CN of the CSR)') }).strict(),
    z.object({ csrPem: z.string(), steps: z.string() }),
    'Make an RSA-4096 key (kept in the vault) and a CSR with CN = your email, to paste into the AS web page.',
  ),
  'fah.pendingCsr': call(
    z.object({ targetId: id }).strict(),
    z.object({ csrPem: z.string() }).nullable(),
    'The CSR SimDeck made whose signed certificate has not been imported yet (null when none is waiting).',
  ),
  'fah.importCert': call(
    z.object({ targetId: id, certPem: z.string().min(1, 'paste or choose the certificate (PEM)'), keyPem: z.string().optional() }).strict(),
    FahCertInfo,
    'Use a certificate chain (with its key, or for the key SimDeck generated); refused unless the key fits and it is valid now.',
  ),
  'fah.renew': call(z.object({ targetId: id }).strict(), FahCertInfo, 'Renew the certificate through the AS now (SimDeck also does it at start and daily).'),
  'fah.projects': call(z.object({ targetId: id }).strict(), z.array(z.object({ id: z.number(), data: z.record(z.string(), z.unknown()) })), 'Projects on the work server.'),
  'fah.project': call(z.object({ targetId: id, project: z.number().int().min(0) }).strict(), FahProjectView, 'A project with the server\'s statistics and SimDeck\'s job counts.'),
  'fah.saveProject': call(
    z.object({ targetId: id, project: z.number().int().min(0).max(1_000_000), data: FahProjectData }).strict(),
    FahProjectView,
    'Create or update a project (PUT ProjectData).',
  ),
  'fah.deleteProject': call(
    z.object({ targetId: id, project: z.number().int().min(0), confirm: z.literal(true) }).strict(),
    z.object({ deleted: z.literal(true) }),
    'Delete a project on the work server.',
  ),
  'fah.createJobs': call(
    z
      .object({
        targetId: id,
        project: z.number().int().min(0),
        run: z.union([z.literal('new'), prcgId]).default('new'),
        clones: z.number().int().min(1).max(65_536),
        files: z.array(FahJobFile).min(1, 'a job needs its files (e.g. core.xml, system.xml.bz2, state.xml.bz2, integrator.xml.bz2)').max(50),
      })
      .strict(),
    z.object({ run: z.number(), clones: z.array(z.number()), jobs: z.array(FahJob) }),
    'Reserve new RUN/CLONE ids (never reused), upload every clone\'s files and create the jobs; a crash mid-way is finished at the next start.',
  ),
  'fah.retryFailed': call(z.object({ targetId: id, project: z.number().int().min(0) }).strict(), z.object({ retried: z.number() }), 'Try again to create the jobs whose creation failed (same ids).'),
  'fah.jobs': call(
    z.object({ targetId: id, project: z.number().int().min(0), state: z.string().max(20).optional() }).strict(),
    z.array(FahJob),
    "SimDeck's jobs in a project (optionally one WS state or creation phase).",
  ),
  'fah.job': call(
    z.object({ targetId: id, project: z.number().int().min(0), run: prcgId, clone: prcgId }).strict(),
    z.object({
      job: FahJob.nullable(),
      ws: z.record(z.string(), z.unknown()).nullable(),
      files: z.array(z.object({ path: z.string(), size: z.number(), modified: z.string() })),
      results: z.array(z.object({ path: z.string(), size: z.number(), modified: z.string() })),
    }),
    'One job: its WS record, the files of its folder and of its results (gen 0).',
  ),
  'fah.act': call(
    z.object({ targetId: id, project: z.number().int().min(0), jobs: z.array(FahJobRef).min(1).max(10_000), action: FahJobAction }).strict(),
    z.array(z.object({ run: z.number(), clone: z.number(), ok: z.boolean(), message: z.string() })),
    'Stop, restart, reset or fail jobs.',
  ),
  'fah.poll': call(z.object({ targetId: id, project: z.number().int().min(0) }).strict(), z.object({ changed: z.number() }), 'Ask the work server for the jobs that changed since the last look.'),
  'fah.history': call(z.object({ targetId: id, project: z.number().int().min(0) }).strict(), z.array(FahProgressSample), 'Job counts by state over time.'),
  'fah.download': call(
    z.object({ targetId: id, project: z.number().int().min(0), run: prcgId, clone: prcgId, gen: z.number().int().min(0).default(0), file: z.string().min(1).max(500) }).strict(),
    z.object({ path: z.string(), bytes: z.number() }),
    'Download a result file (globals.csv, science.log, any gen file) to ~/Downloads/SimDeck/fah; progress as fah.download.',
  ),
  'fah.work': call(
    z.object({ targetId: id, project: z.number().int().min(0), run: prcgId.optional() }).strict(),
    z.object({ points: z.array(FahWorkPoint), problems: z.array(z.string()) }),
    'Forward and reverse nonequilibrium work (kT) of every finished clone, from its globals.csv.',
  ),
  'monitor.dashboard': call(
    z.object({ underusePercent: z.number().min(1).max(100).default(40) }).strict(),
    z.array(TargetSummary),
    'Per target: running/pending/failed counts, every sampled GPU with its last hour and who under-uses it, and sampling problems.',
  ),
  'monitor.query': call(
    z.object({ series: z.string().min(1).max(500), from: z.number(), to: z.number(), maxPoints: z.number().int().min(2).max(10_000).default(2000) }).strict(),
    SeriesQuery,
    'One series over a time range, at most maxPoints points (rollups or largest-triangle downsampling).',
  ),
  'monitor.sample': call(
    z.object({ targetId: id }).strict(),
    z.object({ jobs: z.number().int(), samples: z.number().int(), problems: z.array(z.string()) }),
    "Sample a target's running jobs now (one round trip), instead of waiting for the next interval.",
  ),
  'monitor.alerts': call(
    z.object({ limit: z.number().int().min(1).max(5000).default(200) }).strict(),
    z.array(AlertEvent),
    'Alert history, newest first (an alert that resolved shows when).',
  ),
  'monitor.rules': call(none, z.array(AlertRule), 'The alert rules in use (defaults until edited).'),
  'monitor.setRules': call(z.object({ rules: AlertRules }).strict(), z.array(AlertRule), 'Replace the alert rules; disabling a rule resolves its open alerts.'),
  'kube.contexts': call(
    z.object({ path: z.string().optional() }).strict(),
    z.object({
      file: z.string(),
      contexts: z.array(
        z.object({ name: z.string(), cluster: z.string(), server: z.string(), user: z.string(), namespace: z.string().nullable(), current: z.boolean() }),
      ),
    }),
    'Contexts of ~/.kube/config (or another kubeconfig), to add as Kubernetes targets.',
  ),
  'kube.nodes': call(
    z.object({ targetId: id }).strict(),
    z.object({
      nodes: z.array(GpuNode),
      cuda: z.array(z.object({ major: z.string(), minor: z.string(), nodes: z.number(), freeGpus: z.number().nullable() })),
    }),
    'GPU nodes (product, CUDA runtime labels, allocatable and used GPUs) and the CUDA versions on offer.',
  ),
  'umbrella.preview': call(CampaignSpec, CampaignPreview, 'Every manifest a campaign would apply, its provenance path, and warnings, before anything is sent.'),
  'umbrella.bucketImport': call(
    z
      .object({
        targetId: id,
        remote: z.string().trim().min(1, 'the rclone remote name, e.g. nrp').max(100),
        from: z.union([
          z.object({ path: z.string().optional() }).strict(),
          z.object({ secret: z.object({ name: z.string().min(1), key: z.string().min(1).default('rclone.conf') }).strict() }).strict(),
        ]),
        confirm: z.literal(true),
      })
      .strict(),
    z.object({ name: z.string(), provider: z.string(), endpoint: z.string(), region: z.string(), source: z.string() }),
    "Import the laptop's rclone remote for a cluster's results bucket (from rclone.conf or, with consent, the namespace Secret) into the vault.",
  ),
  'umbrella.inputs': call(
    CampaignSpec,
    z.object({ checked: z.boolean(), missing: z.array(z.object({ replica: z.number(), window: z.number(), paths: z.array(z.string()) })) }),
    "Which windows' required inputs are missing from the results bucket (checked: false when no bucket is set up).",
  ),
  'umbrella.manifests': call(
    z.object({ campaignId: id, replica: z.number().int().min(1), window: z.number().int().min(0) }).strict(),
    z.array(z.object({ attempt: z.number().int(), path: z.string(), yaml: z.string(), outcome: z.enum(['applied', 'failed']), detail: z.string(), at: z.string() })),
    "Every manifest SimDeck applied (or tried to) for a window, as saved in its provenance files, oldest first.",
  ),
  'umbrella.uploadInputs': call(
    CampaignSpec,
    z.object({ uploaded: z.array(z.string()), upToDate: z.number().int(), missingLocal: z.array(z.string()), bytes: z.number(), from: z.string() }),
    "Upload the windows' required inputs from the local results folder to the bucket (like rclone copy --update), before launch.",
  ),
  'umbrella.bucketList': call(
    z.object({ campaignId: id, replica: z.number().int().min(1).optional() }).strict(),
    z.object({
      prefix: z.string(),
      objects: z.array(z.object({ key: z.string(), size: z.number(), lastModified: z.string() })),
      truncated: z.boolean(),
    }),
    "The campaign's files in the results bucket (up to 5,000).",
  ),
  'umbrella.downloadResults': call(
    z.object({ campaignId: id, replica: z.number().int().min(1).optional() }).strict(),
    ResultsDownload,
    "Download the campaign's results that are newer than the local copy (like rclone copy --update), resumable; progress as umbrella.download events.",
  ),
  'umbrella.cancelDownload': call(z.object({ campaignId: id }).strict(), ResultsDownload, 'Stop a results download; partial files stay and the next download continues them.'),
  'umbrella.launch': call(
    z.object({ spec: CampaignSpec, confirm: z.literal(true) }).strict(),
    Campaign,
    'Save provenance and apply one Job per replica × window; windows are then watched.',
  ),
  'umbrella.list': call(z.object({ projectId: id.optional() }).strict(), z.array(Campaign), 'Campaigns, newest first.'),
  'umbrella.get': call(
    z.object({ campaignId: id }).strict(),
    z.object({ campaign: Campaign, windows: z.array(WindowStatus) }),
    'A campaign with the state and progress of every window.',
  ),
  'umbrella.act': call(
    z.object({ campaignId: id, action: WindowAction, windows: z.array(WindowRef).min(1) }).strict(),
    z.array(z.object({ replica: z.number(), window: z.number(), ok: z.boolean(), command: z.string(), message: z.string() })),
    'Delete windows (Job and pods) or restart them (new provenance record, the old one kept); each with its kubectl command.',
  ),
  'umbrella.extend': call(
    z.object({ campaignId: id, replicas: z.number().int().min(1).max(100).optional(), windows: z.array(UmbrellaWindow).max(1000).optional(), confirm: z.literal(true) }).strict(),
    Campaign,
    'Add replicas (new total) and/or windows to a campaign and launch the new ones.',
  ),
  'umbrella.logs': call(
    z.object({ campaignId: id, replica: z.number().int(), window: z.number().int(), container: z.string().optional(), previous: z.boolean().default(false), timestamps: z.boolean().default(false), tailLines: z.number().int().min(1).max(100_000).optional() }).strict(),
    z.object({ pod: z.string(), container: z.string(), text: z.string() }),
    "A window pod's log (any container, the previous run, with timestamps).",
  ),
  'umbrella.saveLog': call(
    z.object({ campaignId: id, replica: z.number().int(), window: z.number().int() }).strict(),
    z.object({ path: z.string() }),
    'Save the main container log as {S}-{R}-{WW}-{pod}.out next to the results (what the MBAR scripts read).',
  ),
  'umbrella.history': call(z.object({ campaignId: id }).strict(), z.array(ProgressSample), 'Progress and speed samples over time.'),
  'umbrella.histogram': call(
    z.object({ campaignId: id, replica: z.number().int().min(1) }).strict(),
    HistogramView,
    'Fraction-native-contacts histograms of a replica (0.002 bins), one per window, with neighbour overlaps.',
  ),
} as const;

export const events = {
  'projects.changed': z.object({ projectId: z.string().nullable() }),
  'targets.changed': z.object({ targetId: z.string().nullable() }),
  'jobs.changed': z.object({ jobIds: z.array(z.string()) }),
  'activity.appended': ActivityEntry,
  'notice': z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() }),
  'run.output': z.object({ runId: z.string(), stream: z.enum(['stdout', 'stderr', 'info']), chunk: z.string() }),
  'run.finished': RunInfo,
  'ssh.prompt': SshPrompt,
  'clusters.status': ClusterStatus,
  'transfers.changed': Transfer,
  'tunnels.changed': TunnelInfo,
  'tunnels.removed': z.object({ id: z.string() }),
  'fleets.changed': Fleet,
  'monitor.sampled': z.object({ targetId: z.string(), at: z.string() }),
  'monitor.alert': AlertEvent,
  'fah.changed': z.object({ targetId: z.string(), project: z.number() }),
  'fah.cert': z.object({ targetId: z.string(), cert: FahCertInfo }),
  'fah.download': z.object({ targetId: z.string(), project: z.number(), run: z.number(), clone: z.number(), file: z.string(), received: z.number(), total: z.number().nullable() }),
  'umbrella.download': ResultsDownload,
  'umbrella.changed': z.object({ campaignId: z.string(), windows: z.array(WindowStatus), campaign: Campaign.optional() }),
  'app.settings': AppSettings,
  'app.error': AppErrorReport,
  /** From the Electron shell: the updater's state. */
  'app.update': UpdateStatus,
  /** From the Electron shell: a file, link or panel the OS (or the menu) asked SimDeck to open. */
  'app.open': OpenRequest,
} as const;

export type Calls = typeof calls;
export type Method = keyof Calls;
export type Params<M extends Method> = z.input<Calls[M]['params']>;
export type ParsedParams<M extends Method> = z.output<Calls[M]['params']>;
export type Result<M extends Method> = z.output<Calls[M]['result']>;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export { METHODS, EVENT_NAMES, channelOf, EVENT_CHANNEL } from './methods.js';

export function isMethod(name: string): name is Method {
  return Object.prototype.hasOwnProperty.call(calls, name);
}
