import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, serve, tempWorkspace, type Served } from '../support/serve.js';

// A researcher drops a PyRosettaCluster decoy on the browser shell, reads its record and recreates its conda
// environment in one click. conda here is the stub in e2e/stubs (the real one cannot be installed in CI): it logs
// its argv to SIMDECK_STUB_LOG and creates a fake environment.

let workspace: string;
let scratch: string;
let served: Served | undefined;

test.beforeEach(() => {
  workspace = tempWorkspace();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-e2e-repro-'));
});
test.afterEach(async () => {
  await served?.stop();
  served = undefined;
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.rmSync(scratch, { recursive: true, force: true });
});

const serveWithEnv = (ws: string, env: Record<string, string>): Promise<Served> => serve(ws, [], env);

const SHA1 = '3f2c9d7e1b0a4c5d6e7f8091a2b3c4d5e6f70812';
const DECOY = 'ReproE2E_0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const ENVIRONMENT =
  'channels:\n  - https://conda.rosettacommons.org\n  - conda-forge\ndependencies:\n  - python=3.12\n  - pyrosetta=2026.03+release.abc=py312_0\n';

/** A `.pdb.bz2` decoy as PyRosettaCluster writes it: PDB text, a blank line, the one-line record, no final newline. */
function writeDecoy(dir: string, opts: { totalScore?: number; fileStem?: string } = {}): string {
  const record = {
    instance: {
      compressed: true,
      decoy_ids: [0, 0],
      environment: ENVIRONMENT,
      nstruct: 1,
      output_path: '/home/alice/prc_project/outputs',
      project_name: 'ReproE2E',
      pyrosetta_build: 'PyRosetta-4.Release.python312.linux.cxx11thread.serialization 2026.03+release.abc',
      seeds: ['-1509402617', '1094382616'],
      sha1: SHA1,
      simulation_name: 'ReproE2E',
      system_info: { 'sys.platform': 'linux' },
      tasks: { extra_options: { 'out:level': '300' }, options: '', seq: 'GGG' },
    },
    metadata: {
      datetime_end: '2026-01-15 12:34:57.123456',
      datetime_start: '2026-01-15 12:34:50.000001',
      decoy_name: DECOY,
      environment_manager: 'conda',
      output_file: `/home/alice/prc_project/outputs/decoys/0000/${DECOY}.pdb.bz2`,
      protocols: ['my_first_protocol', 'my_second_protocol'],
      total_seconds: '7.123455',
    },
    scores: { SEQUENCE: 'GGG', fa_atr: -1.2345, total_score: opts.totalScore ?? -3.1415 },
  };
  const pdb = [
    'ATOM      1  N   GLY A   1      -0.528   1.360   0.000  1.00  0.00           N',
    'ATOM      2  CA  GLY A   1       0.000   0.000   0.000  1.00  0.00           C',
    'ATOM      3  C   GLY A   1       1.523   0.000   0.000  1.00  0.00           C',
    'ATOM      4  O   GLY A   1       2.152  -1.056   0.000  1.00  0.00           O',
    'TER',
    '',
    `REMARK PyRosettaCluster: ${JSON.stringify(record)}`,
  ].join('\n');
  const file = path.join(dir, `${opts.fileStem ?? DECOY}.pdb`);
  fs.writeFileSync(file, pdb);
  execFileSync('bzip2', ['-f', file]);
  return `${file}.bz2`;
}

/** Drops files on the page the way a file manager does: dragenter, dragover, drop on <body>. */
async function dropFiles(page: Page, files: Array<{ name: string; bytes: Buffer }>) {
  const dt = await page.evaluateHandle((list) => {
    const transfer = new DataTransfer();
    for (const f of list) {
      const bin = atob(f.b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      transfer.items.add(new File([bytes], f.name, { type: 'application/octet-stream' }));
    }
    return transfer;
  }, files.map((f) => ({ name: f.name, b64: f.bytes.toString('base64') })));
  const fire = (type: string) =>
    page.evaluate(
      ([transfer, t]) => document.body.dispatchEvent(new DragEvent(t, { dataTransfer: transfer, bubbles: true, cancelable: true })),
      [dt, type] as const,
    );
  await fire('dragenter');
  await fire('dragover');
  await expect(page.getByTestId('drop-overlay')).toBeVisible();
  await expect(page.getByTestId('drop-overlay')).toContainText('Drop PyRosettaCluster result files to inspect them');
  await fire('drop');
  await expect(page.getByTestId('drop-overlay')).toBeHidden();
}

test('a dropped decoy shows its record and its conda environment is recreated exactly', async ({ page }) => {
  const stubLog = path.join(scratch, 'stub.log');
  served = await serveWithEnv(workspace, {
    PATH: `${path.join(repoRoot, 'e2e', 'stubs')}${path.delimiter}${process.env.PATH ?? ''}`,
    SIMDECK_STUB_LOG: stubLog,
    SIMDECK_STUB_DELAY_MS: '5',
  });
  const decoyFile = writeDecoy(scratch);
  const envDir = path.join(scratch, 'recreated-env');

  await page.goto(served.url);
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await page.getByTestId('nav-projects').click(); // any area: dropping works everywhere

  await dropFiles(page, [{ name: path.basename(decoyFile), bytes: fs.readFileSync(decoyFile) }]);
  await expect(page.getByTestId('view-reproduce')).toBeVisible();

  // Uploaded, then read by the core: a failure here is shown on the file's row, so report its message.
  const row = page.getByTestId('reproduce-file-row');
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-file-name', `${DECOY}.pdb.bz2`);
  await expect(row).toHaveAttribute('data-status', /^(ready|error)$/, { timeout: 20_000 });
  if ((await row.getAttribute('data-status')) === 'error') {
    throw new Error(`reproduce.inspect failed: ${await row.getByTestId('reproduce-file-error').innerText()}`);
  }
  await expect(row).toContainText('bzip2');

  const record = page.getByTestId('record-view');
  await expect(record).toBeVisible();
  await expect(page.getByTestId('record-decoy-name')).toHaveText(DECOY);
  await expect(page.getByTestId('record-sha1')).toHaveText(SHA1);
  await expect(page.getByTestId('record-protocols')).toContainText('my_second_protocol');
  await expect(page.getByTestId('record-protocols')).toContainText('1094382616');
  await expect(page.getByTestId('record-env-kind')).toHaveText('conda YAML');

  // Recreate: plan first, nothing runs before the researcher says they trust the file.
  await expect(page.getByTestId('recreate-manager')).toHaveValue('conda');
  // An upload has no path on this machine: the suggested folder is an absolute one in the workspace.
  expect(path.isAbsolute(await page.getByTestId('recreate-dir').inputValue())).toBe(true);
  await page.getByTestId('recreate-dir').fill(envDir);
  await page.getByTestId('recreate-prepare').click();
  const plan = page.getByTestId('recreate-plan');
  await expect(plan).toBeVisible();
  await expect(page.getByTestId('plan-command')).toHaveText(`conda env create -f ${envDir}/environment.yml -p ${envDir}`);
  await expect(page.getByTestId('recreate-run')).toBeDisabled();
  expect(fs.existsSync(envDir)).toBe(false);

  await page.getByTestId('recreate-trust').check();
  await page.getByTestId('recreate-run').click();
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'succeeded', { timeout: 30_000 });
  await expect(page.getByTestId('run-output')).toContainText('Solving environment: done');
  await expect(page.getByTestId('run-log-file')).not.toBeEmpty();

  // conda ran exactly once to create the environment, with exactly these arguments.
  const calls = fs
    .readFileSync(stubLog, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { tool: string; argv: string[] })
    .filter((c) => c.tool === 'conda' && c.argv[1] !== '--version');
  expect(calls.map((c) => c.argv)).toEqual([['conda', 'env', 'create', '-f', `${envDir}/environment.yml`, '-p', envDir]]);
  expect(fs.existsSync(path.join(envDir, 'environment.yml'))).toBe(true);
  expect(fs.readFileSync(path.join(envDir, 'environment.yml'), 'utf8')).toContain('pyrosetta=2026.03+release.abc=py312_0');
});

test('a decoy read by path gets a reproduce script, a remembered repository and a score comparison', async ({ page, playwright }) => {
  served = await serveWithEnv(workspace, { PATH: `${path.join(repoRoot, 'e2e', 'stubs')}${path.delimiter}${process.env.PATH ?? ''}` });
  const api = await playwright.request.newContext({ baseURL: served.origin, extraHTTPHeaders: { authorization: `Bearer ${served.token}` } });
  const created = (await (await api.post('/api/projects.create', { data: { name: 'Relax benchmark' } })).json()) as { result: { id: string } };
  await api.dispose();
  const original = writeDecoy(scratch);
  const reproduced = writeDecoy(scratch, { totalScore: -3.0415, fileStem: 'reproduced' });
  const workDir = path.join(scratch, 'work');
  const repo = 'https://github.com/alice/prc-protocols.git';

  await page.goto(served.url);
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await page.getByTestId('project-switcher').selectOption(created.result.id);
  await page.getByTestId('nav-reproduce').click();
  await expect(page.getByTestId('reproduce-empty')).toBeVisible();

  // On a head node the file is already there: its path is enough, nothing is uploaded.
  await page.getByTestId('reproduce-path-input').fill(original);
  await page.getByTestId('reproduce-path-input').press('Enter');
  await expect(page.getByTestId('record-decoy-name')).toHaveText(DECOY);
  await expect(page.getByTestId('recreate-dir')).toHaveValue(path.join(scratch, `${DECOY}-env`));

  await page.getByTestId('repo-url').fill(repo);
  await page.getByTestId('work-dir').fill(workDir);
  await page.getByTestId('env-dir').fill(path.join(scratch, 'env'));
  await page.getByTestId('protocols-module').fill('my_package.protocols');
  await page.getByTestId('script-generate').click();
  await expect(page.getByTestId('script-text')).toContainText('from my_package.protocols import');
  await expect(page.getByTestId('script-git')).toContainText(`git checkout ${SHA1}`);
  const scriptPath = (await page.getByTestId('script-path').innerText()).trim();
  expect(fs.readFileSync(scriptPath, 'utf8')).toContain(original);
  await expect(page.getByTestId('reproduce-run')).toBeEnabled();

  // The repository is remembered for the project: a fresh page (new file, same project) gets it back.
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await page.getByTestId('reproduce-path-input').fill(original);
  await page.getByTestId('reproduce-path-submit').click();
  await expect(page.getByTestId('repo-url')).toHaveValue(repo);

  await page.getByTestId('compare-path').fill(reproduced);
  await page.getByTestId('compare-run').click();
  await expect(page.getByTestId('compare-table')).toBeVisible();
  await expect(page.getByTestId('compare-summary')).toHaveAttribute('data-identical', 'false');
  await expect(page.locator('[data-testid="compare-row"][data-same="false"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="compare-row"][data-same="false"]')).toContainText('total_score');
  await expect(page.getByTestId('compare-summary')).toContainText('1 of 3 scores differ');
});
