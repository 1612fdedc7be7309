// Shared by the simulator's tests: a fast window (125,000 steps), REST helpers and a clock that runs to a condition.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { startKubeSim, type KubeSim, type KubeSimOptions } from './server.js';

export const FAST_RUN = {
  nSteps: 125_000,
  outputFrequency: 2_500,
  checkpointFrequency: 25_000,
  saveStateFrequency: 62_500,
  equilibrationSteps: 100_000,
  pipSeconds: 30,
  uploadSeconds: 10,
};

export function startFast(opts: KubeSimOptions = {}): Promise<KubeSim> {
  return startKubeSim({ autoRun: false, seed: 7, run: FAST_RUN, ...opts });
}

/** One REST call; over https the simulator's self-signed certificate is the trusted CA. */
export function api<T = unknown>(sim: KubeSim, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const url = new URL(path, sim.url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, ca: sim.caCert, headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : undefined) as T });
          } catch {
            resolve({ status: res.statusCode ?? 0, body: text as T });
          }
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export async function createJob(sim: KubeSim, ns: string, job: IJob): Promise<IJob> {
  const r = await api<IJob>(sim, 'POST', `/apis/batch/v1/namespaces/${ns}/jobs`, job);
  if (r.status !== 201) throw new Error(`create job: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Tick the simulated clock until `done()` holds; fails after `maxSeconds` simulated seconds. */
export function runUntil(sim: KubeSim, done: () => boolean, maxSeconds = 100_000, step = 30): number {
  let t = 0;
  while (!done()) {
    if (t >= maxSeconds) throw new Error(`condition not reached after ${maxSeconds} simulated seconds`);
    sim.controller.tick(step);
    t += step;
  }
  return t;
}

export function podsOf(sim: KubeSim, ns: string, job: string): IPod[] {
  return sim.store.list<IPod>('pods', ns).filter((p) => p.metadata?.labels?.['job-name'] === job);
}

export function jobDone(sim: KubeSim, ns: string, name: string): boolean {
  const j = sim.store.get<IJob>('jobs', ns, name);
  return !!j?.status?.conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}
