// The rendered Job against the seed's real dry-run output (fixtures/nrp-rendered-manifest-example.yaml, copied from
// the research notes), schema validation, and shell safety of the scripts with hostile researcher input.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/errors.js';
import { quote } from '../../core/shell-quote.js';
import {
  DEFAULT_REQUIRED_FILES,
  ENV_PIP_INSTALL,
  ENV_REPO_URL,
  assertValidJob,
  expandRequiredFiles,
  kubeletEscape,
  rcloneBase,
  renderWindowManifest,
  toYaml,
  validateJob,
} from './manifest.js';
import { isLabelValue } from './names.js';
import { seedSpec, SEED_COMMIT } from './seed.js';

const seedYaml = readFileSync(new URL('./fixtures/nrp-rendered-manifest-example.yaml', import.meta.url), 'utf8');
const W00 = { index: 0, centre: 1 };

const clone = <T>(v: T): T => structuredClone(v);
const podSpec = (job: IJob) => job.spec!.template.spec!;
const allContainers = (job: IJob): IContainer[] => [...(podSpec(job).initContainers ?? []), ...podSpec(job).containers];
const container = (job: IJob, name: string) => allContainers(job).find((c) => c.name === name)!;
const envValue = (c: IContainer, name: string) => c.env?.find((e) => e.name === name)?.value;

/** What the kubelet does to a command string: $(VAR) from the container's env, "$$" → "$". */
function kubeletExpand(text: string, env: IEnvVar[]): string {
  const values = new Map(env.filter((e) => e.value !== undefined).map((e) => [e.name, kubeletUnescape(e.value!)]));
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name?: string) => (m === '$$' ? '$' : (values.get(name!) ?? m)));
}
const kubeletUnescape = (text: string) => text.replaceAll('$$', '$');

/**
 * SimDeck passes three researcher values to the shell as quoted env expansions ("$SIMDECK_REPO_URL",
 * "/opt/repo/$PROTBENCH_SCRIPT_PATH", "$SIMDECK_PIP_INSTALL") where the seed wrote the text itself. For values
 * that are plain shell words (asserted) the two read the same, so substituting them gives the seed's script.
 */
function inlineShellData(script: string, env: IEnvVar[]): string {
  let out = script;
  for (const name of [ENV_REPO_URL, ENV_PIP_INSTALL, 'PROTBENCH_SCRIPT_PATH']) {
    const value = env.find((e) => e.name === name)?.value;
    if (value === undefined) continue;
    expect(quote(value)).toBe(value); // a safe word: dropping the quotes changes nothing
    out = out.replace(new RegExp(`"([^"$]*)\\$${name}"`, 'g'), (_m, before: string) => `${before}${value}`);
  }
  return out;
}

/** The rendered Job minus SimDeck's documented additions, scripts compared as the shell would read them. */
function withoutSimDeckAdditions(job: IJob): IJob {
  const j = clone(job);
  delete j.metadata!.namespace;
  delete j.metadata!.labels;
  delete j.metadata!.annotations;
  delete j.spec!.ttlSecondsAfterFinished;
  delete j.spec!.template.metadata;
  for (const c of allContainers(j)) {
    const env = c.env ?? [];
    c.command = c.command?.map((part) => kubeletExpand(inlineShellData(part, env), env));
    c.env = env.filter((e) => !e.name.startsWith('SIMDECK_'));
  }
  return j;
}

function seedExpanded(): IJob {
  const j = load(seedYaml) as IJob;
  for (const c of allContainers(j)) c.command = c.command?.map((part) => kubeletExpand(part, c.env ?? []));
  return j;
}

describe('renderWindowManifest: the seed', () => {
  const job = renderWindowManifest(seedSpec(), 'camp-1', 1, W00, { namespace: 'openforcefield' });
  const seed = load(seedYaml) as IJob;

  it('is the seed dry run plus SimDeck additions (labels, annotations, namespace, env data)', () => {
    expect(withoutSimDeckAdditions(job)).toEqual(seedExpanded());
  });

  it('starts every container env with the seed entries, in the seed order, all strings', () => {
    for (const seedContainer of allContainers(seed)) {
      const ours = container(job, seedContainer.name);
      expect(ours.env!.slice(0, seedContainer.env!.length)).toEqual(seedContainer.env);
      const extra = ours.env!.slice(seedContainer.env!.length).map((e) => e.name);
      expect(extra.every((n) => n.startsWith('SIMDECK_'))).toBe(true);
      for (const e of ours.env!) if (!e.valueFrom) expect(typeof e.value).toBe('string');
    }
  });

  it('keeps the seed scripts byte-for-byte where no researcher value is involved', () => {
    expect(container(job, 'init-rclone').command).toEqual(container(seed, 'init-rclone').command);
    expect(container(job, 'main').lifecycle).toEqual(container(seed, 'main').lifecycle);
    expect(container(job, 'main').command![2]).toBe(
      'micromamba run -n base pip install "$SIMDECK_PIP_INSTALL"\n' +
        'micromamba run -n base python "/opt/repo/$PROTBENCH_SCRIPT_PATH" -o/results\n' +
        'rclone copy --update /results nrp-internal:proteinbenchmark-jm-bucket/results\n',
    );
    expect(container(job, 'init-git').command![2]).toBe(
      'set -euf\ncd /opt/repo\ngit clone "$SIMDECK_REPO_URL" /opt/repo || true\ngit checkout $PROTBENCH_SCRIPT_COMMIT\n',
    );
    expect(envValue(container(job, 'init-git'), ENV_REPO_URL)).toBe('https://github.com/openforcefield/proteinbenchmark-nrp.git');
  });

  it('adds metadata: namespace, selectable labels on Job and pod template, exact annotations', () => {
    expect(job.metadata).toEqual({
      name: 'pb-jm-gb3-null-003-pair-opc3-1-00',
      namespace: 'openforcefield',
      labels: {
        'app.kubernetes.io/managed-by': 'simdeck',
        'simdeck.io/campaign': 'camp-1',
        'simdeck.io/target': 'gb3',
        'simdeck.io/ff': 'null-0.0.3-pair-opc3',
        'simdeck.io/replica': '1',
        'simdeck.io/window': '00',
      },
      annotations: {
        'simdeck.io/campaign': 'camp-1',
        'simdeck.io/project': 'proj-1',
        'simdeck.io/initials': 'jm',
        'simdeck.io/target': 'gb3',
        'simdeck.io/force-field': 'null-0.0.3-pair-opc3',
        'simdeck.io/replica': '1',
        'simdeck.io/window': '00',
        'simdeck.io/window-centre': '1',
        'simdeck.io/repo-url': 'https://github.com/openforcefield/proteinbenchmark-nrp.git',
        'simdeck.io/script-commit': SEED_COMMIT,
        'simdeck.io/script-path': 'umbrella-scripts/run-umbrella-window.py',
        'simdeck.io/image': 'ghcr.io/openforcefield/proteinbenchmark-nrp:latest',
        'simdeck.io/pip-install': 'git+https://github.com/openforcefield/proteinbenchmark.git@nagl',
      },
    });
    expect(job.spec!.template.metadata!.labels).toEqual(job.metadata!.labels);
    expect(job.spec!.ttlSecondsAfterFinished).toBeUndefined();
  });

  it('serialises like PyYAML safe_dump and reads back identically', () => {
    const text = toYaml(job);
    expect(load(text)).toEqual(job);
    expect(text.startsWith('apiVersion: batch/v1\nkind: Job\nmetadata:\n')).toBe(true);
    expect(text).toContain('\n  backoffLimit: 10\n  template:\n');
    expect(text).toContain("\n        - name: PROTBENCH_WINDOW\n          value: '00'\n");
    expect(text).not.toMatch(/[&*]ref_/); // no YAML anchors even though containers share the launcher's env
  });

  it('passes the Kubernetes schema', () => {
    expect(validateJob(job)).toBeNull();
    expect(validateJob(seed)).toBeNull();
  });
});

describe('renderWindowManifest: other windows and options', () => {
  it('renders every window of a 3 × 31 campaign valid, with distinct names', () => {
    const spec = seedSpec();
    const names = new Set<string>();
    for (let r = 1; r <= spec.replicas; r++) {
      for (const w of spec.windows) {
        const job = renderWindowManifest(spec, 'camp-1', r, w);
        expect(validateJob(job)).toBeNull();
        names.add(job.metadata!.name!);
      }
    }
    expect(names.size).toBe(93);
  });

  it('replica 2 window 07: names, env, required files, centre annotation', () => {
    const job = renderWindowManifest(seedSpec(), 'camp-1', 2, { index: 7, centre: 0.86 });
    expect(job.metadata!.name).toBe('pb-jm-gb3-null-003-pair-opc3-2-07');
    const main = container(job, 'main');
    expect(envValue(main, 'PROTBENCH_REPLICA')).toBe('2');
    expect(envValue(main, 'PROTBENCH_WINDOW')).toBe('07');
    expect(envValue(main, 'PROTBENCH_REQUIRED_FILES')).toBe(
      [
        'gb3-null-0.0.3-pair-opc3/setup/',
        'gb3-null-0.0.3-pair-opc3/replica-2/gb3-null-0.0.3-pair-opc3-equilibration-1.xml',
        'gb3-null-0.0.3-pair-opc3/replica-2/gb3-null-0.0.3-pair-opc3-window-07.pdb',
        'gb3-null-0.0.3-pair-opc3/replica-2/window-07/',
      ].join('\n'),
    );
    expect(job.metadata!.annotations!['simdeck.io/window-centre']).toBe('0.86');
  });

  it('leaves out the licence, CUDA affinity, GPU and pip line when not asked for; sets TTL when asked', () => {
    const job = renderWindowManifest(
      seedSpec({
        secrets: { rcloneConfig: 'jm-rclone-config', licence: null },
        cuda: null,
        resources: { gpu: 0, cpu: '2', memory: '8Gi', ephemeralStorage: '10Gi' },
        pipInstall: '',
        ttlSecondsAfterFinished: 86400,
      }),
      'c',
      1,
      W00,
    );
    const main = container(job, 'main');
    expect(main.env!.map((e) => e.name)).not.toContain('OE_LICENSE');
    expect(main.env!.map((e) => e.name)).not.toContain(ENV_PIP_INSTALL);
    expect(main.volumeMounts!.map((m) => m.name)).toEqual(['rclone-config', 'repo-vol', 'results-vol']);
    expect(podSpec(job).volumes!.map((v) => v.name)).toEqual(['rclone-config', 'repo-vol', 'results-vol']);
    expect(podSpec(job).affinity).toBeUndefined();
    expect(main.resources).toEqual({
      limits: { cpu: '2', memory: '8Gi', 'ephemeral-storage': '10Gi' },
      requests: { cpu: '2', memory: '8Gi', 'ephemeral-storage': '10Gi' },
    });
    expect(main.command![2]).toBe(
      'micromamba run -n base python "/opt/repo/$PROTBENCH_SCRIPT_PATH" -o/results\n' +
        'rclone copy --update /results nrp-internal:proteinbenchmark-jm-bucket/results\n',
    );
    expect(job.spec!.ttlSecondsAfterFinished).toBe(86400);
    expect(validateJob(job)).toBeNull();
  });

  it('names long and capitalised keys validly, keeping the exact values in env and annotations', () => {
    const ff = 'null-0.0.3-pair-nmr-1e4-umbrella-1e3-4-aaqaa3-only-1e4-opc3';
    const job = renderWindowManifest(seedSpec({ target: 'hewl-4LZT', forceField: ff }), 'camp-1', 1, W00);
    expect(job.metadata!.name!.length).toBeLessThanOrEqual(63);
    expect(job.metadata!.name).toMatch(/^pb-jm-hewl-4lzt-null-003-pair-nmr-1e4-umbrella-1e3-4-a-[0-9a-f]{8}$/);
    expect(job.metadata!.annotations!['simdeck.io/force-field']).toBe(ff);
    expect(job.metadata!.annotations!['simdeck.io/target']).toBe('hewl-4LZT');
    expect(job.metadata!.labels!['simdeck.io/target']).toBe('hewl-4LZT');
    expect(envValue(container(job, 'main'), 'PROTBENCH_FF')).toBe(ff);
    for (const v of Object.values(job.metadata!.labels!)) expect(isLabelValue(v)).toBe(true);
    expect(validateJob(job)).toBeNull();
  });

  it('expands custom required-file patterns and rejects ones that leave /results', () => {
    expect(expandRequiredFiles(['{S}/replica-{R}/window-{WW}/extra.dat'], 'gb3', 'ff-1', 3, 12)).toEqual([
      'gb3-ff-1/replica-3/window-12/extra.dat',
    ]);
    expect(DEFAULT_REQUIRED_FILES).toHaveLength(4);
    const job = renderWindowManifest(seedSpec({ requiredFiles: ['{S}/setup/', '{S}/replica-{R}/x-{WW}.pdb'] }), 'c', 1, W00);
    expect(envValue(container(job, 'init-rclone'), 'PROTBENCH_REQUIRED_FILES')).toBe(
      'gb3-null-0.0.3-pair-opc3/setup/\ngb3-null-0.0.3-pair-opc3/replica-1/x-00.pdb',
    );
    expect(() => expandRequiredFiles(['../{S}/x'], 'gb3', 'f', 1, 0)).toThrow(/not a path inside the bucket prefix/);
    expect(() => expandRequiredFiles(['/etc/passwd'], 'gb3', 'f', 1, 0)).toThrow(ApiError);
  });

  it('refuses a replica outside the campaign and an invalid spec', () => {
    expect(() => renderWindowManifest(seedSpec(), 'c', 4, W00)).toThrow(/Replica 4 is outside this campaign's replicas 1–3/);
    expect(() => renderWindowManifest(seedSpec({ bucket: 'Bad_Bucket' }), 'c', 1, W00)).toThrow(/bucket/);
    expect(() => renderWindowManifest(seedSpec({ prefix: 'a\u0007b' }), 'c', 1, W00)).toThrow(/prefix/);
  });
});

describe('shell and kubelet safety', () => {
  const hostile = seedSpec({
    scriptPath: 'scripts/$(touch PWNED-path)`touch PWNED-tick`; touch PWNED-semi.py',
    pipInstall: "pkg; touch PWNED-pip $(touch PWNED-pip2) 'x'",
    repoUrl: 'https://example.org/r.git; touch PWNED-url',
    prefix: "my results/it's $(PROTBENCH_TARGET)",
  });
  const job = renderWindowManifest(hostile, 'c', 1, W00);

  it('keeps researcher values out of the scripts and escapes $ for the kubelet', () => {
    const scripts = allContainers(job).flatMap((c) => [...(c.command ?? []), ...(c.lifecycle?.preStop?.exec?.command ?? [])]);
    for (const s of scripts) {
      expect(s).not.toContain('PWNED');
      expect(s).not.toContain('example.org');
    }
    expect(envValue(container(job, 'main'), 'PROTBENCH_SCRIPT_PATH')).toBe(
      'scripts/$$(touch PWNED-path)`touch PWNED-tick`; touch PWNED-semi.py',
    );
    expect(kubeletEscape('a$b$$c')).toBe('a$$b$$$$c');
    expect(rcloneBase(hostile)).toBe("nrp-internal:proteinbenchmark-jm-bucket/my results/it's $(PROTBENCH_TARGET)");
    // preStop hooks are not expanded by the kubelet: single quotes alone keep the value literal there.
    expect(container(job, 'main').lifecycle!.preStop!.exec!.command![2]).toBe(
      "rclone copy --update /results 'nrp-internal:proteinbenchmark-jm-bucket/my results/it'\\''s $(PROTBENCH_TARGET)' 2>&1 > /proc/1/fd/1",
    );
    expect(validateJob(job)).toBeNull();
  });

  it('runs in busybox sh with every hostile value arriving as one argument', () => {
    const dir = mkdtempSync(join(tmpdir(), 'simdeck-umbrella-sh-'));
    try {
      const bin = join(dir, 'bin');
      const results = join(dir, 'results');
      const repo = join(dir, 'repo');
      for (const d of [bin, results, repo]) mkdirSync(d);
      const log = join(dir, 'argv.log');
      // Fake tools: print each argument on its own line between markers.
      for (const tool of ['rclone', 'micromamba', 'git']) {
        writeFileSync(join(bin, tool), `#!/bin/sh\n{ echo "<${tool}>"; for a in "$@"; do echo "[$a]"; done; } >> '${log}'\n`);
        chmodSync(join(bin, tool), 0o755);
      }
      const run = (c: IContainer) => {
        const envs = Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, kubeletUnescape(e.value!)]));
        const script = kubeletExpand(c.command![2]!, c.env ?? [])
          .replaceAll('/results', results)
          .replaceAll('/opt/repo', repo);
        execFileSync('busybox', ['sh', '-c', script], {
          cwd: dir,
          env: { PATH: `${bin}:${process.env.PATH ?? ''}`, ...envs },
          stdio: 'pipe',
        });
      };
      run(container(job, 'init-git'));
      run(container(job, 'init-rclone'));
      run(container(job, 'main'));
      // The preStop hook, run as the kubelet runs hooks: no $(VAR) expansion. Its upload must target the same place.
      const hook = container(job, 'main').lifecycle!.preStop!.exec!.command![2]!.replaceAll('/results', results).replace(' > /proc/1/fd/1', '');
      execFileSync('busybox', ['sh', '-c', hook], { cwd: dir, env: { PATH: `${bin}:${process.env.PATH ?? ''}` }, stdio: 'pipe' });
      const text = readFileSync(log, 'utf8');
      expect(execFileSync('ls', [dir]).toString()).not.toContain('PWNED');
      expect(text).toContain('[https://example.org/r.git; touch PWNED-url]');
      expect(text).toContain("[pkg; touch PWNED-pip $(touch PWNED-pip2) 'x']");
      expect(text).toContain(`[${repo}/scripts/$(touch PWNED-path)\`touch PWNED-tick\`; touch PWNED-semi.py]`);
      // Four required files, each one copyto with the quoted prefix kept literal, then the upload.
      const copies = text.split('<rclone>').filter((b) => b.includes('[copyto]'));
      expect(copies).toHaveLength(4);
      expect(copies[3]).toContain(
        "[nrp-internal:proteinbenchmark-jm-bucket/my results/it's $(PROTBENCH_TARGET)/gb3-null-0.0.3-pair-opc3/replica-1/window-00/]",
      );
      const uploads = text.split('<rclone>').filter((b) => b.includes('[copy]'));
      expect(uploads).toHaveLength(2); // main's and preStop's, to the same literal location
      for (const u of uploads) expect(u).toContain("[nrp-internal:proteinbenchmark-jm-bucket/my results/it's $(PROTBENCH_TARGET)]");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('validateJob', () => {
  const good = renderWindowManifest(seedSpec(), 'camp-1', 2, { index: 7, centre: 0.86 });

  it('names the window and the bad path for a bad restartPolicy', () => {
    const bad = clone(good);
    (podSpec(bad) as { restartPolicy?: string }).restartPolicy = 'Sometimes'; // not a type the API knows
    const err = validateJob(bad);
    expect(err).toBeInstanceOf(ApiError);
    expect(err!.code).toBe('INVALID_INPUT');
    expect(err!.message).toMatch(
      /^manifest for replica 2 window 07 is invalid: spec\.template\.spec\.restartPolicy must be equal to one of the allowed values \("Always", "Never", "OnFailure"\)/,
    );
  });

  it('rejects restartPolicy Always, which Jobs do not allow', () => {
    const bad = clone(good);
    podSpec(bad).restartPolicy = 'Always';
    expect(validateJob(bad)!.message).toContain('restartPolicy must be "OnFailure" or "Never" for a Job');
  });

  it('rejects a 64-character name', () => {
    const bad = clone(good);
    bad.metadata!.name = 'a'.repeat(64);
    expect(validateJob(bad)!.message).toMatch(/^manifest for replica 2 window 07 is invalid: metadata\.name "a{64}" must be at most 63/);
    expect(() => assertValidJob(bad)).toThrow(ApiError);
  });

  it('rejects a non-string env value with its path, and bad label values', () => {
    const bad = clone(good);
    (container(bad, 'main').env![3] as { value: unknown }).value = 1;
    bad.metadata!.labels!['simdeck.io/target'] = '-bad-';
    const msg = validateJob(bad)!.message;
    expect(msg).toContain('spec.template.spec.containers[0].env[3].value must be string');
    expect(msg).toContain('metadata.labels["simdeck.io/target"] value "-bad-" must be a label value');
  });

  it('names the Job when it carries no SimDeck labels', () => {
    const bad = clone(good);
    delete bad.metadata!.labels;
    bad.spec!.backoffLimit = -1.5;
    expect(validateJob(bad)!.message).toMatch(/^manifest for job "pb-jm-gb3-null-003-pair-opc3-2-07" is invalid: spec\.backoffLimit must be integer/);
  });
});
