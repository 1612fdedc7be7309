// The Monitor's time-series store on a real workspace database: rollups and LTTB checked against numbers worked
// out by hand, the choice of resolution, retention, and a week-long query.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { tempWorkspace } from '../testing/temp-core.js';
import { openWorkspaceDb, type Db } from '../workspace/db.js';
import { lttbBucket, lttbIndices } from './lttb.js';
import { DEFAULT_RETENTION, MetricsStore, RES_10M, RES_1M, chartRows, metricOf, seriesKey, type MetricSample } from './store.js';

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  dbs.splice(0).forEach((d) => d.close());
  dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});
const open = () => {
  const dir = tempWorkspace();
  dirs.push(dir);
  const db = openWorkspaceDb(dir);
  dbs.push(db);
  return db;
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 10, 2, 0, 0, 0); // a bucket boundary for both resolutions
const KEY = seriesKey('gpu.util', 'target-1', 'gpu-node-07', 0);
const LABELS = { target: 'target-1', node: 'gpu-node-07', gpu: 0, job: 'job-42' };

const rollups = (db: Db, res: number) =>
  db.prepare('SELECT t, sum, count, min, max FROM metric_rollups WHERE res = ? ORDER BY t').all(res) as {
    t: number;
    sum: number;
    count: number;
    min: number;
    max: number;
  }[];

describe('lttb', () => {
  // x 0..6, y 0 1 0 5 0 1 0, 4 points: buckets [1,2] and [3,4,5]. Bucket 1 against (0,0) and the mean of the next
  // bucket (4, 2): (1,1) has area 1, (2,0) has area 2 → index 2. Bucket 2 against (2,0) and the last point (6,0):
  // (3,5) area 10, (4,0) 0, (5,1) 2 → index 3, the peak.
  it('picks the points worked out by hand', () => {
    const x = [0, 1, 2, 3, 4, 5, 6];
    const y = [0, 1, 0, 5, 0, 1, 0];
    expect(lttbIndices(x, y, 4)).toEqual([0, 2, 3, 6]);
    expect([0, 1, 2, 3].map((k) => lttbBucket(7, 4, k))).toEqual([
      [0, 1],
      [1, 3],
      [3, 6],
      [6, 7],
    ]);
    expect(lttbIndices(x, y, 7)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(lttbIndices(x, y, 100)).toHaveLength(7);
    expect(lttbIndices(x, y, 2)).toEqual([0, 6]);
  });

  it('keeps first, last and isolated peaks, never more than asked, on noisy data', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const n = 100_000;
    const x = Array.from({ length: n }, (_, i) => i * 600 + (i % 3));
    const y = Array.from({ length: n }, () => 40 + rand() * 10);
    const peaks = [1234, 50_000, 77_777, 99_000];
    for (const p of peaks) y[p] = 100;
    y[60_000] = 0; // a trough
    for (const threshold of [3, 10, 500, 2000, 99_999]) {
      const idx = lttbIndices(x, y, threshold);
      expect(idx.length).toBeLessThanOrEqual(threshold);
      expect(idx[0]).toBe(0);
      expect(idx[idx.length - 1]).toBe(n - 1);
      expect([...idx].sort((a, b) => a - b)).toEqual(idx);
      expect(new Set(idx).size).toBe(idx.length);
      if (threshold >= 500) {
        for (const p of peaks) expect(idx).toContain(p);
        expect(idx).toContain(60_000);
      }
    }
    // The buckets tile 0..n-1 exactly.
    let next = 0;
    for (let k = 0; k < 2000; k++) {
      const [a, b] = lttbBucket(n, 2000, k);
      expect(a).toBe(next);
      next = b;
    }
    expect(next).toBe(n);
  });
});

describe('MetricsStore.append and rollups', () => {
  it('folds samples into 1-minute and 10-minute buckets, across batches, ignoring duplicates and nulls', () => {
    const db = open();
    const store = new MetricsStore(db);
    const s = (dt: number, v: number | null): MetricSample => ({ series: KEY, labels: LABELS, t: T0 + dt, v });
    expect(store.append([s(0, 10), s(10_000, 20), s(59_999, 30), s(60_000, 50), s(61_000, null), s(61_500, Number.NaN)])).toEqual({
      inserted: 4,
      duplicates: 0,
      skipped: 2,
    });
    // Second batch: a duplicate of t=10 s (ignored even with another value), a late sample in the first minute, and
    // one in the second 10-minute bucket.
    expect(store.append([s(10_000, 99), s(30_000, 5), s(599_999, 70), s(600_000, 1)])).toEqual({ inserted: 3, duplicates: 1, skipped: 0 });
    expect(rollups(db, RES_1M)).toEqual([
      { t: T0, sum: 65, count: 4, min: 5, max: 30 },
      { t: T0 + RES_1M, sum: 50, count: 1, min: 50, max: 50 },
      { t: T0 + 9 * RES_1M, sum: 70, count: 1, min: 70, max: 70 },
      { t: T0 + RES_10M, sum: 1, count: 1, min: 1, max: 1 },
    ]);
    expect(rollups(db, RES_10M)).toEqual([
      { t: T0, sum: 185, count: 6, min: 5, max: 70 },
      { t: T0 + RES_10M, sum: 1, count: 1, min: 1, max: 1 },
    ]);
    // Rollup queries report the mean and carry min and max.
    const q = store.query(KEY, T0, T0 + RES_10M, { resolution: '1m' });
    expect(q.points).toEqual([
      { t: T0, v: 16.25, min: 5, max: 30 },
      { t: T0 + RES_1M, v: 50, min: 50, max: 50 },
      { t: T0 + 9 * RES_1M, v: 70, min: 70, max: 70 },
      { t: T0 + RES_10M, v: 1, min: 1, max: 1 },
    ]);
    expect(store.query(KEY, T0, T0 + RES_10M, { resolution: '10m' }).points.map((p) => [p.v, p.max])).toEqual([
      [185 / 6, 70],
      [1, 1],
    ]);
    // Rounded times and several series in one batch, interleaved.
    const other = seriesKey('gpu.temp', 'target-1', 'gpu-node-07', 0);
    store.append([
      { series: other, t: T0 + 0.4, v: 40 },
      { series: KEY, t: T0 + 1_000, v: 1 },
      { series: other, t: T0 + 1_000.6, v: 42 },
    ]);
    expect(store.query(other, T0, T0 + 2_000).points.map((p) => p.t)).toEqual([T0, T0 + 1_001]);
    expect(rollups(db, RES_1M)[0]).toEqual({ t: T0, sum: 66, count: 5, min: 1, max: 30 });
  });

  it('keeps the newest sample and the latest labels per series', () => {
    const db = open();
    const store = new MetricsStore(db);
    const util1 = seriesKey('gpu.util', 't', 'n1', 1);
    store.append([
      { series: KEY, labels: LABELS, t: T0 + 5_000, v: 80 },
      { series: KEY, labels: LABELS, t: T0 + 1_000, v: 20 }, // older, arrives later
      { series: util1, labels: { target: 't', node: 'n1', gpu: 1, worker: 'w-3' }, t: T0, v: 7 },
    ]);
    expect(store.latest([KEY, util1, 'gpu.util/unknown'])).toEqual(
      new Map([
        [KEY, { t: T0 + 5_000, v: 80 }],
        [util1, { t: T0, v: 7 }],
      ]),
    );
    store.append([{ series: KEY, t: T0 + 2_000, v: 1 }]); // older than the newest: latest unchanged
    expect(store.latest([KEY]).get(KEY)).toEqual({ t: T0 + 5_000, v: 80 });

    expect(store.series({ labels: { job: 'job-42' } }).map((s) => s.key)).toEqual([KEY]);
    expect(store.series({ labels: { gpu: '1' } }).map((s) => s.key)).toEqual([util1]); // numbers compare as strings
    expect(store.series({ metric: 'gpu.util' })).toHaveLength(2);
    expect(store.series({ metric: 'gpu.temp' })).toEqual([]);
    expect(store.series({ labels: { node: 'gpu-node-07', job: 'job-43' } })).toEqual([]);
    expect(store.series()[1]).toEqual({ key: KEY, metric: 'gpu.util', labels: { gpu: 0, job: 'job-42', node: 'gpu-node-07', target: 'target-1' }, last: { t: T0 + 5_000, v: 80 } });

    // The GPU moves to another job: the labels follow, also for a new store on the same database.
    store.append([{ series: KEY, labels: { ...LABELS, job: 'job-43' }, t: T0 + 9_000, v: 50 }]);
    expect(new MetricsStore(db).series({ labels: { job: 'job-43' } }).map((s) => s.key)).toEqual([KEY]);
    expect(metricOf(KEY)).toBe('gpu.util');
    expect(seriesKey('gpu.util', 'a/b', 'n', 3)).toBe('gpu.util/a%2Fb/n/3');
  });
});

describe('MetricsStore.query', () => {
  it('returns raw points when they fit, LTTB of raw with min/max envelopes when they do not', () => {
    const db = open();
    const store = new MetricsStore(db);
    const samples: MetricSample[] = [];
    for (let i = 0; i < 10_000; i++) samples.push({ series: KEY, t: T0 + i * 1_000, v: i === 4_321 ? 100 : i === 7_000 ? -1 : i % 50 });
    store.append(samples);
    const small = store.query(KEY, T0 + 10_000, T0 + 19_000);
    expect(small).toMatchObject({ resolution: 'raw', downsampled: false, sourcePoints: 10 });
    expect(small.points[0]).toEqual({ t: T0 + 10_000, v: 10, min: 10, max: 10 });
    expect(small.points.map((p) => p.v)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);

    const all = store.query(KEY, T0, T0 + 10 * HOUR, { maxPoints: 500 });
    expect(all).toMatchObject({ resolution: 'raw', downsampled: true, sourcePoints: 10_000 });
    expect(all.points).toHaveLength(500);
    expect(all.points[0]?.t).toBe(T0);
    expect(all.points[499]?.t).toBe(T0 + 9_999_000);
    expect(all.points.map((p) => p.v)).toContain(100); // the peak is a kept point
    expect(Math.max(...all.points.map((p) => p.max))).toBe(100);
    expect(Math.min(...all.points.map((p) => p.min))).toBe(-1);
    // Every point's envelope contains its value, and the envelopes cover every sample.
    for (const p of all.points) expect(p.min <= p.v && p.v <= p.max).toBe(true);
    for (const maxPoints of [2, 3, 17, 2000]) expect(store.query(KEY, T0, T0 + DAY, { maxPoints }).points.length).toBeLessThanOrEqual(maxPoints);
    expect(store.query('gpu.util/none', T0, T0 + DAY).points).toEqual([]);
    expect(store.query(KEY, T0 + DAY, T0).points).toEqual([]);
  });

  it('serves a one-week range from the 1-minute rollups, ≤ maxPoints, peaks kept in the max', () => {
    const db = open();
    const store = new MetricsStore(db);
    // One sample every 5 s for a week = 120,960 samples, a daily cycle, a 1-sample spike to 100 on day 3.
    const spike = T0 + 3 * DAY + 5 * HOUR + 35_000;
    const samples: MetricSample[] = [];
    for (let t = T0; t < T0 + 7 * DAY; t += 5_000) samples.push({ series: KEY, labels: LABELS, t, v: t === spike ? 100 : 50 + 30 * Math.sin((2 * Math.PI * (t - T0)) / DAY) });
    expect(store.append(samples).inserted).toBe(120_960);
    const week = store.query(KEY, T0, T0 + 7 * DAY);
    expect(week).toMatchObject({ resolution: '1m', downsampled: true, sourcePoints: 7 * 24 * 60 });
    expect(week.points.length).toBeLessThanOrEqual(2000);
    expect(week.points.length).toBeGreaterThan(1900);
    expect(week.points[0]?.t).toBe(T0);
    expect(week.points.at(-1)?.t).toBe(T0 + 7 * DAY - RES_1M);
    expect(Math.max(...week.points.map((p) => p.max))).toBe(100);
    const spikePoint = week.points.find((p) => p.max === 100);
    expect(spikePoint && Math.abs(spikePoint.t - spike)).toBeLessThan(10 * RES_1M);
    // Means follow the cycle: the highest mean is near 80 a quarter day into a day.
    const top = week.points.reduce((a, b) => (b.v > a.v ? b : a));
    expect(top.v).toBeGreaterThan(79);
    expect(top.v).toBeLessThan(81);
    // A day of 5-s samples (17,280) is within the raw budget: raw, downsampled.
    expect(store.query(KEY, T0 + DAY, T0 + 2 * DAY)).toMatchObject({ resolution: 'raw', downsampled: true, sourcePoints: 17_281 });
    // Beyond ~34 days of range, 10-minute rollups.
    expect(store.query(KEY, T0 - 60 * DAY, T0 + 7 * DAY).resolution).toBe('10m');
    // chartRows: the recharts shape.
    const rows = chartRows([week], { [KEY]: 'GPU 0' });
    expect(rows[0]).toEqual({ t: T0, 'GPU 0': week.points[0]?.v, 'GPU 0 max': week.points[0]?.max });
    const both = chartRows([store.query(KEY, T0, T0 + 10_000), store.query(KEY, T0 + 5_000, T0 + 15_000)], {}, false);
    expect(both.map((r) => r.t)).toEqual([T0, T0 + 5_000, T0 + 10_000, T0 + 15_000]);
  });
});

describe('MetricsStore retention', () => {
  it('has defaults, stores changes and refuses nonsense', () => {
    const store = new MetricsStore(open());
    expect(store.retention()).toEqual(DEFAULT_RETENTION);
    expect(DEFAULT_RETENTION).toEqual({ rawMs: 48 * HOUR, minuteMs: 14 * DAY, tenMinuteMs: 365 * DAY });
    expect(store.setRetention({ rawMs: 6 * HOUR })).toEqual({ ...DEFAULT_RETENTION, rawMs: 6 * HOUR });
    expect(store.retention().rawMs).toBe(6 * HOUR);
    expect(() => store.setRetention({ rawMs: 10 })).toThrow(/at least one minute/);
    expect(() => store.setRetention({ rawMs: Number.NaN })).toThrow(/at least one minute/);
    expect(() => store.setRetention({ bogus: 1 } as never)).toThrow(/Unknown retention/);
  });

  it('prunes each resolution, then serves older ranges from the rollups that remain', () => {
    const db = open();
    const store = new MetricsStore(db);
    const old = seriesKey('gpu.util', 't', 'retired-node', 0);
    const samples: MetricSample[] = [{ series: old, t: T0 - 400 * DAY, v: 3 }];
    for (let t = T0; t < T0 + 20 * DAY; t += 60_000) samples.push({ series: KEY, t, v: 1 }); // one per minute
    store.append(samples);
    const now = T0 + 20 * DAY;
    const result = store.prune(now);
    // Raw: 48 h kept (2,880 samples); 1-minute: 14 days (20,160 buckets); 10-minute: all 20 days (2,880 buckets).
    expect(db.prepare('SELECT COUNT(*) FROM metric_samples').pluck().get()).toBe(2 * 24 * 60);
    expect(rollups(db, RES_1M)).toHaveLength(14 * 24 * 60);
    expect(rollups(db, RES_10M)).toHaveLength(20 * 24 * 6);
    expect(result).toEqual({ raw: 20 * 24 * 60 - 2 * 24 * 60 + 1, rollups: 6 * 24 * 60 + 2, series: 1 });
    expect(store.series().map((s) => s.key)).toEqual([KEY]);
    expect(store.latest([old]).size).toBe(0);
    // A range reaching before the raw horizon comes from the 1-minute rollups; before theirs, from 10-minute ones.
    expect(store.query(KEY, now - 3 * DAY, now).resolution).toBe('1m');
    expect(store.query(KEY, now - DAY, now).resolution).toBe('raw');
    const month = store.query(KEY, now - 20 * DAY, now);
    expect(month.resolution).toBe('10m');
    expect(month.points[0]).toEqual({ t: T0, v: 1, min: 1, max: 1 });
    // Pruning again changes nothing; the horizons never move back when retention grows.
    expect(store.prune(now)).toEqual({ raw: 0, rollups: 0, series: 0 });
    store.setRetention({ rawMs: 30 * DAY });
    store.prune(now);
    expect(store.query(KEY, now - 3 * DAY, now).resolution).toBe('1m');
  });
});
