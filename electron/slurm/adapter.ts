// SLURM backend: reaches a cluster's login node over SSH and drives the SLURM command-line tools there (no
// slurmrestd needed, which most clusters do not expose). connect() only reads: sinfo --version and a node listing.
import type { Target, TargetCheck } from '../../shared/domain.js';
import { ApiError } from '../../shared/errors.js';
import type { AdapterContext, BackendAdapter } from '../core/adapter.js';
import { sshCommandLine } from '../ssh/command-line.js';
import { openSsh } from '../ssh/session.js';
import { resolveSshTarget } from '../ssh/target.js';
import { commandLine } from '../core/shell-quote.js';
import { countStates, parseAssociations, parseSinfoNodes, parseSinfoVersion, SINFO_NODES_CMD, SINFO_VERSION_CMD, summarize } from './sinfo.js';

/** The login's home folder (the default parent of SimDeck's per-project folders). */
const HOME_CMD = 'printf %s "$HOME"';

const COMMAND_TIMEOUT_MS = 30_000;

type Exec = (command: string) => Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;

/** Runs a read-only SLURM command and returns stdout; a failure becomes an ApiError that says what to check. */
async function runSlurm(session: { where: string; exec: Exec }, command: string): Promise<string> {
  const r = await session.exec(command);
  if (r.code === 0) return r.stdout;
  const tool = command.split(' ')[0] ?? command;
  if (r.code === 127) {
    throw new ApiError(
      'REMOTE_FAILED',
      `${tool} was not found on ${session.where}. Is this a SLURM login node? If SLURM comes from "module load", ` +
        'it must also be on the PATH of non-interactive logins (e.g. in ~/.bashrc).',
      { command },
    );
  }
  const why = r.stderr.trim().split('\n').slice(-3).join(' ') || r.stdout.trim().split('\n').slice(-1)[0] || 'no output';
  throw new ApiError(
    'REMOTE_FAILED',
    `${tool} failed on ${session.where} (${r.code === null ? `signal ${r.signal ?? 'unknown'}` : `exit ${r.code}`}): ${why}`,
    { command },
  );
}

export const slurmAdapter: BackendAdapter = {
  kinds: ['slurm'],

  async connect(target: Target, ctx: AdapterContext): Promise<TargetCheck> {
    const ssh = await resolveSshTarget(target, ctx);
    const activity = (command: string) => ({ action: 'slurm.sinfo', command: sshCommandLine(ssh.display, command), targetId: target.id });
    const pool = ctx.ssh;
    // In the core, checks share the cluster's pooled connection (host-key trust, jump hosts, 2FA); without a pool
    // (tests of the adapter alone) a one-off session is opened. Either way the login is part of the first logged
    // action, so a refused host key or login shows up in the activity log.
    const open = async () => {
      if (pool) {
        await pool.close(target.id); // a check uses the settings as they are now
        return { where: `${ssh.display.username}@${ssh.display.host}:${ssh.display.port}`, exec: ((c) => pool.exec(target, c, { timeoutMs: COMMAND_TIMEOUT_MS })) as Exec, close: () => {} };
      }
      const s = await openSsh(ssh.settings);
      return { where: s.where, exec: ((c) => s.exec(c, { timeoutMs: COMMAND_TIMEOUT_MS, signal: ctx.signal })) as Exec, close: () => s.close() };
    };
    const { session, versionOut } = await ctx.activity.run(activity(SINFO_VERSION_CMD), async () => {
      const s = await open();
      try {
        return { session: s, versionOut: await runSlurm(s, SINFO_VERSION_CMD) };
      } catch (err) {
        s.close();
        throw err;
      }
    });
    try {
      const nodesOut = await ctx.activity.run(activity(SINFO_NODES_CMD), () => runSlurm(session, SINFO_NODES_CMD));

      // Accounts/QOS need accounting (slurmdbd); clusters without it still pass the check.
      const assocCmd = commandLine(['sacctmgr', '-nP', 'show', 'associations', `user=${ssh.display.username}`, 'format=Account,QOS']);
      const assoc = await ctx.activity
        .run({ ...activity(assocCmd), action: 'slurm.sacctmgr' }, () => runSlurm(session, assocCmd))
        .then(parseAssociations, () => ({ accounts: [], qos: [] }));
      const home = await session.exec(HOME_CMD).then((r) => (r.code === 0 ? r.stdout.trim() : ''), () => '');
      const version = parseSinfoVersion(versionOut) ?? versionOut.trim();
      const info = parseSinfoNodes(nodesOut);
      const def = info.partitions.find((p) => p.isDefault);
      const summary = summarize(version, info);
      ctx.log.info('slurm target checked', { targetId: target.id, host: session.where, version });
      return {
        ok: info.partitions.length > 0,
        summary: info.partitions.length > 0 ? summary : `${summary}: sinfo lists no partition this user can see`,
        details: {
          host: session.where,
          username: ssh.display.username,
          version,
          partitions: info.partitions.map((p) => p.name).join(','),
          defaultPartition: def?.name ?? '',
          partitionStates: info.partitions.map((p) => `${p.name}=${p.availability}`).join(','),
          nodes: String(info.nodeStates.size),
          nodeStates: countStates(info.nodeStates)
            .map(([s, n]) => `${s}=${n}`)
            .join(','),
          cpus: String(info.cpus),
          gres: info.gres.join(','),
          gpusByPartition: [...info.gpusByPartition].map(([p, n]) => `${p}=${n}`).join(','),
          accounts: assoc.accounts.join(','),
          qos: assoc.qos.join(','),
          home,
        },
      };
    } finally {
      session.close();
    }
  },
};

export default slurmAdapter;
