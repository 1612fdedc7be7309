// Benchmark "timeseries": the Monitor's store (electron/metrics/store.ts) with one million samples, then a
// one-week GPU-utilisation chart.
//
// Data: one GPU series (`gpu.util/<target>/<node>/0`) sampled every 604.8 ms for 7 days = exactly 1,000,000
// samples: jobs at ~95 % with noise, idle gaps at 0 %, a few one-sample spikes. It is written with
// MetricsStore.append in batches of 50,000 (one transaction each; the 1- and 10-minute rollups are updated in
// the same transactions), into a fresh workspace database opened the way the app opens it (WAL, foreign keys).
// The insert time is printed; it is not part of the ratio.
//
// SimDeck: store.query(series, week, { maxPoints: 2000 }) (the store picks the source: 1-minute rollups for a
// week, LTTB of their means down to 2,000 points, each with its bucket's min and max) + chartRows, the rows a
// recharts LineChart takes ({ t, util, 'util max' }).
// Baseline (the naive approach): SELECT every raw point of the week (better-sqlite3 .all(), rows as objects) and
// map every one to a chart row ({ t, util }): 1,000,000 rows for the chart.
// Both: median of RUNS runs after one warm-up each, same process, same database. No DOM or React rendering is
// timed on either side (recharts would have to draw 1,000,000 points on the baseline side, 2,000 on SimDeck's).
// Also printed, not in the ratio: the same query forced to LTTB the raw samples (what the store avoids).
//
// ratio = baseline ms / SimDeck ms (> 1: SimDeck faster). Goals: SimDeck < 100 ms, ratio ≥ 20.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const N = 1_000_000;
const WEEK = 7 * 24 * 3_600_000;
const STEP = WEEK / N; // 604.8 ms
const BATCH = 50_000;
const MAX_POINTS = 2000;
const RUNS = Number(process.env.TIMESERIES_RUNS || 9);
const GOAL_MS = 100;
const RATIO_GOAL = 20;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => ms.toFixed(1);

async function loadModules() {
  const outfile = path.join(os.tmpdir(), `simdeck-bench-timeseries-${process.pid}.cjs`);
  await build({
    stdin: {
      contents:
        "export { openWorkspaceDb } from './electron/workspace/db.ts';\n" +
        "export { MetricsStore, chartRows, seriesKey } from './electron/metrics/store.ts';\n",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['better-sqlite3'],
    banner: { js: `module.paths.unshift(${JSON.stringify(path.join(root, 'node_modules'))});` },
    outfile,
    logLevel: 'error',
  });
  const mod = createRequire(import.meta.url)(outfile);
  fs.rmSync(outfile, { force: true });
  return mod;
}

/** A week of one GPU: jobs of 2-10 h at ~95 % (noise ±4), idle gaps of 0-2 h, and rare one-sample spikes. */
function* samples(key, labels, t0) {
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let busyUntil = t0;
  let idleUntil = t0;
  for (let i = 0; i < N; i++) {
    const t = t0 + Math.round(i * STEP);
    if (t >= busyUntil && t >= idleUntil) {
      idleUntil = t + rand() * 2 * 3_600_000;
      busyUntil = idleUntil + (2 + rand() * 8) * 3_600_000;
    }
    let v = t < idleUntil ? 0 : Math.min(100, Math.round(95 + (rand() - 0.5) * 8));
    if (rand() < 0.00002) v = t < idleUntil ? 100 : 0;
    yield { series: key, labels, t, v };
  }
}

async function main() {
  const { openWorkspaceDb, MetricsStore, chartRows, seriesKey } = await loadModules();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-bench-timeseries-'));
  const db = openWorkspaceDb(dir);
  try {
    const store = new MetricsStore(db);
    const labels = { target: 'hpc-a', node: 'gpu-node-07', gpu: 0, job: '4815162' };
    const key = seriesKey('gpu.util', labels.target, labels.node, 0);
    const t0 = Date.UTC(2026, 10, 9);
    const from = t0;
    const to = t0 + WEEK;

    // ---- insert -------------------------------------------------------------------------------------------
    let inserted = 0;
    let insertMs = 0;
    let batch = [];
    const flush = () => {
      const s = performance.now();
      inserted += store.append(batch).inserted;
      insertMs += performance.now() - s;
      batch = [];
    };
    for (const s of samples(key, labels, t0)) {
      batch.push(s);
      if (batch.length === BATCH) flush();
    }
    if (batch.length) flush();
    if (inserted !== N) throw new Error(`inserted ${inserted} samples, expected ${N}`);
    const rollups = db.prepare('SELECT res, COUNT(*) AS n FROM metric_rollups GROUP BY res ORDER BY res').all();
    const dbMb = fs.readdirSync(dir).reduce((a, f) => a + fs.statSync(path.join(dir, f)).size, 0) / 1e6;
    console.log(`insert: ${N.toLocaleString('en-US')} samples in ${fmt(insertMs)} ms (${Math.round(N / (insertMs / 1000)).toLocaleString('en-US')} samples/s, batches of ${BATCH.toLocaleString('en-US')}); rollup rows ${rollups.map((r) => `${r.res / 60000} min: ${r.n}`).join(', ')}; database ${dbMb.toFixed(0)} MB`);

    // ---- SimDeck: query + downsample + chart rows ----------------------------------------------------------
    const simdeck = () => {
      const r = store.query(key, from, to, { maxPoints: MAX_POINTS });
      const rows = chartRows([r], { [key]: 'util' });
      return { r, rows };
    };
    // ---- baseline: every raw point of the week, every one a chart row -------------------------------------
    const seriesId = db.prepare('SELECT id FROM metric_series WHERE key = ?').pluck().get(key);
    const allRaw = db.prepare('SELECT t, v FROM metric_samples WHERE series_id = ? AND t >= ? AND t <= ? ORDER BY t');
    const baseline = () => {
      const rows = allRaw.all(seriesId, from, to).map((p) => ({ t: p.t, util: p.v }));
      return { rows };
    };
    const forcedRaw = () => store.query(key, from, to, { maxPoints: MAX_POINTS, resolution: 'raw' });

    const time = (fn, runs) => {
      fn(); // warm-up
      const ms = [];
      let out;
      for (let i = 0; i < runs; i++) {
        const s = performance.now();
        out = fn();
        ms.push(performance.now() - s);
      }
      return { ms, out };
    };
    const sd = time(simdeck, RUNS);
    const bl = time(baseline, Math.max(3, Math.ceil(RUNS / 2)));
    const raw = time(forcedRaw, 3);

    const res = sd.out.r;
    const peakKept = Math.max(...res.points.map((p) => p.max));
    console.log(
      `SimDeck: query + LTTB + chart rows: median ${fmt(median(sd.ms))} ms (runs: ${sd.ms.map(fmt).join(', ')}); source ${res.resolution} (${res.sourcePoints.toLocaleString('en-US')} rows) → ${res.points.length} points, max series peak ${peakKept}`,
    );
    console.log(`baseline: SELECT all raw + chart rows: median ${fmt(median(bl.ms))} ms (runs: ${bl.ms.map(fmt).join(', ')}); ${bl.out.rows.length.toLocaleString('en-US')} points`);
    console.log(`for reference (not in the ratio): LTTB over all raw samples: median ${fmt(median(raw.ms))} ms → ${raw.out.points.length} points`);
    if (res.points.length > MAX_POINTS) throw new Error(`SimDeck returned ${res.points.length} points`);
    if (bl.out.rows.length !== N) throw new Error(`baseline read ${bl.out.rows.length} rows`);

    const value = median(sd.ms);
    const base = median(bl.ms);
    const ratio = base / value;
    console.log(`goals: SimDeck < ${GOAL_MS} ms: ${value < GOAL_MS ? 'met' : 'NOT met'}; ratio ≥ ${RATIO_GOAL}: ${ratio >= RATIO_GOAL ? 'met' : 'NOT met'}`);
    console.log(`BENCH name=timeseries value=${value.toFixed(2)}ms baseline=${base.toFixed(1)}ms ratio=${ratio.toFixed(1)}`);
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
