// `simdeck inspect` and `simdeck recreate`: the reproduce backend for headless use (head nodes, scripts, CI).
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { RecordView, RecreatePlan } from '../../shared/reproduce.js';
import { ApiError } from '../../shared/errors.js';
import { readResultFile } from '../reproduce/readers/index.js';
import { pickleScoresWarning, toRecordView } from '../reproduce/record/index.js';
import { detectManagers, planRecreate, runOptionsForPlan, startRun, writeRecreateFiles } from '../reproduce/recreate/index.js';
import { DEFAULT_LIMITS, ReadError, type RawRecord, type ReadResult } from '../reproduce/types.js';
import type { InspectArgs, RecreateArgs } from './args.js';

type Out = (text: string) => void;

async function load(file: string, decoy?: string): Promise<{ result: ReadResult; raw: RawRecord | null; view: RecordView | null }> {
  const full = path.resolve(file);
  if (!fs.existsSync(full) || !fs.statSync(full).isFile()) throw new ApiError('NOT_FOUND', `There is no file at ${full}.`);
  if (fs.statSync(full).size > DEFAULT_LIMITS.maxFileBytes) throw new ApiError('INVALID_INPUT', `${full} is larger than SimDeck reads.`);
  let result: ReadResult;
  try {
    result = await readResultFile(fs.readFileSync(full), path.basename(full), DEFAULT_LIMITS);
  } catch (err) {
    if (err instanceof ReadError) throw new ApiError('INVALID_INPUT', err.message);
    throw err;
  }
  const entry = decoy ? result.records.find((r) => r.decoyName === decoy) : result.records.length === 1 ? result.records[0] : undefined;
  if (decoy && !entry) throw new ApiError('NOT_FOUND', `${path.basename(full)} has no decoy named "${decoy}". Run without --decoy to list them.`);
  if (!entry) return { result, raw: null, view: null };
  const fromPickle = result.format === 'pickle-scorefile';
  const view = toRecordView(entry.record, { fromPickle, ...(fromPickle ? { extraWarnings: [pickleScoresWarning()] } : {}) });
  return { result, raw: entry.record, view };
}

export async function inspectCommand(args: InspectArgs, out: Out, err: Out): Promise<number> {
  const { result, raw, view } = await load(args.file, args.decoy);
  if (!raw || !view) {
    if (result.needsHelper) {
      err(`${result.needsHelper.reason}\n`);
      return 1;
    }
    const names = result.records.map((r) => r.decoyName);
    if (args.json) {
      err(`${path.basename(args.file)} holds ${names.length} decoys; choose one with --decoy NAME:\n${names.map((n) => `  ${n}`).join('\n')}\n`);
      return 2;
    }
    out(`${path.basename(args.file)}: ${result.format}${result.layers.length ? ` (${result.layers.join(' + ')})` : ''}, ${names.length} decoys\n`);
    for (const n of names) out(`  ${n}\n`);
    out('Show one with --decoy NAME.\n');
    return 0;
  }
  if (args.json) {
    out(JSON.stringify({ instance: raw.instance, metadata: raw.metadata, scores: raw.scores, warnings: view.warnings }, null, 2) + '\n');
    return 0;
  }
  out(describe(view, result));
  return 0;
}

function describe(v: RecordView, r: ReadResult): string {
  const lines = [
    `Decoy            ${v.decoyName}`,
    `File format      ${r.format}${r.layers.length ? ` (${r.layers.join(' + ')})` : ''}`,
    `Protocols        ${v.protocols.join(', ') || '-'}`,
    `Seeds / decoy id ${v.seeds.map((s, i) => `${s}/${v.decoyIds[i] ?? '?'}`).join(', ') || '-'}`,
    `Git SHA1         ${v.sha1 || '(empty)'}`,
    `PyRosetta build  ${v.pyrosettaBuild || '(empty)'}`,
    `Environment      ${v.manager}${v.managerRecorded ? '' : ' (legacy record: assumed conda)'}${v.managerVersion ? ` ${v.managerVersion}` : ''}, ${v.environmentKind}`,
    `Manifest         ${v.toml ? v.toml.format : '-'}`,
    `Started / ended  ${v.datetimeStart ?? '-'} / ${v.datetimeEnd ?? '-'}${v.totalSeconds ? ` (${v.totalSeconds} s)` : ''}`,
    `Scores           ${Object.entries(v.scores).map(([k, x]) => `${k}=${typeof x === 'object' ? JSON.stringify(x) : String(x)}`).join(', ') || '-'}`,
  ];
  for (const n of r.notes) lines.push(`Note: ${n}`);
  for (const w of v.warnings) lines.push(`Warning: ${w.message}\n  What to do: ${w.action}`);
  return lines.join('\n') + '\n';
}

function describePlan(plan: RecreatePlan): string {
  const lines = [
    `Recreate with ${plan.manager} in ${plan.dir}`,
    `Files:    ${plan.files.map((f) => `${f.name} (${f.bytes} bytes)`).join(', ')}`,
    `Command:  ${plan.command}`,
    `Channels: ${plan.channels.join(', ') || '-'}`,
    `Indexes:  ${plan.indexes.join(', ') || '-'}`,
    `Packages: ${plan.packageCount}`,
  ];
  for (const u of plan.unusualSources) lines.push(`Unusual source: ${u}`);
  if (plan.managerVersion.differs) {
    lines.push(`Warning: the record was made with ${plan.manager} ${plan.managerVersion.recorded}, this machine has ${plan.managerVersion.installed}.`);
  }
  for (const w of plan.warnings) lines.push(`Warning: ${w}`);
  return lines.join('\n') + '\n';
}

async function ask(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

export async function recreateCommand(args: RecreateArgs, out: Out, err: Out): Promise<number> {
  const { view } = await load(args.file, args.decoy);
  if (!view) throw new ApiError('INVALID_INPUT', `${path.basename(args.file)} holds several decoys; choose one with --decoy NAME (simdeck inspect lists them).`);
  const plan = planRecreate(view, path.resolve(args.dir), await detectManagers(), args.manager);
  out(describePlan(plan));
  if (!args.yes) {
    if (!process.stdin.isTTY) {
      err('Not running the environment manager without confirmation: add --yes once you have read the plan above.\n');
      return 2;
    }
    if (!(await ask('Install these packages? Only run environment files you trust. [y/N] '))) return 1;
  }
  await writeRecreateFiles(plan, view);
  const logFile = `${plan.dir.replace(/[\\/]+$/, '')}.recreate.log`;
  const handle = startRun(runOptionsForPlan(plan, { env: process.env, logFile }));
  handle.onOutput((chunk, stream) => (stream === 'stderr' ? err : out)(chunk));
  const onSigint = () => handle.cancel();
  process.once('SIGINT', onSigint);
  const info = await handle.done;
  process.off('SIGINT', onSigint);
  err(`\n${info.state}${info.exitCode === null ? '' : ` (exit code ${info.exitCode})`}; log: ${info.logFile}\n`);
  return info.state === 'succeeded' ? 0 : 1;
}
