// Helpers for integration tests against the real test bed that e2e/testbed/up.sh starts (sshd, SLURM, dockerd).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Target, TargetKind } from '../../shared/domain.js';
import type { AdapterContext } from '../../electron/core/adapter.js';

export type Testbed = Record<string, string>;

const DIR = process.env.SIMDECK_TESTBED_DIR || '/tmp/simdeck-testbed';

/** Reads $SIMDECK_TESTBED_DIR/testbed.env; throws a message that says how to bring the test bed up. */
export function loadTestbed(): Testbed {
  const file = join(DIR, 'testbed.env');
  if (!existsSync(file)) {
    throw new Error(
      `The integration test bed is not up: ${file} is missing. Start it with "bash e2e/testbed/up.sh all" ` +
        '(as root), or run everything with "npm run test:integration".',
    );
  }
  const env: Testbed = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m?.[1]) env[m[1]] = m[2] ?? '';
  }
  return env;
}

/** The value of a key from testbed.env, or a clear failure if up.sh did not write it. */
export function need(tb: Testbed, key: string): string {
  const v = tb[key];
  if (!v) throw new Error(`testbed.env has no ${key}; re-run "bash e2e/testbed/up.sh all".`);
  return v;
}

export function makeTarget(kind: TargetKind, settings: Target['settings'], secretRefs: Record<string, string> = {}): Target {
  const now = new Date().toISOString();
  return { id: `it-${kind}-${process.pid}`, name: `integration ${kind}`, kind, settings, secretRefs, createdAt: now, updatedAt: now };
}

export interface RecordedActivity {
  action: string;
  command: string;
  targetId: string | null;
  outcome: 'ok' | 'error';
  detail: string;
}

/** An AdapterContext that records activity entries in memory and serves secrets from a map. */
export function makeContext(secrets: Record<string, string> = {}): { ctx: AdapterContext; activity: RecordedActivity[]; logs: string[] } {
  const activity: RecordedActivity[] = [];
  const logs: string[] = [];
  const ctx: AdapterContext = {
    activity: {
      async run(entry, work) {
        const rec = { action: entry.action, command: entry.command, targetId: entry.targetId ?? null };
        try {
          const result = await work();
          activity.push({ ...rec, outcome: 'ok', detail: '' });
          return result;
        } catch (err) {
          activity.push({ ...rec, outcome: 'error', detail: err instanceof Error ? err.message : String(err) });
          throw err;
        }
      },
    },
    secrets: {
      async reveal(id) {
        const v = secrets[id];
        if (v === undefined) throw new Error(`no secret ${id}`);
        return v;
      },
    },
    log: {
      info: (msg, fields) => logs.push(`info ${msg} ${JSON.stringify(fields ?? {})}`),
      warn: (msg, fields) => logs.push(`warn ${msg} ${JSON.stringify(fields ?? {})}`),
      error: (msg, fields) => logs.push(`error ${msg} ${JSON.stringify(fields ?? {})}`),
    },
  };
  return { ctx, activity, logs };
}

/** Settings of a SLURM target for the test bed's login node (key auth, host key pinned), plus test-specific ones. */
export function slurmTargetSettings(tb: Testbed, extra: Target['settings'] = {}): Target['settings'] {
  return {
    host: need(tb, 'SIMDECK_TB_SSH_HOST'),
    port: Number(need(tb, 'SIMDECK_TB_SSH_PORT')),
    username: need(tb, 'SIMDECK_TB_SSH_USER'),
    privateKeyPath: need(tb, 'SIMDECK_TB_SSH_KEY'),
    hostKeySha256: need(tb, 'SIMDECK_TB_SSH_HOSTKEY_SHA256'),
    ...extra,
  };
}
