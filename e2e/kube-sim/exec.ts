// pods/exec over WebSocket with the Kubernetes channel protocol (what @kubernetes/client-node's Exec and
// kubectl ≥ 1.30 speak): every binary frame starts with a channel byte, 0 stdin, 1 stdout, 2 stderr, 3 error
// (a metav1.Status: Success, or Failure with reason NonZeroExitCode and the code in details.causes ExitCode),
// 4 resize; v5.channel.k8s.io adds 255 close. The server closes the socket after the status. SPDY is not spoken.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Controller } from './controller.js';
import { runArgv } from './shell.js';
import type { Store } from './store.js';
import { statusFailure } from './util.js';

const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

function reject(socket: Duplex, code: number, reason: string, message: string): void {
  const body = JSON.stringify(statusFailure(code, code === 404 ? 'NotFound' : code === 401 ? 'Unauthorized' : 'BadRequest', message));
  const text = code === 404 ? 'Not Found' : code === 401 ? 'Unauthorized' : 'Bad Request';
  socket.end(`HTTP/1.1 ${code} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  void reason;
}

export class ExecServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });

  constructor(
    private readonly store: Store,
    private readonly controller: Controller,
  ) {}

  /** Called from the HTTP server's 'upgrade' event after authentication. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/.exec(url.pathname);
    if (!m) return reject(socket, 404, 'NotFound', 'the server could not find the requested resource');
    const ns = decodeURIComponent(m[1] ?? '');
    const name = decodeURIComponent(m[2] ?? '');
    const pod = this.store.get<IPod>('pods', ns, name);
    if (!pod) return reject(socket, 404, 'NotFound', `pods "${name}" not found`);
    const container = url.searchParams.get('container') ?? pod.spec?.containers[0]?.name ?? 'main';
    const command = url.searchParams.getAll('command');
    if (command.length === 0) return reject(socket, 400, 'BadRequest', 'you must specify at least 1 command');
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      return reject(socket, 400, 'BadRequest', `cannot exec into a container in a completed pod; current phase is ${phase}`);
    }
    const rt = this.controller.runtime(ns, name);
    const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].map((c) => c.name);
    if (!all.includes(container)) return reject(socket, 400, 'BadRequest', `container ${container} is not valid for pod ${name}`);
    const running = container === 'main' ? rt?.main.state?.running : rt?.init.find((c) => c.name === container)?.state?.running;
    if (!rt || !running) return reject(socket, 400, 'BadRequest', `unable to upgrade connection: container not found ("${container}")`);
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    if (!PROTOCOLS.some((p) => offered.includes(p))) {
      return reject(socket, 400, 'BadRequest', 'unable to upgrade connection: no supported subprotocol offered (v4.channel.k8s.io or v5.channel.k8s.io)');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.run(ws, url, command, rt));
  }

  private run(ws: WebSocket, url: URL, command: string[], rt: NonNullable<ReturnType<Controller['runtime']>>): void {
    const wantOut = url.searchParams.get('stdout') !== 'false' && url.searchParams.get('stdout') !== '0';
    const wantErr = url.searchParams.get('stderr') !== 'false' && url.searchParams.get('stderr') !== '0';
    const spec = rt.node ? this.store.get<{ metadata?: { labels?: Record<string, string> } }>('nodes', undefined, rt.node) : undefined;
    const result = runArgv(command, {
      fs: rt.fs,
      gpu: () => this.controller.gpuStats(rt),
      gpuName: spec?.metadata?.labels?.['nvidia.com/gpu.product'] ?? 'NVIDIA-GPU',
    });
    const frame = (ch: number, data: string | Buffer) => Buffer.concat([Buffer.from([ch]), Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8')]);
    // Stdin (channel 0) is accepted and ignored: none of the simulated commands read it.
    ws.on('message', () => undefined);
    const chunk = 32 * 1024;
    if (wantOut) for (let i = 0; i < result.stdout.length; i += chunk) ws.send(frame(1, result.stdout.slice(i, i + chunk)));
    if (wantErr && result.stderr) ws.send(frame(2, result.stderr));
    const status =
      result.code === 0
        ? { metadata: {}, status: 'Success' }
        : {
            metadata: {},
            status: 'Failure',
            message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${result.code}`,
            reason: 'NonZeroExitCode',
            details: { causes: [{ reason: 'ExitCode', message: String(result.code) }] },
          };
    ws.send(frame(3, JSON.stringify(status)));
    ws.close(1000);
  }

  close(): void {
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
  }
}
