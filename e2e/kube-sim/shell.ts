// The commands `kubectl exec` (and SimDeck's Exec over WebSocket) can run in a simulated pod. A tiny shell:
// `sh -c` / `bash -c` scripts with `;`, `&&`, `||`, newlines, pipes and quotes; no variables, globs or redirects.
// Commands: cat, head, tail, ls, wc -l, echo, true, false, test -f/-d/-e, stat -c %s, nvidia-smi (SIMULATED
// numbers). Anything else exits 127, as a real shell does for a command it cannot find.
import { normalise, type PodFs } from './pod-files.js';

export interface ShellContext {
  fs: PodFs;
  cwd?: string;
  /** [utilization %, memory used MiB, memory total MiB] */
  gpu: () => [number, number, number];
  gpuName: string;
}

export interface Result {
  stdout: string;
  stderr: string;
  code: number;
}

/** Splits a shell line into words, honouring single and double quotes and backslash escapes. */
export function tokenize(script: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let q: '"' | "'" | undefined;
  for (let i = 0; i < script.length; i++) {
    const ch = script[i] as string;
    if (q) {
      if (ch === q) q = undefined;
      else if (ch === '\\' && q === '"' && i + 1 < script.length) cur += script[++i];
      else cur += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      q = ch;
      has = true;
    } else if (ch === '\\' && i + 1 < script.length) {
      cur += script[++i];
      has = true;
    } else if (/\s/.test(ch) && ch !== '\n') {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else if (ch === '\n' || ch === ';' || ch === '|' || ch === '&') {
      if (has) out.push(cur);
      cur = '';
      has = false;
      const two = script.slice(i, i + 2);
      if (two === '&&' || two === '||') {
        out.push(two);
        i++;
      } else out.push(ch === '\n' ? ';' : ch);
    } else {
      cur += ch;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function countArg(args: string[], dflt: number): { n: number; files: string[] } {
  let n = dflt;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-n') n = Number(args[++i]);
    else if (/^-n\d+$/.test(a)) n = Number(a.slice(2));
    else if (/^-\d+$/.test(a)) n = Number(a.slice(1));
    else files.push(a);
  }
  return { n, files };
}

function abs(ctx: ShellContext, p: string): string {
  return normalise(p.startsWith('/') ? p : `${ctx.cwd ?? '/'}/${p}`);
}

/** One simple command; `input` is the previous pipeline stage's stdout. */
function simple(argv: string[], ctx: ShellContext, input: string | undefined): Result {
  const [cmd = '', ...args] = argv;
  const ok = (stdout: string): Result => ({ stdout, stderr: '', code: 0 });
  const name = cmd.split('/').pop() ?? cmd;
  const readFile = (p: string): string | Result => {
    const path = abs(ctx, p);
    const lines = ctx.fs.read(path);
    if (lines) return lines.map((l) => `${l}\n`).join('');
    if (ctx.fs.isDir(path)) return { stdout: '', stderr: `${name}: ${p}: Is a directory\n`, code: 1 };
    return { stdout: '', stderr: `${name}: ${p === '' ? "''" : p}: No such file or directory\n`, code: 1 };
  };
  const headTail = (tail: boolean): Result => {
    const { n, files } = countArg(args, 10);
    let src: string | Result = input ?? '';
    if (files[0]) src = readFile(files[0]);
    if (typeof src !== 'string') return src;
    const lines = splitLines(src);
    const picked = tail ? lines.slice(Math.max(0, lines.length - n)) : lines.slice(0, n);
    return ok(picked.map((l) => `${l}\n`).join(''));
  };
  switch (name) {
    case 'cat': {
      if (args.length === 0) return ok(input ?? '');
      let out = '';
      for (const a of args) {
        const r = readFile(a);
        if (typeof r !== 'string') return { ...r, stdout: out };
        out += r;
      }
      return ok(out);
    }
    case 'head':
      return headTail(false);
    case 'tail':
      return headTail(true);
    case 'wc': {
      const files = args.filter((a) => !a.startsWith('-'));
      if (files[0]) {
        const r = readFile(files[0]);
        if (typeof r !== 'string') return r;
        return ok(`${splitLines(r).length} ${files[0]}\n`);
      }
      return ok(`${splitLines(input ?? '').length}\n`);
    }
    case 'ls': {
      const long = args.some((a) => /^-[a-zA-Z]*l/.test(a));
      const paths = args.filter((a) => !a.startsWith('-'));
      const target = abs(ctx, paths[0] ?? '.');
      const file = ctx.fs.read(target);
      if (file) return ok(`${paths[0]}\n`);
      if (!ctx.fs.isDir(target)) return { stdout: '', stderr: `ls: cannot access '${paths[0]}': No such file or directory\n`, code: 2 };
      const entries = ctx.fs.children(target).filter((e) => !e.name.startsWith('.'));
      if (!long) return ok(entries.map((e) => `${e.name}\n`).join(''));
      const rows = entries.map((e) => {
        const size = e.dir ? 4096 : (ctx.fs.read(`${target}/${e.name}`) ?? []).reduce((n, l) => n + l.length + 1, 0);
        return `${e.dir ? 'drwxrwxrwx' : '-rw-r--r--'} 1 mambauser mambauser ${String(size).padStart(8)} Nov 22 10:00 ${e.name}\n`;
      });
      return ok(`total ${entries.length * 4}\n${rows.join('')}`);
    }
    case 'stat': {
      const f = args.filter((a) => !a.startsWith('-') && a !== '%s');
      const lines = f[0] ? ctx.fs.read(abs(ctx, f[0])) : undefined;
      if (!lines) return { stdout: '', stderr: `stat: cannot statx '${f[0] ?? ''}': No such file or directory\n`, code: 1 };
      return ok(`${lines.reduce((n, l) => n + l.length + 1, 0)}\n`);
    }
    case 'test':
    case '[': {
      const a = name === '[' ? args.slice(0, -1) : args;
      const p = abs(ctx, a[1] ?? '');
      const isFile = !!ctx.fs.read(p);
      const isDir = ctx.fs.isDir(p);
      const r = a[0] === '-f' ? isFile : a[0] === '-d' ? isDir : a[0] === '-s' ? (ctx.fs.read(p)?.length ?? 0) > 0 : isFile || isDir;
      return { stdout: '', stderr: '', code: r ? 0 : 1 };
    }
    case 'echo':
      return ok(`${args.join(' ')}\n`);
    case 'true':
      return ok('');
    case 'false':
      return { stdout: '', stderr: '', code: 1 };
    case 'nvidia-smi': {
      // SIMULATED: numbers come from the controller (busy ~93-99 % while production runs), not from a GPU.
      const [util, used, total] = ctx.gpu();
      const query = args.find((a) => a.startsWith('--query-gpu='));
      if (query) {
        const fields = query.slice('--query-gpu='.length).split(',');
        const noUnits = args.some((a) => a.includes('nounits'));
        const noHeader = args.some((a) => a.includes('noheader'));
        const vals = fields.map((f) => {
          if (f === 'utilization.gpu') return noUnits ? `${util}` : `${util} %`;
          if (f === 'memory.used') return noUnits ? `${used}` : `${used} MiB`;
          if (f === 'memory.total') return noUnits ? `${total}` : `${total} MiB`;
          if (f === 'name') return ctx.gpuName.replace(/-/g, ' ');
          return '[N/A]';
        });
        const header = noHeader ? '' : `${fields.join(', ')}\n`;
        return ok(`${header}${vals.join(', ')}\n`);
      }
      return ok(`SIMULATED nvidia-smi (SimDeck kube-sim)\n| GPU  Name: ${ctx.gpuName}  Util: ${util}%  Memory: ${used}MiB / ${total}MiB |\n`);
    }
    case 'sh':
    case 'bash': {
      const i = args.indexOf('-c');
      if (i >= 0) return runScript(args[i + 1] ?? '', ctx);
      return { stdout: '', stderr: `${name}: interactive shells are not simulated\n`, code: 2 };
    }
    default:
      return { stdout: '', stderr: `sh: 1: ${cmd}: not found\n`, code: 127 };
  }
}

/** Runs a script: lists joined by ; && || and pipelines joined by |. */
export function runScript(script: string, ctx: ShellContext): Result {
  const toks = tokenize(script);
  let stdout = '';
  let stderr = '';
  let code = 0;
  let i = 0;
  let skip = false;
  while (i < toks.length) {
    // One pipeline up to ; && || (or the end).
    const stages: string[][] = [[]];
    while (i < toks.length && !['&&', '||', ';'].includes(toks[i] as string)) {
      const t = toks[i] as string;
      if (t === '|') stages.push([]);
      else if (t !== '&') stages[stages.length - 1]?.push(t);
      i++;
    }
    const sep = toks[i];
    i++;
    if (!skip && stages.some((s) => s.length > 0)) {
      let input: string | undefined;
      let r: Result = { stdout: '', stderr: '', code: 0 };
      for (const s of stages) {
        r = simple(s, ctx, input);
        stderr += r.stderr;
        input = r.stdout;
      }
      stdout += r.stdout;
      code = r.code;
    }
    skip = sep === '&&' ? code !== 0 : sep === '||' ? code === 0 : false;
  }
  return { stdout, stderr, code };
}

/** Exec's argv (no shell unless argv[0] is one). */
export function runArgv(argv: string[], ctx: ShellContext): Result {
  if (argv.length === 0) return { stdout: '', stderr: 'no command\n', code: 126 };
  return simple(argv, ctx, undefined);
}
