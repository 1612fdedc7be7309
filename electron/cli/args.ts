// Command-line parsing for `simdeck`. Small on purpose: each subcommand lists its flags here, and anything
// unknown is an error that says what is accepted.
export interface ServeArgs {
  command: 'serve';
  port: number;
  workspace?: string;
  open: boolean;
}
export interface InspectArgs {
  command: 'inspect';
  file: string;
  decoy?: string;
  json: boolean;
}
export interface RecreateArgs {
  command: 'recreate';
  file: string;
  dir: string;
  decoy?: string;
  manager?: 'conda' | 'mamba' | 'pixi' | 'uv';
  yes: boolean;
}
export type CliArgs = ServeArgs | InspectArgs | RecreateArgs | { command: 'version' } | { command: 'help' };

export class UsageError extends Error {}

export const USAGE = `Usage:
  simdeck serve [--port N] [--workspace DIR] [--open]   SimDeck in your browser, on 127.0.0.1 only
  simdeck inspect FILE [--decoy NAME] [--json]         show the PyRosettaCluster record of a result file
  simdeck recreate FILE --dir DIR [--manager M] [--decoy NAME] [--yes]
                                                       recreate the record's environment in DIR
  simdeck --version                                    print the version
  simdeck help                                         this text

  --port N         port to listen on (default 0: any free port)
  --workspace DIR  workspace directory (default: $SIMDECK_WORKSPACE, else your user-data directory)
  --open           open the address in your default browser
  --decoy NAME     which decoy of a scorefile (default: the only one; scorefiles list their decoys)
  --json           print the record itself ({"instance", "metadata", "scores"}) plus "warnings"
  --manager M      conda, mamba, pixi or uv (default: the one recorded)
  --yes            do not ask before running the environment manager`;

export function parseArgs(argv: string[]): CliArgs {
  const [first, ...rest] = argv;
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') return { command: 'help' };
  if (first === '--version' || first === '-v' || first === 'version') return { command: 'version' };
  if (first === 'inspect') return parseInspect(rest);
  if (first === 'recreate') return parseRecreate(rest);
  if (first !== 'serve') throw new UsageError(`Unknown command "${first}".`);
  const out: ServeArgs = { command: 'serve', port: 0, open: false };
  for (const { name, value } of flags(rest, 'serve')) {
    if (name === '--port') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError('--port must be a whole number from 0 to 65535.');
      out.port = n;
    } else if (name === '--workspace') out.workspace = value();
    else if (name === '--open') out.open = true;
    else throw new UsageError(`Unknown option "${name}" for serve.`);
  }
  return out;
}

/** Splits `--flag value`, `--flag=value` and positional arguments; `value()` consumes the flag's value. */
function* flags(args: string[], command: string) {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      yield { name: '', positional: arg, value: () => arg };
      continue;
    }
    const [name, inline] = arg.includes('=') ? (arg.split(/=(.*)/s, 2) as [string, string]) : [arg, undefined];
    yield {
      name,
      positional: undefined,
      value: () => {
        const v = inline ?? args[++i];
        if (v === undefined || v === '' || (inline === undefined && v.startsWith('--'))) {
          throw new UsageError(`${name} needs a value (simdeck ${command}).`);
        }
        return v;
      },
    };
  }
}

function parseInspect(args: string[]): InspectArgs {
  let file: string | undefined;
  const out: Omit<InspectArgs, 'file'> = { command: 'inspect', json: false };
  for (const f of flags(args, 'inspect')) {
    if (f.positional !== undefined) {
      if (file !== undefined) throw new UsageError('simdeck inspect takes one file at a time.');
      file = f.positional;
    } else if (f.name === '--decoy') out.decoy = f.value();
    else if (f.name === '--json') out.json = true;
    else throw new UsageError(`Unknown option "${f.name}" for inspect.`);
  }
  if (!file) throw new UsageError('simdeck inspect needs a file: a decoy (.pdb, .pdb.bz2, ...), a scorefile or an .init file.');
  return { ...out, file };
}

const MANAGERS = ['conda', 'mamba', 'pixi', 'uv'] as const;

function parseRecreate(args: string[]): RecreateArgs {
  let file: string | undefined;
  let dir: string | undefined;
  const out: Omit<RecreateArgs, 'file' | 'dir'> = { command: 'recreate', yes: false };
  for (const f of flags(args, 'recreate')) {
    if (f.positional !== undefined) {
      if (file !== undefined) throw new UsageError('simdeck recreate takes one file.');
      file = f.positional;
    } else if (f.name === '--dir') dir = f.value();
    else if (f.name === '--decoy') out.decoy = f.value();
    else if (f.name === '--yes' || f.name === '-y') out.yes = true;
    else if (f.name === '--manager') {
      const m = f.value();
      if (!(MANAGERS as readonly string[]).includes(m)) throw new UsageError(`--manager must be one of ${MANAGERS.join(', ')}.`);
      out.manager = m as RecreateArgs['manager'];
    } else throw new UsageError(`Unknown option "${f.name}" for recreate.`);
  }
  if (!file) throw new UsageError('simdeck recreate needs the result file whose environment to recreate.');
  if (!dir) throw new UsageError('simdeck recreate needs --dir DIR: the new folder for the environment.');
  return { ...out, file, dir };
}
