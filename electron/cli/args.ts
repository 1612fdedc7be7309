// Command-line parsing for `simdeck`. Small on purpose: each subcommand lists its flags here, and anything
// unknown is an error that says what is accepted.
export interface ServeArgs {
  command: 'serve';
  port: number;
  workspace?: string;
  open: boolean;
}
export type CliArgs = ServeArgs | { command: 'version' } | { command: 'help' };

export class UsageError extends Error {}

export const USAGE = `Usage:
  simdeck serve [--port N] [--workspace DIR] [--open]   SimDeck in your browser, on 127.0.0.1 only
  simdeck --version                                    print the version
  simdeck help                                         this text

  --port N         port to listen on (default 0: any free port)
  --workspace DIR  workspace directory (default: $SIMDECK_WORKSPACE, else your user-data directory)
  --open           open the address in your default browser`;

export function parseArgs(argv: string[]): CliArgs {
  const [first, ...rest] = argv;
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') return { command: 'help' };
  if (first === '--version' || first === '-v' || first === 'version') return { command: 'version' };
  if (first !== 'serve') throw new UsageError(`Unknown command "${first}".`);
  const out: ServeArgs = { command: 'serve', port: 0, open: false };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!;
    const [name, inline] = flag.includes('=') ? flag.split(/=(.*)/s, 2) : [flag, undefined];
    const value = () => {
      const v = inline ?? rest[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value.`);
      return v;
    };
    if (name === '--port') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError('--port must be a whole number from 0 to 65535.');
      out.port = n;
    } else if (name === '--workspace') out.workspace = value();
    else if (name === '--open') out.open = true;
    else throw new UsageError(`Unknown option "${flag}" for serve.`);
  }
  return out;
}
