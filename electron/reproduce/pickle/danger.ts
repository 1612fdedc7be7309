// Globals that no data file has any business naming: if a pickle names one, loading it with Python would run
// code. SimDeck never runs it either way (the unpickler only records names); this list lets readers say so.
const DANGEROUS_MODULES = [
  'os', 'posix', 'nt', 'subprocess', 'sys', 'importlib', 'runpy', 'pty', 'socket', 'shutil', 'ctypes', 'code',
  'codeop', 'pickle', '_pickle', 'marshal', 'webbrowser', 'commands', 'popen2', 'multiprocessing', 'asyncio',
  'threading', '_thread', 'signal', 'tempfile', 'pathlib', 'io', '_io', 'urllib', 'http', 'ftplib', 'smtplib',
  'telnetlib', 'shelve', 'dbm', 'sqlite3', 'inspect', 'types', 'gc', 'pydoc', 'timeit', 'cProfile', 'profile',
  'pdb', 'bdb', 'trace', 'site', 'distutils', 'setuptools', 'pip', 'zipimport', 'pkgutil', 'platform',
];
const DANGEROUS_BUILTINS = new Set([
  'eval', 'exec', 'compile', 'open', '__import__', 'getattr', 'setattr', 'delattr', 'globals', 'locals', 'vars',
  'input', 'breakpoint', 'help', 'exit', 'quit', 'memoryview', 'type', 'object.__reduce__',
]);

/** The globals (canonical `module.name`) that would run code or touch the system if a Python process loaded the pickle. */
export function dangerousGlobals(globals: Iterable<string>): string[] {
  const out: string[] = [];
  for (const g of globals) {
    const dot = g.lastIndexOf('.');
    const module = dot < 0 ? '' : g.slice(0, dot);
    const name = g.slice(dot + 1);
    const root = module.split('.')[0] ?? '';
    if (DANGEROUS_MODULES.includes(root) || ((module === 'builtins' || module === '') && DANGEROUS_BUILTINS.has(name))) out.push(g);
  }
  return out;
}
