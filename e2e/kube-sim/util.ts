// Small shared pieces of the Kubernetes API simulator: deterministic randomness, names, timestamps and the
// metav1.Status bodies the real API server returns for errors (clients branch on `reason` and `code`).
import type { IStatus } from '@kubernetes-models/apimachinery/apis/meta/v1/Status';

/** mulberry32: tiny, fast and seedable, so a seeded simulator produces the same pods, names and CV samples. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(this.next() * 16).toString(16);
    return s;
  }
  /** Same alphabet as the API server's generateName suffix (utilrand.String: no vowels, no confusable digits). */
  suffix(n = 5): string {
    const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }
  uid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${'89ab'[Math.floor(this.next() * 4)]}${this.hex(3)}-${this.hex(12)}`;
  }
}

/** RFC 3339 with second precision, as metav1.Time serialises. */
export function isoNow(ms = Date.now()): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export type Reason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Unauthorized'
  | 'BadRequest'
  | 'MethodNotAllowed'
  | 'Expired'
  | 'Invalid'
  | 'UnsupportedMediaType'
  | 'Conflict';

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: Reason,
    message: string,
    readonly details?: IStatus['details'],
  ) {
    super(message);
  }
  toStatus(): IStatus {
    return statusFailure(this.code, this.reason, this.message, this.details);
  }
}

export function statusFailure(code: number, reason: Reason, message: string, details?: IStatus['details']): IStatus {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

export function notFound(resource: string, group: string, name: string): ApiError {
  const qualified = group ? `${resource}.${group}` : resource;
  return new ApiError(404, 'NotFound', `${qualified} "${name}" not found`, { name, group, kind: resource });
}

/** Deep copy through JSON: stored objects never share structure with what callers hold. */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}
