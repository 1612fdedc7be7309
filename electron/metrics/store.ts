// The Monitor's time-series store, in the workspace's SQLite (migration 8: metric_series, metric_samples,
// metric_rollups).
//
// Writes. append() takes a batch (a poll of every GPU of a target, or a backfill) and writes it in ONE
// transaction with statements prepared once: raw samples go in with INSERT OR IGNORE (a sample already stored
// for the same series and millisecond is a duplicate and counted once), and the 1-minute and 10-minute rollups
// (sum, count, min, max per bucket) are updated in the same transaction. The batch is first folded in memory
// into one accumulator per (series, resolution, bucket) and each touched bucket is then upserted once
// (sum + sum, count + count, min of mins, max of maxes), so a 1-second poll touches one rollup row per series
// and resolution, and a million-sample backfill ~11,000. Only samples that were really inserted are rolled up,
// so duplicates never count twice; late samples land in their own bucket. This beats a separate rollup(now)
// pass (which would re-read raw rows and must track what it already folded in) and keeps rollups exact even
// after raw samples are pruned.
//
// Reads. query(series, from, to, { maxPoints = 2000 }) returns at most maxPoints points, choosing the source:
//   1. raw samples, when raw covers the range (nothing in it was pruned) and the range holds at most
//      rawReadBudget (default 50,000) samples (estimated from the 10-minute rollup counts, an SQL SUM);
//   2. else 1-minute rollups, when they cover the range and it spans at most rawReadBudget minutes (~34 days);
//   3. else 10-minute rollups.
// More rows than maxPoints are reduced with largest-triangle-three-buckets (lttb.ts) on the values (raw) or the
// bucket means (rollups). Every returned point carries the min and max of the samples it stands for, so a
// chart can draw the max as a second series (peaks are never averaged away). The budget bounds the work of a
// query (reading a million raw rows takes over a second; a week of 1-minute rollups is 10,080 rows): the 1-minute rollup
// mean at 2,000 points is what a week-wide chart can show anyway (one point per ~5 minutes).
//
// Retention (settings key metrics.retention): raw 48 h, 1-minute 14 days, 10-minute 1 year by default. prune(now)
// deletes older rows per series (primary-key range deletes) and records how far back each resolution is still
// complete (raw_since, m1_since, m10_since), which is what "covers the range" above means. Call it periodically
// (the Monitor service does, hourly).
import { ApiError } from '../../shared/errors.js';
import type { Db } from '../workspace/db.js';
import { now as isoNow, parseJson } from '../workspace/rows.js';
import { Settings } from '../workspace/settings.js';
import { lttbBucket, lttbIndices } from './lttb.js';

export const RES_1M = 60_000;
export const RES_10M = 600_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Labels of a series: where the value comes from and who used it. Extra keys are allowed. */
export interface SeriesLabels {
  target?: string;
  node?: string;
  gpu?: string | number;
  job?: string;
  window?: string;
  worker?: string;
  [key: string]: string | number | undefined;
}

export interface MetricSample {
  /** The series key, e.g. `gpu.util/<target>/<node>/<gpu index>` (seriesKey builds it). */
  series: string;
  /** Stored with the series; when given again and different, the series' labels are replaced. */
  labels?: SeriesLabels;
  /** ms since the epoch (rounded to an integer). */
  t: number;
  /** null / NaN / ±Infinity are skipped (nvidia-smi's [N/A]). */
  v: number | null;
}

export interface AppendResult {
  inserted: number;
  /** Already stored for the same series and millisecond: ignored. */
  duplicates: number;
  /** No value or no valid time. */
  skipped: number;
}

export interface Retention {
  rawMs: number;
  minuteMs: number;
  tenMinuteMs: number;
}
export const DEFAULT_RETENTION: Retention = { rawMs: 48 * HOUR, minuteMs: 14 * DAY, tenMinuteMs: 365 * DAY };
const RETENTION_KEY = 'metrics.retention';

export type Resolution = 'raw' | '1m' | '10m';

export interface ChartPoint {
  /** Sample time (raw) or bucket start (rollups), ms. */
  t: number;
  /** The sample (raw) or the bucket mean (rollups); after LTTB, the kept point's value. */
  v: number;
  /** The smallest and largest sample this point stands for. */
  min: number;
  max: number;
}

export interface QueryOptions {
  /** Upper bound on the points returned (≥ 2). Default 2000. */
  maxPoints?: number;
  /** Force a source instead of choosing by range. */
  resolution?: Resolution | 'auto';
}

export interface QueryResult {
  series: string;
  from: number;
  to: number;
  resolution: Resolution;
  /** Rows read from the source before downsampling. */
  sourcePoints: number;
  /** LTTB was applied. */
  downsampled: boolean;
  points: ChartPoint[];
}

export interface SeriesInfo {
  key: string;
  metric: string;
  labels: SeriesLabels;
  last: { t: number; v: number } | null;
}

export interface SeriesFilter {
  /** The metric part of the key (before the first /), e.g. `gpu.util`. */
  metric?: string;
  /** Every given label must be equal (numbers and strings compare as strings). */
  labels?: Record<string, string | number>;
}

export interface PruneResult {
  raw: number;
  rollups: number;
  series: number;
}

export interface MetricsStoreOptions {
  /** The most raw samples (or 1-minute buckets) a query reads before it moves to a coarser source. */
  rawReadBudget?: number;
}

/** `metric/<target>/<node>/<gpu>` (plus `/<job>` etc. when the caller wants one series per job). */
export const seriesKey = (metric: string, ...parts: (string | number)[]) => [metric, ...parts.map((p) => String(p).replace(/\//g, '%2F'))].join('/');

/** The metric of a key: what comes before the first slash. */
export const metricOf = (key: string) => {
  const i = key.indexOf('/');
  return i < 0 ? key : key.slice(0, i);
};

interface SeriesRow {
  id: number;
  key: string;
  metric: string;
  labels: string;
  last_t: number | null;
  last_v: number | null;
  raw_since: number;
  m1_since: number;
  m10_since: number;
}

interface Acc {
  t: number;
  sum: number;
  count: number;
  min: number;
  max: number;
}

/** Per series during one append: rollup accumulators, the newest sample and the latest labels given. */
interface BatchSeries {
  id: number;
  m1: Map<number, Acc>;
  m10: Map<number, Acc>;
  cur1: Acc | null;
  cur10: Acc | null;
  lastT: number;
  lastV: number;
  labels: SeriesLabels | undefined;
}

const bucketOf = (t: number, res: number) => Math.floor(t / res) * res;

function addTo(map: Map<number, Acc>, cur: Acc | null, t: number, v: number, res: number): Acc {
  const b = bucketOf(t, res);
  let acc = cur && cur.t === b ? cur : map.get(b);
  if (!acc) {
    acc = { t: b, sum: 0, count: 0, min: v, max: v };
    map.set(b, acc);
  }
  acc.sum += v;
  acc.count += 1;
  if (v < acc.min) acc.min = v;
  if (v > acc.max) acc.max = v;
  return acc;
}

/** Labels as stored: keys sorted, undefined dropped, so equal labels give equal JSON. */
function labelsJson(labels: SeriesLabels): string {
  const out: Record<string, string | number> = {};
  for (const k of Object.keys(labels).sort()) {
    const v = labels[k];
    if (v !== undefined) out[k] = v;
  }
  return JSON.stringify(out);
}

export class MetricsStore {
  private readonly ids = new Map<string, { id: number; labels: string }>();
  private readonly rawReadBudget: number;
  private readonly settings: Settings;
  private readonly stmt;

  constructor(
    private readonly db: Db,
    opts: MetricsStoreOptions = {},
  ) {
    this.rawReadBudget = opts.rawReadBudget ?? 50_000;
    this.settings = new Settings(db);
    this.stmt = {
      seriesByKey: db.prepare('SELECT * FROM metric_series WHERE key = ?'),
      insertSeries: db.prepare('INSERT INTO metric_series (key, metric, labels, created_at) VALUES (?, ?, ?, ?)'),
      setLabels: db.prepare('UPDATE metric_series SET labels = ? WHERE id = ?'),
      setLast: db.prepare('UPDATE metric_series SET last_t = ?, last_v = ? WHERE id = ? AND (last_t IS NULL OR last_t <= ?)'),
      insertSample: db.prepare('INSERT OR IGNORE INTO metric_samples (series_id, t, v) VALUES (?, ?, ?)'),
      upsertRollup: db.prepare(
        `INSERT INTO metric_rollups (series_id, res, t, sum, count, min, max) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (series_id, res, t) DO UPDATE SET sum = sum + excluded.sum, count = count + excluded.count,
           min = min(min, excluded.min), max = max(max, excluded.max)`,
      ),
      rawRange: db.prepare('SELECT t, v FROM metric_samples WHERE series_id = ? AND t >= ? AND t <= ? ORDER BY t').raw(true),
      rollupRange: db.prepare('SELECT t, sum, count, min, max FROM metric_rollups WHERE series_id = ? AND res = ? AND t >= ? AND t <= ? ORDER BY t').raw(true),
      countEstimate: db.prepare('SELECT COALESCE(SUM(count), 0) AS n FROM metric_rollups WHERE series_id = ? AND res = ? AND t >= ? AND t <= ?').pluck(),
      allSeries: db.prepare('SELECT * FROM metric_series ORDER BY key'),
      seriesOfMetric: db.prepare('SELECT * FROM metric_series WHERE metric = ? ORDER BY key'),
      seriesIds: db.prepare('SELECT id FROM metric_series').pluck(),
      deleteRaw: db.prepare('DELETE FROM metric_samples WHERE series_id = ? AND t < ?'),
      deleteRollups: db.prepare('DELETE FROM metric_rollups WHERE series_id = ? AND res = ? AND t < ?'),
      setSince: db.prepare('UPDATE metric_series SET raw_since = max(raw_since, ?), m1_since = max(m1_since, ?), m10_since = max(m10_since, ?) WHERE id = ?'),
      staleSeries: db.prepare('SELECT id, key FROM metric_series WHERE last_t IS NULL OR last_t < ?'),
      deleteSeriesRaw: db.prepare('DELETE FROM metric_samples WHERE series_id = ?'),
      deleteSeriesRollups: db.prepare('DELETE FROM metric_rollups WHERE series_id = ?'),
      deleteSeries: db.prepare('DELETE FROM metric_series WHERE id = ?'),
    };
  }

  /** Stores a batch in one transaction and updates the rollups (see the top of the file). */
  append(samples: readonly MetricSample[]): AppendResult {
    const result: AppendResult = { inserted: 0, duplicates: 0, skipped: 0 };
    const insert = this.stmt.insertSample;
    this.db.transaction(() => {
      const batch = new Map<string, BatchSeries>();
      let prevKey: string | undefined;
      let s: BatchSeries | undefined;
      for (const sample of samples) {
        const v = sample.v;
        const t = Math.round(sample.t);
        if (typeof v !== 'number' || !Number.isFinite(v) || !Number.isFinite(t) || typeof sample.series !== 'string' || !sample.series) {
          result.skipped++;
          continue;
        }
        if (sample.series !== prevKey || !s) {
          s = batch.get(sample.series);
          if (!s) {
            const id = this.idFor(sample.series, sample.labels);
            s = { id, m1: new Map(), m10: new Map(), cur1: null, cur10: null, lastT: -Infinity, lastV: 0, labels: undefined };
            batch.set(sample.series, s);
          }
          prevKey = sample.series;
        }
        if (sample.labels) s.labels = sample.labels;
        if (insert.run(s.id, t, v).changes === 0) {
          result.duplicates++;
          continue;
        }
        result.inserted++;
        s.cur1 = addTo(s.m1, s.cur1, t, v, RES_1M);
        s.cur10 = addTo(s.m10, s.cur10, t, v, RES_10M);
        if (t >= s.lastT) {
          s.lastT = t;
          s.lastV = v;
        }
      }
      for (const [key, b] of batch) {
        for (const [res, map] of [
          [RES_1M, b.m1],
          [RES_10M, b.m10],
        ] as const) {
          for (const a of map.values()) this.stmt.upsertRollup.run(b.id, res, a.t, a.sum, a.count, a.min, a.max);
        }
        if (b.lastT > -Infinity) this.stmt.setLast.run(b.lastT, b.lastV, b.id, b.lastT);
        if (b.labels) {
          const json = labelsJson(b.labels);
          const known = this.ids.get(key);
          if (known && known.labels !== json) {
            this.stmt.setLabels.run(json, b.id);
            known.labels = json;
          }
        }
      }
    })();
    return result;
  }

  private idFor(key: string, labels: SeriesLabels | undefined): number {
    const known = this.ids.get(key);
    if (known) return known.id;
    const row = this.stmt.seriesByKey.get(key) as SeriesRow | undefined;
    if (row) {
      this.ids.set(key, { id: row.id, labels: row.labels });
      return row.id;
    }
    const json = labelsJson(labels ?? {});
    const id = Number(this.stmt.insertSeries.run(key, metricOf(key), json, isoNow()).lastInsertRowid);
    this.ids.set(key, { id, labels: json });
    return id;
  }

  /** At most maxPoints points of one series between from and to (ms, inclusive). Unknown series: no points. */
  query(series: string, from: number, to: number, opts: QueryOptions = {}): QueryResult {
    const maxPoints = Math.max(2, Math.floor(opts.maxPoints ?? 2000));
    const row = this.stmt.seriesByKey.get(series) as SeriesRow | undefined;
    const empty: QueryResult = { series, from, to, resolution: 'raw', sourcePoints: 0, downsampled: false, points: [] };
    if (!row || !(to >= from)) return empty;
    const resolution = opts.resolution && opts.resolution !== 'auto' ? opts.resolution : this.chooseResolution(row, from, to);
    let x: number[];
    let y: number[];
    let lo: number[];
    let hi: number[];
    if (resolution === 'raw') {
      const rows = this.stmt.rawRange.all(row.id, Math.ceil(from), Math.floor(to)) as [number, number][];
      x = new Array<number>(rows.length);
      y = new Array<number>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i] as [number, number];
        x[i] = r[0];
        y[i] = r[1];
      }
      lo = y;
      hi = y;
    } else {
      const res = resolution === '1m' ? RES_1M : RES_10M;
      const rows = this.stmt.rollupRange.all(row.id, res, bucketOf(from, res), Math.floor(to)) as [number, number, number, number, number][];
      const n = rows.length;
      x = new Array<number>(n);
      y = new Array<number>(n);
      lo = new Array<number>(n);
      hi = new Array<number>(n);
      for (let i = 0; i < n; i++) {
        const r = rows[i] as [number, number, number, number, number];
        x[i] = r[0];
        y[i] = r[1] / r[2];
        lo[i] = r[3];
        hi[i] = r[4];
      }
    }
    const n = x.length;
    const result: QueryResult = { series, from, to, resolution, sourcePoints: n, downsampled: n > maxPoints, points: [] };
    if (n <= maxPoints) {
      result.points = x.map((t, i) => ({ t, v: y[i] as number, min: lo[i] as number, max: hi[i] as number }));
      return result;
    }
    const keep = lttbIndices(x, y, maxPoints);
    result.points = keep.map((idx, k) => {
      const [start, end] = lttbBucket(n, maxPoints, k);
      let mn = Infinity;
      let mx = -Infinity;
      for (let j = start; j < end; j++) {
        const a = lo[j] as number;
        const b = hi[j] as number;
        if (a < mn) mn = a;
        if (b > mx) mx = b;
      }
      return { t: x[idx] as number, v: y[idx] as number, min: mn, max: mx };
    });
    return result;
  }

  private chooseResolution(row: SeriesRow, from: number, to: number): Resolution {
    if (from >= row.raw_since) {
      const estimate = this.stmt.countEstimate.get(row.id, RES_10M, bucketOf(from, RES_10M), to) as number;
      if (estimate <= this.rawReadBudget) return 'raw';
    }
    if (from >= row.m1_since && (to - from) / RES_1M + 1 <= this.rawReadBudget) return '1m';
    return '10m';
  }

  /** Series whose labels match every label of the filter (and of the metric, if given), by key. */
  series(filter: SeriesFilter = {}): SeriesInfo[] {
    const rows = (filter.metric ? this.stmt.seriesOfMetric.all(filter.metric) : this.stmt.allSeries.all()) as SeriesRow[];
    const want = Object.entries(filter.labels ?? {});
    const out: SeriesInfo[] = [];
    for (const r of rows) {
      const labels = parseJson<SeriesLabels>(r.labels, {});
      if (!want.every(([k, v]) => labels[k] !== undefined && String(labels[k]) === String(v))) continue;
      out.push({ key: r.key, metric: r.metric, labels, last: r.last_t === null || r.last_v === null ? null : { t: r.last_t, v: r.last_v } });
    }
    return out;
  }

  /** The newest sample of each known series (kept when raw samples are pruned). Unknown or empty series are absent. */
  latest(seriesKeys: readonly string[]): Map<string, { t: number; v: number }> {
    const out = new Map<string, { t: number; v: number }>();
    for (const key of seriesKeys) {
      const r = this.stmt.seriesByKey.get(key) as SeriesRow | undefined;
      if (r && r.last_t !== null && r.last_v !== null) out.set(key, { t: r.last_t, v: r.last_v });
    }
    return out;
  }

  retention(): Retention {
    const stored = parseJson<Partial<Retention>>(this.settings.get(RETENTION_KEY) ?? '{}', {});
    const pick = (k: keyof Retention) => {
      const v = stored[k];
      return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : DEFAULT_RETENTION[k];
    };
    return { rawMs: pick('rawMs'), minuteMs: pick('minuteMs'), tenMinuteMs: pick('tenMinuteMs') };
  }

  setRetention(change: Partial<Retention>): Retention {
    for (const [k, v] of Object.entries(change)) {
      if (!(k in DEFAULT_RETENTION)) throw new ApiError('INVALID_INPUT', `Unknown retention setting "${k}".`, { field: k });
      if (typeof v !== 'number' || !Number.isFinite(v) || v < RES_1M) {
        throw new ApiError('INVALID_INPUT', `Retention ${k} must be at least one minute (in ms).`, { field: k });
      }
    }
    const next = { ...this.retention(), ...change };
    this.settings.set(RETENTION_KEY, JSON.stringify(next));
    return next;
  }

  /** Deletes what retention no longer keeps, and series with nothing left. One transaction. */
  prune(now = Date.now()): PruneResult {
    const r = this.retention();
    const rawCut = now - r.rawMs;
    const m1Cut = bucketOf(now - r.minuteMs, RES_1M);
    const m10Cut = bucketOf(now - r.tenMinuteMs, RES_10M);
    const out: PruneResult = { raw: 0, rollups: 0, series: 0 };
    this.db.transaction(() => {
      for (const s of this.stmt.staleSeries.all(m10Cut) as { id: number; key: string }[]) {
        out.raw += this.stmt.deleteSeriesRaw.run(s.id).changes;
        out.rollups += this.stmt.deleteSeriesRollups.run(s.id).changes;
        this.stmt.deleteSeries.run(s.id);
        this.ids.delete(s.key);
        out.series++;
      }
      for (const id of this.stmt.seriesIds.all() as number[]) {
        out.raw += this.stmt.deleteRaw.run(id, rawCut).changes;
        out.rollups += this.stmt.deleteRollups.run(id, RES_1M, m1Cut).changes;
        out.rollups += this.stmt.deleteRollups.run(id, RES_10M, m10Cut).changes;
        this.stmt.setSince.run(rawCut, m1Cut, m10Cut, id);
      }
    })();
    return out;
  }
}

/**
 * recharts rows for several query results on one time axis: `{ t, [name]: v, [name + ' max']: max }`.
 * `names` maps a series key to its legend name (default: the key).
 */
export function chartRows(results: readonly QueryResult[], names: Record<string, string> = {}, withMax = true): Record<string, number>[] {
  if (results.length === 1) {
    const r = results[0] as QueryResult;
    const name = names[r.series] ?? r.series;
    const maxName = `${name} max`;
    return r.points.map((p) => (withMax ? { t: p.t, [name]: p.v, [maxName]: p.max } : { t: p.t, [name]: p.v }));
  }
  const byT = new Map<number, Record<string, number>>();
  for (const r of results) {
    const name = names[r.series] ?? r.series;
    for (const p of r.points) {
      let row = byT.get(p.t);
      if (!row) byT.set(p.t, (row = { t: p.t }));
      row[name] = p.v;
      if (withMax) row[`${name} max`] = p.max;
    }
  }
  return [...byT.values()].sort((a, b) => (a.t as number) - (b.t as number));
}
