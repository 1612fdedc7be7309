// What a record's environment string is, where its packages come from, and whether it pins PyRosetta.
// Pure text inspection: nothing here parses YAML/TOML fully or runs anything. The rules follow PyRosettaCluster's
// own producer (config.py / converter_tasks.py) and the official dump_env_file.py / recreate_env.py helpers.
import type { EnvironmentKind, EnvironmentManager } from '../../../shared/reproduce.js';

/** Hosts that serve PyRosetta (PRC's `source_domains`). */
export const ROSETTACOMMONS_HOSTS = ['conda.rosettacommons.org', 'conda.graylab.jhu.edu', 'west.rosettacommons.org'] as const;

/** The channel SimDeck adds to legacy conda YAML whose RosettaCommons channel was stripped by old PRC versions. */
export const ROSETTACOMMONS_CHANNEL = 'https://conda.rosettacommons.org';

const LINES = /\r?\n/;

/**
 * Sniffs what an environment string is, by content (a pixi record may hold conda YAML, a uv record a requirements
 * export): pixi.lock = YAML with top-level `version:` and `environments:`/`packages:`; uv.lock = TOML with a line
 * starting `[[package]]` (the rule dump_env_file.py uses); conda YAML = top-level `channels:`/`dependencies:`;
 * uv requirements = `name==version` lines (with `--hash=` continuations, options and comments).
 */
export function environmentKind(text: string): EnvironmentKind {
  if (text.trim() === '') return 'empty';
  if (/^version:\s*\S/m.test(text) && /^(environments|packages):/m.test(text)) return 'pixi-lock';
  if (/^\[\[package\]\]/m.test(text)) return 'uv-lock';
  if (/^(channels|dependencies):/m.test(text)) return 'conda-yaml';
  if (isRequirements(text)) return 'uv-requirements';
  return 'unknown';
}

const REQ_PIN = /^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*===?\s*[^\s;\\]+/;
const REQ_DIRECT = /^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*@\s*\S+/;
const REQ_OPTION = /^(-i|-f|-e|-c|-r|--index-url|--extra-index-url|--find-links|--no-index|--hash|--editable|--constraint|--requirement|--trusted-host|--only-binary|--no-binary|--prefer-binary|--pre)\b/;

function isRequirements(text: string): boolean {
  let pins = 0;
  for (const raw of text.split(LINES)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (REQ_PIN.test(line)) pins++;
    else if (REQ_DIRECT.test(line) || REQ_OPTION.test(line) || line === '.' || line === '\\') continue;
    else return false;
  }
  return pins > 0;
}

// --- PyRosetta pinning (PRC's maybe_issue_environment_warnings, per manager) --------------------------------------

const HOSTS_RE = ROSETTACOMMONS_HOSTS.map((h) => h.replaceAll('.', '\\.')).join('|');
const PIXI_PINNED = new RegExp(`conda: https?://(${HOSTS_RE})/(linux-64|linux-aarch64|noarch|osx-64|osx-arm64)/pyrosetta-`);
const PIXI_PINNED_NAME = /name: pyrosetta\n/;
const UV_LOCK_PINNED = /^\[\[package\]\]\s*\n\s*name\s*=\s*"pyrosetta"\s*$/m;
const UV_REQ_PINNED = /^pyrosetta\s*==/m;
const UV_LOCK_INSTALLER = /^\[\[package\]\]\s*\n\s*name\s*=\s*"pyrosetta-installer"\s*$/m;
const UV_REQ_INSTALLER = /^pyrosetta-installer\s*==/m;

/**
 * Whether the environment string pins PyRosetta, with PRC's own checks: pixi.lock a RosettaCommons conda URL for
 * pyrosetta (or `name: pyrosetta`); uv.lock a `[[package]] name = "pyrosetta"`; conda YAML `- pyrosetta=`.
 * The rule is chosen by what the text is (kind), falling back to the manager's rule for unrecognised text.
 */
export function pyrosettaPinned(text: string, kind: EnvironmentKind, manager: EnvironmentManager): boolean {
  const text2 = text.replaceAll('\r\n', '\n');
  const rule =
    kind === 'unknown' ? ({ pixi: 'pixi-lock', uv: 'uv-lock', conda: 'conda-yaml', mamba: 'conda-yaml' } as const)[manager] : kind;
  switch (rule) {
    case 'pixi-lock':
      return PIXI_PINNED.test(text2) || PIXI_PINNED_NAME.test(text2);
    case 'uv-lock':
      return UV_LOCK_PINNED.test(text2);
    case 'uv-requirements':
      return UV_REQ_PINNED.test(text2);
    case 'conda-yaml':
      return text2.includes('- pyrosetta=');
    default:
      return false;
  }
}

/** Whether a uv environment installs PyRosetta through pyrosetta-installer (recreate_env.py's test). */
export function usesPyrosettaInstaller(text: string): boolean {
  const text2 = text.replaceAll('\r\n', '\n');
  return UV_LOCK_INSTALLER.test(text2) || UV_REQ_INSTALLER.test(text2);
}

// --- conda YAML helpers -------------------------------------------------------------------------------------------

interface CondaYaml {
  channels: string[];
  /** Top-level dependency entries, without the `pip:` entry. */
  dependencies: string[];
  /** Entries of the `- pip:` sub-list. */
  pip: string[];
}

function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")))) return t.slice(1, -1);
  return t;
}

function stripComment(s: string): string {
  const i = s.search(/\s#/);
  return i === -1 ? s : s.slice(0, i);
}

/** A line-based reading of the conda export format (`conda env export` output is regular enough for this). */
function readCondaYaml(text: string): CondaYaml {
  const out: CondaYaml = { channels: [], dependencies: [], pip: [] };
  let section: 'channels' | 'dependencies' | null = null;
  let pipIndent = -1;
  for (const raw of text.split(LINES)) {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const top = /^([A-Za-z_][\w-]*):\s*(.*)$/.exec(raw);
    if (top) {
      section = top[1] === 'channels' ? 'channels' : top[1] === 'dependencies' ? 'dependencies' : null;
      pipIndent = -1;
      // Flow style: `channels: [a, b]`.
      const flow = /^\[(.*)\]$/.exec((top[2] ?? '').trim());
      if (section && flow) {
        for (const item of (flow[1] ?? '').split(',')) if (item.trim()) out[section].push(unquote(item));
      }
      continue;
    }
    const item = /^(\s*)-\s+(.*)$/.exec(raw);
    if (!item || !section) continue;
    const indent = (item[1] ?? '').length;
    const value = unquote(stripComment(item[2] ?? ''));
    if (section === 'channels') {
      out.channels.push(value);
      continue;
    }
    if (pipIndent >= 0 && indent > pipIndent) {
      out.pip.push(value);
      continue;
    }
    pipIndent = -1;
    if (/^pip:\s*$/.test(value)) {
      pipIndent = indent;
      continue;
    }
    out.dependencies.push(value);
  }
  return out;
}

/** Whether conda YAML lost its RosettaCommons channel (PRC before PR #567 dropped every line naming those hosts). */
export function condaChannelStripped(text: string): boolean {
  const y = readCondaYaml(text);
  const rcSource = (s: string) => ROSETTACOMMONS_HOSTS.some((h) => s.includes(h));
  if (y.channels.some(rcSource)) return false;
  const pyrosettaDeps = y.dependencies.filter((d) => /^(?:[^\s:]+::)?pyrosetta(?:[=<>!\s]|$)/.test(d));
  if (pyrosettaDeps.length === 0) return false;
  // `- somechannel::pyrosetta=…` names its own channel: nothing was stripped for it.
  return pyrosettaDeps.some((d) => !d.includes('::'));
}

/**
 * Adds `https://conda.rosettacommons.org` as the first channel of conda YAML (creating `channels:` if the strip
 * removed them all), keeping the rest of the text byte for byte.
 */
export function addRosettaCommonsChannel(text: string): string {
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(LINES);
  const at = lines.findIndex((l) => /^channels:\s*$/.test(l));
  if (at >= 0) {
    const next = lines.slice(at + 1).find((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
    const indent = next && /^\s*-\s/.test(next) ? (/^(\s*)/.exec(next)?.[1] ?? '  ') : '  ';
    lines.splice(at + 1, 0, `${indent}- ${ROSETTACOMMONS_CHANNEL}`);
    return lines.join(nl);
  }
  const flow = lines.findIndex((l) => /^channels:\s*\[/.test(l));
  if (flow >= 0) {
    lines[flow] = (lines[flow] ?? '').replace(/^channels:\s*\[\s*/, (m) => `${m}${ROSETTACOMMONS_CHANNEL}, `).replace(', ]', ']');
    return lines.join(nl);
  }
  const deps = lines.findIndex((l) => /^dependencies:/.test(l));
  const block = ['channels:', `  - ${ROSETTACOMMONS_CHANNEL}`];
  lines.splice(deps >= 0 ? deps : 0, 0, ...block);
  return lines.join(nl);
}

// --- sources --------------------------------------------------------------------------------------------------------

export interface UnusualSource {
  source: string;
  reason: string;
}

export interface EnvironmentSources {
  /** conda channels (names or URLs), in order of appearance, without duplicates. */
  channels: string[];
  /** Python package indexes, find-links locations and direct URLs (credentials masked). */
  indexes: string[];
  /** Number of packages the environment lists. */
  packageCount: number;
  /** Sources outside conda-forge, PyPI and RosettaCommons, each with why it deserves a second look. */
  unusual: UnusualSource[];
}

/** Hides `user:password@` in URLs: records may carry credentials for private channels. */
export function maskCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/i, '$1***@');
}

function hostOf(source: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/@\s]*@)?([^/:?#\s]+)/i.exec(source);
  return m ? (m[1] ?? '').toLowerCase() : null;
}

const DEFAULTS_NAMES = new Set(['defaults', 'main', 'r', 'msys2', 'anaconda', 'free', 'pro']);
const LICENCE_REASON =
  "Anaconda's default channels (defaults/main, repo.anaconda.com): their terms of service may require a paid licence for organisations; prefer conda-forge";
const OTHER_REASON = 'not conda-forge, PyPI or RosettaCommons: check that you trust it and that it is still online';

/** Why a channel/index is unusual, or null when it is conda-forge, PyPI or RosettaCommons. */
export function unusualReason(source: string): string | null {
  const s = source.trim();
  const host = hostOf(s);
  if (host === null) {
    if (s.startsWith('/') || s.startsWith('.') || s.startsWith('file:') || /^[A-Za-z]:[\\/]/.test(s)) {
      return 'a local path: it will not exist on another machine';
    }
    const name = s.replace(/\/+$/, '').toLowerCase();
    if (name === 'conda-forge') return null;
    if (DEFAULTS_NAMES.has(name)) return LICENCE_REASON;
    return OTHER_REASON;
  }
  if ((ROSETTACOMMONS_HOSTS as readonly string[]).includes(host)) return null;
  if (host === 'pypi.org' || host === 'files.pythonhosted.org') return null;
  const path = s.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').toLowerCase();
  if (host === 'conda.anaconda.org') {
    if (/^\/conda-forge(\/|$)/.test(path)) return null;
    if (/^\/(anaconda|main|r|msys2)(\/|$)/.test(path)) return LICENCE_REASON;
    return OTHER_REASON;
  }
  if ((host === 'prefix.dev' || host === 'repo.prefix.dev') && /^\/conda-forge(\/|$)/.test(path)) return null;
  if (host === 'repo.anaconda.com' || host.endsWith('.anaconda.com')) return LICENCE_REASON;
  return OTHER_REASON;
}

/** conda channel base of a package URL: `https://conda.anaconda.org/conda-forge/linux-64/x.conda` → `…/conda-forge`. */
function channelOfPackageUrl(url: string): string {
  const m = /^(.*?)\/(linux-64|linux-aarch64|linux-ppc64le|noarch|osx-64|osx-arm64|win-64|win-arm64)\/[^/]+$/.exec(url);
  return m ? (m[1] ?? url) : url;
}

/** Index or location of a Python package URL: its scheme and host (file URLs on PyPI's CDN → PyPI). */
function indexOfPackageUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/]+)/i.exec(url.replace(/^git\+/, ''));
  return m ? (m[1] ?? url) : url;
}

function requirementOptionValue(line: string): { option: string; value: string } | null {
  const m = /^(-i|-f|--index-url|--extra-index-url|--find-links)(?:\s*=\s*|\s+)(\S+)/.exec(line.trim());
  return m ? { option: m[1] ?? '', value: m[2] ?? '' } : null;
}

/**
 * Channels, indexes and package count of an environment string, and its sources that deserve a second look
 * (anything not conda-forge, PyPI or RosettaCommons; Anaconda's `defaults` with the licence reason).
 */
export function environmentSources(text: string, kind: EnvironmentKind): EnvironmentSources {
  const channels: string[] = [];
  const indexes: string[] = [];
  let packageCount = 0;
  const addChannel = (c: string) => {
    const v = maskCredentials(c.trim().replace(/\/+$/, ''));
    if (v && !channels.includes(v)) channels.push(v);
  };
  const addIndex = (c: string) => {
    const v = maskCredentials(c.trim().replace(/\/+$/, ''));
    if (v && !indexes.includes(v)) indexes.push(v);
  };
  const lines = text.split(LINES);

  const readPipEntries = (entries: string[]) => {
    for (const e of entries) {
      const opt = requirementOptionValue(e);
      if (opt) addIndex(opt.value);
      else if (e.startsWith('-')) continue;
      else {
        packageCount++;
        const direct = /@\s*(\S+)/.exec(e) ?? /^((?:git\+)?[a-z][a-z0-9+.-]*:\/\/\S+)/i.exec(e);
        if (direct) addIndex(indexOfPackageUrl(direct[1] ?? ''));
      }
    }
  };

  switch (kind) {
    case 'conda-yaml': {
      const y = readCondaYaml(text);
      y.channels.forEach(addChannel);
      for (const d of y.dependencies) {
        packageCount++;
        const m = /^([^\s:]+)::/.exec(d);
        if (m) addChannel(m[1] ?? '');
      }
      readPipEntries(y.pip);
      break;
    }
    case 'pixi-lock': {
      let inChannels = false;
      let inIndexes = false;
      let inTopPackages = false;
      for (const raw of lines) {
        if (/^[A-Za-z_]/.test(raw)) inTopPackages = /^packages:/.test(raw);
        const key = /^(\s*)(channels|indexes|find-links):\s*$/.exec(raw);
        if (key) {
          inChannels = key[2] === 'channels';
          inIndexes = !inChannels;
          continue;
        }
        const url = /^\s*-\s+url:\s*(\S+)/.exec(raw);
        if (inChannels && url) {
          addChannel(unquote(url[1] ?? ''));
          continue;
        }
        const plain = /^\s*-\s+(?:url:\s*|path:\s*)?(\S+)\s*$/.exec(raw);
        if (inIndexes && plain && !/^(conda|pypi):/.test(plain[1] ?? '')) {
          addIndex(unquote(plain[1] ?? ''));
          continue;
        }
        if (!/^\s*-\s+(url|path):/.test(raw)) {
          inChannels = false;
          inIndexes = false;
        }
        const pkg = /^(\s*)-\s+(conda|pypi|kind):\s*(\S+)/.exec(raw);
        if (!pkg) continue;
        if (inTopPackages && (pkg[1] ?? '').length <= 2) packageCount++;
        if (pkg[2] === 'conda') addChannel(channelOfPackageUrl(unquote(pkg[3] ?? '')));
        else if (pkg[2] === 'pypi') {
          const u = unquote(pkg[3] ?? '');
          if (/^[a-z][a-z0-9+.-]*:\/\//i.test(u)) addIndex(indexOfPackageUrl(u));
          else if (u !== '.') addIndex(u);
        }
      }
      break;
    }
    case 'uv-lock': {
      for (const raw of lines) {
        if (/^\[\[package\]\]/.test(raw)) packageCount++;
        const src = /^source\s*=\s*\{(.*)\}\s*$/.exec(raw);
        if (!src) continue;
        const field = /\b(registry|url|git|path|directory|editable|virtual)\s*=\s*"([^"]*)"/.exec(src[1] ?? '');
        if (!field) continue;
        const [, what, value = ''] = field;
        if (what === 'registry') addIndex(value);
        else if (what === 'url' || what === 'git') addIndex(indexOfPackageUrl(value));
        else if (value !== '.' && value !== '') addIndex(value);
      }
      // find-links given in [tool.uv] are recorded under [manifest] / options in some uv versions.
      for (const m of text.matchAll(/find-links\s*=\s*\[([^\]]*)\]/g)) {
        for (const u of (m[1] ?? '').matchAll(/"([^"]+)"/g)) addIndex(u[1] ?? '');
      }
      break;
    }
    case 'uv-requirements': {
      for (const raw of lines) {
        const line = raw.trim();
        if (line === '' || line.startsWith('#')) continue;
        const opt = requirementOptionValue(line);
        if (opt) {
          addIndex(opt.value);
          continue;
        }
        if (REQ_PIN.test(line)) packageCount++;
        else if (REQ_DIRECT.test(line)) {
          packageCount++;
          const u = /@\s*(\S+)/.exec(line);
          if (u) addIndex(indexOfPackageUrl(u[1] ?? ''));
        }
      }
      break;
    }
    default:
      break;
  }
  const unusual: UnusualSource[] = [];
  for (const s of [...channels, ...indexes]) {
    const reason = unusualReason(s);
    if (reason) unusual.push({ source: s, reason });
  }
  return { channels, indexes, packageCount, unusual };
}
