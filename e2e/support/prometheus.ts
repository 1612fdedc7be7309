// A real Prometheus server for tests: Debian's /usr/bin/prometheus (package `prometheus`, 2.42 on bookworm) as a
// child process, with its own temporary config and TSDB directory, listening on a free loopback port. It never
// uses a system service or port 9090. If the binary is missing, startPrometheus() says how to install it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './moto.js';

export interface ScrapeTarget {
  /** host:port serving /metrics. */
  target: string;
  /**
   * Target labels (what service discovery would attach). A name the scraped samples also carry (e.g. `namespace`,
   * `pod`) makes Prometheus rename the sample's label to `exported_<name>`, as behind a ServiceMonitor.
   */
  labels?: Record<string, string>;
}

export interface PrometheusOptions {
  /** `host:port` strings or targets with labels; all scraped at /metrics by one job "kube-sim". */
  scrapeTargets: (string | ScrapeTarget)[];
  /** Default 1. */
  scrapeIntervalSeconds?: number;
  /** The executable (default: SIMDECK_PROMETHEUS or /usr/bin/prometheus). */
  binary?: string;
  /** How long to wait for /-/ready (default 30 s). */
  timeoutMs?: number;
}

export interface PrometheusServer {
  /** `http://127.0.0.1:{port}`, the base URL for the HTTP API. */
  url: string;
  port: number;
  /** The server's log so far (for failure messages). */
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s; removes the temporary directory. Safe to call twice. */
  stop(): Promise<void>;
}

export const PROMETHEUS_INSTALL_HINT = 'install the Debian package prometheus (apt-get install -y prometheus)';

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Starts Prometheus scraping the targets' /metrics and resolves once /-/ready answers 200. */
export async function startPrometheus(opts: PrometheusOptions): Promise<PrometheusServer> {
  const binary = opts.binary ?? (process.env.SIMDECK_PROMETHEUS || '/usr/bin/prometheus');
  if (!existsSync(binary)) throw new Error(`Prometheus is not installed (${binary} is missing): ${PROMETHEUS_INSTALL_HINT}, or point SIMDECK_PROMETHEUS at a prometheus binary`);
  const interval = `${opts.scrapeIntervalSeconds ?? 1}s`;
  const dir = mkdtempSync(join(tmpdir(), 'simdeck-prometheus-'));
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    scrape_configs: [
      {
        job_name: 'kube-sim',
        scrape_interval: interval,
        scrape_timeout: interval,
        metrics_path: '/metrics',
        static_configs: opts.scrapeTargets.map((t) => (typeof t === 'string' ? { targets: [t] } : { targets: [t.target], labels: t.labels ?? {} })),
      },
    ],
  };
  // JSON is YAML.
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    binary,
    [`--config.file=${configFile}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=1h', '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir },
  );
  let log = '';
  let exited: string | null = null;
  child.on('error', (err) => {
    exited = `could not run "${binary}": ${err.message}`;
  });
  child.on('exit', (code, sig) => {
    exited ??= `exited with ${code ?? sig}`;
  });
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };

  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let ready = false;
  while (Date.now() < deadline && !exited) {
    ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  if (!ready || exited) {
    await stop();
    throw new Error(`Prometheus did not start: ${binary} on 127.0.0.1:${port} ${exited ?? `was not ready within ${Math.round(timeoutMs / 1000)} s`}. Output:\n${log.slice(-2000)}`);
  }
  return { url, port, output: () => log, stop };
}
