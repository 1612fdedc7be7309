// ProxyJump chains as the cluster wizard edits them: a list of hops `user@host:port`, stored as ssh's comma list.
export interface JumpHop {
  user: string;
  host: string;
  port: string;
}

export const emptyHop = (): JumpHop => ({ user: '', host: '', port: '' });

/** "alice@gw.example.edu:2222,bastion" → hops (tolerates spaces and empty parts; IPv6 hosts in brackets). */
export function parseProxyJump(value: string | null | undefined): JumpHop[] {
  if (!value) return [];
  const hops: JumpHop[] = [];
  for (const raw of value.split(',')) {
    const part = raw.trim();
    if (!part) continue;
    let rest = part;
    let user = '';
    const at = rest.lastIndexOf('@');
    if (at >= 0) {
      user = rest.slice(0, at);
      rest = rest.slice(at + 1);
    }
    let host = rest;
    let port = '';
    const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
    const plain = /^([^:]+):(\d+)$/.exec(rest);
    if (v6) {
      host = v6[1] ?? '';
      port = v6[2] ?? '';
    } else if (plain) {
      host = plain[1] ?? '';
      port = plain[2] ?? '';
    }
    hops.push({ user, host, port });
  }
  return hops;
}

/** One hop as ssh writes it; port 22 and empty parts are left out. */
export function formatHop(h: JumpHop): string {
  const host = h.host.trim();
  if (!host) return '';
  const port = h.port.trim();
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return `${h.user.trim() ? `${h.user.trim()}@` : ''}${hostPart}${port && port !== '22' ? `:${port}` : ''}`;
}

/** Hops → "a@b:2222,c" (hops without a host are skipped). */
export function formatProxyJump(hops: readonly JumpHop[]): string {
  return hops.map(formatHop).filter(Boolean).join(',');
}

/** A problem per hop index, for the form (empty when all are fine). */
export function validateHops(hops: readonly JumpHop[]): Record<number, string> {
  const errors: Record<number, string> = {};
  hops.forEach((h, i) => {
    if (!h.host.trim()) errors[i] = 'a jump host needs a host name';
    else if (/[\s,@]/.test(h.host.trim())) errors[i] = 'a host name has no spaces, commas or @';
    else if (h.port.trim() && !(Number.isInteger(Number(h.port)) && Number(h.port) >= 1 && Number(h.port) <= 65535)) errors[i] = 'the port is a number from 1 to 65535';
    else if (/[\s,]/.test(h.user)) errors[i] = 'a user name has no spaces or commas';
  });
  return errors;
}

/** Moves hop i by delta (−1 up, +1 down); out-of-range moves return the list unchanged. */
export function moveHop<T>(list: readonly T[], i: number, delta: number): T[] {
  const j = i + delta;
  if (i < 0 || i >= list.length || j < 0 || j >= list.length) return [...list];
  const out = [...list];
  [out[i], out[j]] = [out[j]!, out[i]!];
  return out;
}
