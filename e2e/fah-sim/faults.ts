// Fault injection and request accounting shared by the WS and the AS servers.

export type ServerName = 'ws' | 'as';

export interface FaultRule {
  /** Which server; default both. */
  server?: ServerName;
  /** HTTP method to match (any when unset). */
  method?: string;
  /** Pathname to match: exact string, or RegExp. Any path when unset. */
  path?: string | RegExp;
  /** How many matching requests to affect; default 1. Use Infinity for "from now on". */
  times?: number;
  /** Reply with this status and `{"error": ...}` instead of handling the request (500/502/503 ...). */
  status?: number;
  /** Wait this many REAL ms before handling (or before the injected status/destroy). */
  delayMs?: number;
  /**
   * Destroy the socket: 'before-response' (no bytes at all) or 'mid-response' (the real status line, headers with
   * the full Content-Length and about half of the body are sent, then the socket is destroyed).
   */
  destroy?: 'before-response' | 'mid-response';
}

export interface RequestRecord {
  server: ServerName;
  method: string;
  path: string;
  query: string;
  status: number;
  /** Client certificate CN (email), when one was presented. */
  cn?: string;
  at: number;
}

interface ActiveRule extends FaultRule {
  left: number;
}

export class Faults {
  private rules: ActiveRule[] = [];
  readonly requests: RequestRecord[] = [];
  private readonly counts = new Map<string, number>();

  /** Add a rule; returns a function that removes it. */
  add(rule: FaultRule): () => void {
    const active: ActiveRule = { ...rule, left: rule.times ?? 1 };
    this.rules.push(active);
    return () => {
      this.rules = this.rules.filter((r) => r !== active);
    };
  }

  /** The next `n` requests (optionally on one path) get `status`. */
  failNext(n: number, status = 503, match: Pick<FaultRule, 'server' | 'method' | 'path'> = {}): () => void {
    return this.add({ ...match, times: n, status });
  }

  delayNext(n: number, delayMs: number, match: Pick<FaultRule, 'server' | 'method' | 'path'> = {}): () => void {
    return this.add({ ...match, times: n, delayMs });
  }

  destroyNext(n: number, how: FaultRule['destroy'] = 'mid-response', match: Pick<FaultRule, 'server' | 'method' | 'path'> = {}): () => void {
    return this.add({ ...match, times: n, destroy: how });
  }

  clear(): void {
    this.rules = [];
  }

  /** Called once per request: counts it and consumes the first matching rule. */
  take(server: ServerName, method: string, path: string): FaultRule | undefined {
    const k = `${method} ${path}`;
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
    for (const rule of this.rules) {
      if (rule.left <= 0) continue;
      if (rule.server && rule.server !== server) continue;
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (rule.path !== undefined && !(typeof rule.path === 'string' ? rule.path === path : rule.path.test(path))) continue;
      rule.left--;
      if (rule.left <= 0) this.rules = this.rules.filter((r) => r !== rule);
      return rule;
    }
    return undefined;
  }

  /** Requests seen on `path` (any method, or only `method`), faulted ones included. */
  count(path: string, method?: string): number {
    if (method) return this.counts.get(`${method.toUpperCase()} ${path}`) ?? 0;
    let n = 0;
    for (const [k, v] of this.counts) if (k.slice(k.indexOf(' ') + 1) === path) n += v;
    return n;
  }

  resetCounts(): void {
    this.counts.clear();
    this.requests.length = 0;
  }
}
