// Parsing of sinfo output into what a target check reports. Pure functions, so they are unit-tested without a
// cluster. We ask sinfo for one line per node and partition (-N): node counts then need no hostlist expansion
// ("node[01-40]") and a node in two partitions is still counted once.
import { commandLine } from '../core/shell-quote.js';

export const SINFO_VERSION_CMD = commandLine(['sinfo', '--version']);
export const SINFO_NODES_FORMAT = '%N|%P|%a|%T|%c|%G';
export const SINFO_NODES_CMD = commandLine(['sinfo', '-h', '-N', '-o', SINFO_NODES_FORMAT]);

/** "slurm 23.02.7", "slurm-wlm 22.05.8" -> "22.05.8" */
export function parseSinfoVersion(out: string): string | null {
  return /(\d+\.\d+(?:\.\d+)?(?:-\S+)?)/.exec(out)?.[1] ?? null;
}

export interface PartitionInfo {
  name: string;
  isDefault: boolean;
  /** up, down, drain, inact */
  availability: string;
  nodes: number;
}

export interface SinfoSummary {
  partitions: PartitionInfo[];
  /** node name -> state without sinfo's flag suffixes (idle*, mixed~ -> idle, mixed) */
  nodeStates: Map<string, string>;
  cpus: number;
  gres: string[];
  /** partition -> GPUs on its nodes (from gres like gpu:a100:4 or gpu:4). */
  gpusByPartition: Map<string, number>;
}

/** GPUs in a node's gres field: "gpu:a100:4(S:0-1),shard:8" -> 4. */
export function gpusInGres(gres: string): number {
  let n = 0;
  for (const item of gres.split(',')) {
    const m = /^gpu(?::[^:(]+)?:(\d+)/.exec(item.trim());
    if (m) n += Number(m[1]);
  }
  return n;
}

export function parseSinfoNodes(out: string): SinfoSummary {
  const partitions = new Map<string, PartitionInfo>();
  const nodeStates = new Map<string, string>();
  const cpusByNode = new Map<string, number>();
  const gres = new Set<string>();
  const gpusByPartition = new Map<string, number>();
  for (const line of out.split('\n')) {
    if (!line.trim()) continue;
    const [node = '', rawPartition = '', availability = '', rawState = '', cpus = '', g = ''] = line.split('|');
    if (!node) continue;
    const isDefault = rawPartition.endsWith('*');
    const name = isDefault ? rawPartition.slice(0, -1) : rawPartition;
    const p = partitions.get(name) ?? { name, isDefault, availability, nodes: 0 };
    p.nodes += 1;
    partitions.set(name, p);
    // State flags: * not responding, ~ powered off, # powering up, ! pending power down, % powering down, $ maint,
    // @ pending reboot, ^ rebooting, - planned. The word before them is what a researcher cares about.
    nodeStates.set(node, rawState.replace(/[^A-Za-z_]+$/, '').toLowerCase());
    cpusByNode.set(node, Number.parseInt(cpus, 10) || 0);
    if (g && g !== '(null)') gres.add(g);
    gpusByPartition.set(name, (gpusByPartition.get(name) ?? 0) + (g && g !== '(null)' ? gpusInGres(g) : 0));
  }
  return {
    partitions: [...partitions.values()],
    nodeStates,
    cpus: [...cpusByNode.values()].reduce((a, b) => a + b, 0),
    gres: [...gres],
    gpusByPartition,
  };
}

/** The user's accounts and QOS from `sacctmgr -nP show associations user=<u> format=Account,QOS`. */
export function parseAssociations(out: string): { accounts: string[]; qos: string[] } {
  const accounts = new Set<string>();
  const qos = new Set<string>();
  for (const line of out.split('\n')) {
    const [account = '', q = ''] = line.trim().split('|');
    if (account) accounts.add(account);
    for (const x of q.split(',')) if (x) qos.add(x);
  }
  return { accounts: [...accounts], qos: [...qos] };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "idle=3, mixed=1", most common state first. */
export function countStates(states: Map<string, string>): [string, number][] {
  const counts = new Map<string, number>();
  for (const s of states.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** "SLURM 22.05.8, 1 partition (debug), 1 node idle" */
export function summarize(version: string, s: SinfoSummary): string {
  const names = s.partitions.map((p) => p.name);
  const shown = names.length > 5 ? [...names.slice(0, 5), '…'] : names;
  const states = countStates(s.nodeStates);
  let nodes: string;
  if (s.nodeStates.size === 0) nodes = 'no nodes';
  else if (states.length === 1) nodes = `${plural(s.nodeStates.size, 'node')} ${states[0]?.[0]}`;
  else nodes = `${plural(s.nodeStates.size, 'node')}: ${states.map(([st, n]) => `${n} ${st}`).join(', ')}`;
  return `SLURM ${version}, ${plural(names.length, 'partition')}${names.length ? ` (${shown.join(', ')})` : ''}, ${nodes}`;
}
