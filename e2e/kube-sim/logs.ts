// pods/{name}/log: text/plain lines of one container instance (`previous` for the one before the last restart),
// with timestamps (RFC 3339 nano prefix), tailLines, limitBytes, sinceSeconds and follow (stream until the
// container exits or the client goes away). Errors are 400 Status objects, as from the kubelet.
import type { ServerResponse } from 'node:http';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { Controller } from './controller.js';
import type { Store } from './store.js';
import { ApiError, notFound } from './util.js';

function stamp(t: number): string {
  return new Date(t).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export function serveLogs(store: Store, controller: Controller, ns: string, name: string, q: URLSearchParams, res: ServerResponse): void {
  const pod = store.get<IPod>('pods', ns, name);
  if (!pod) throw notFound('pods', '', name);
  const containers = pod.spec?.containers ?? [];
  let container = q.get('container') ?? '';
  if (!container) {
    if (containers.length !== 1) {
      throw new ApiError(400, 'BadRequest', `a container name must be specified for pod ${name}, choose one of: [${containers.map((c) => c.name).join(' ')}]`);
    }
    container = containers[0]?.name ?? 'main';
  }
  const flag = (k: string) => q.get(k) === 'true' || q.get(k) === '1';
  const previous = flag('previous');
  const got = controller.logs(ns, name, container, previous);
  if (typeof got === 'string') throw new ApiError(400, 'BadRequest', got);
  const timestamps = flag('timestamps');
  const tail = Number(q.get('tailLines'));
  const since = Number(q.get('sinceSeconds'));
  const limit = Number(q.get('limitBytes'));
  let lines = got;
  if (Number.isFinite(since) && since > 0) lines = lines.filter((l) => l.t >= Date.now() - since * 1000);
  if (q.has('tailLines') && Number.isFinite(tail) && tail >= 0) lines = lines.slice(Math.max(0, lines.length - tail));
  const fmt = (l: { t: number; line: string }) => `${timestamps ? `${stamp(l.t)} ` : ''}${l.line}\n`;
  let body = lines.map(fmt).join('');
  if (Number.isFinite(limit) && limit > 0) body = Buffer.from(body).subarray(0, limit).toString('utf8');
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.write(body);
  const running = controller.runtime(ns, name)?.stage !== 'done';
  if (!flag('follow') || previous || !running) {
    res.end();
    return;
  }
  const key = `${ns}/${name}/${container}`;
  const onLog = (k: string, l: { t: number; line: string }) => {
    if (k === key) res.write(fmt(l));
  };
  const onExit = (k: string) => {
    if (k === key) res.end();
  };
  controller.on('log', onLog);
  controller.on('exit', onExit);
  res.on('close', () => {
    controller.off('log', onLog);
    controller.off('exit', onExit);
  });
}
