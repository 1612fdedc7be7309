import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_RULES, type AlertEvent } from '../../shared/alerts.js';
import { ApiError } from '../../shared/errors.js';
import type { GpuRow, TargetSummary } from '../../shared/monitor.js';
import { mergeAlertHistory, upsertAlert } from './alertHistory.js';
import {
  buildRules,
  chartPoints,
  checkCustomRange,
  heatLevel,
  newRuleId,
  parseThreshold,
  ruleErrors,
  ruleField,
  ruleToForm,
  seriesCsv,
  seriesFileName,
  seriesStats,
  stripSlotStart,
  toLocalInput,
  underusedGpus,
} from './monitor.js';

const gpu = (p: Partial<GpuRow>): GpuRow => ({
  series: 'gpu.util/t1/n1/0',
  target: 't1',
  node: 'n1',
  gpu: 0,
  name: null,
  jobId: 'j1',
  jobName: 'job one',
  owner: { kind: 'job', name: 'job one', link: { area: 'jobs', id: 'j1' } },
  util: 50,
  meanUtil: 50,
  strip: Array.from({ length: 60 }, () => null),
  underused: false,
  idle: false,
  ...p,
});
const target = (gpus: GpuRow[]): TargetSummary => ({ targetId: 't1', name: 'cluster', kind: 'slurm', counts: { running: 1, pending: 0, failed: 0 }, gpus, problem: null, sampledAt: null, reachability: { state: 'reachable', detail: '' } });
const alert = (p: Partial<AlertEvent>): AlertEvent => ({
  id: 'a1',
  ruleId: 'job-failed',
  kind: 'job-failed',
  subject: 'job:j1',
  title: 'Job failed',
  message: 'It failed.',
  severity: 'error',
  firedAt: '2026-01-01T10:00:00.000Z',
  resolvedAt: null,
  link: { area: 'jobs', id: 'j1' },
  ...p,
});

describe('heat strip', () => {
  it('bands utilization; null and NaN are no sample', () => {
    expect(heatLevel(null)).toBeNull();
    expect(heatLevel(Number.NaN)).toBeNull();
    expect(heatLevel(0)).toBe(0);
    expect(heatLevel(4.9)).toBe(0);
    expect(heatLevel(5)).toBe(1);
    expect(heatLevel(39.9)).toBe(2);
    expect(heatLevel(40)).toBe(3);
    expect(heatLevel(100)).toBe(4);
  });
  it('slot 0 starts an hour before the load, the last slot a minute before', () => {
    expect(stripSlotStart(3_600_000, 0)).toBe(0);
    expect(stripSlotStart(3_600_000, 59)).toBe(3_540_000);
  });
});

describe('under-use', () => {
  it('lists flagged GPUs, idle first then lowest mean', () => {
    const list = underusedGpus([
      target([
        gpu({ series: 'a', underused: true, meanUtil: 30 }),
        gpu({ series: 'b', underused: true, idle: true, meanUtil: 2 }),
        gpu({ series: 'c', meanUtil: 90 }),
        gpu({ series: 'd', underused: true, meanUtil: 10 }),
      ]),
    ]);
    expect(list.map((e) => e.gpu.series)).toEqual(['b', 'd', 'a']);
    expect(list[0]!.targetName).toBe('cluster');
  });
  it('threshold is 1…100', () => {
    expect(parseThreshold('40')).toEqual({ value: 40, error: null });
    expect(parseThreshold('12.5').value).toBe(12.5);
    expect(parseThreshold('0').error).toMatch(/1 and 100/);
    expect(parseThreshold('abc').error).toMatch(/percentage/);
    expect(parseThreshold('').error).toMatch(/percentage/);
  });
});

describe('chart', () => {
  it('raw points use the value for min and max; stats over what is shown', () => {
    const pts = chartPoints({ points: [{ t: 1, v: 10, min: null, max: null }, { t: 2, v: 30, min: 20, max: 60 }] });
    expect(pts).toEqual([{ t: 1, mean: 10, min: 10, max: 10 }, { t: 2, mean: 30, min: 20, max: 60 }]);
    expect(seriesStats(pts)).toEqual({ mean: 20, max: 60 });
    expect(seriesStats([])).toEqual({ mean: null, max: null });
  });
  it('CSV has ISO times and empty min/max for raw samples', () => {
    const csv = seriesCsv({ points: [{ t: Date.UTC(2026, 0, 1, 10), v: 42.5, min: null, max: null }, { t: Date.UTC(2026, 0, 1, 10, 1), v: 50, min: 40, max: 60 }] });
    expect(csv).toBe('t,value,min,max\n2026-01-01T10:00:00.000Z,42.5,,\n2026-01-01T10:01:00.000Z,50,40,60\n');
  });
  it('file names from series keys', () => {
    expect(seriesFileName('gpu.util/t1/node%2F1/0', 'png')).toBe('gpu.util_t1_node_2F1_0.png');
  });
  it('custom range: both ends, end after start', () => {
    const from = toLocalInput(Date.UTC(2026, 0, 1, 10));
    const to = toLocalInput(Date.UTC(2026, 0, 1, 12));
    expect(checkCustomRange(from, to).range!.to - checkCustomRange(from, to).range!.from).toBe(2 * 3_600_000);
    expect(checkCustomRange(to, from).error).toMatch(/after/);
    expect(checkCustomRange('', to).error).toMatch(/start and an end/);
  });
});

describe('alert history', () => {
  it('new alerts go on top, a resolution replaces its firing', () => {
    const a = alert({ id: 'a' });
    const b = alert({ id: 'b', firedAt: '2026-01-01T11:00:00.000Z' });
    let r = upsertAlert([], a);
    expect(r.isNew).toBe(true);
    r = upsertAlert(r.list, b);
    expect(r.list.map((x) => x.id)).toEqual(['b', 'a']);
    r = upsertAlert(r.list, { ...a, resolvedAt: '2026-01-01T12:00:00.000Z' });
    expect(r.isNew).toBe(false);
    expect(r.list.map((x) => [x.id, x.resolvedAt])).toEqual([['b', null], ['a', '2026-01-01T12:00:00.000Z']]);
  });
  it('merges events that arrived while the history loaded', () => {
    const loaded = [alert({ id: 'a' })];
    const live = [alert({ id: 'b', firedAt: '2026-01-01T11:00:00.000Z' }), alert({ id: 'a', resolvedAt: '2026-01-01T12:00:00.000Z' })];
    const merged = mergeAlertHistory(loaded, live);
    expect(merged.map((x) => [x.id, x.resolvedAt])).toEqual([['b', null], ['a', '2026-01-01T12:00:00.000Z']]);
  });
});

describe('rule editor', () => {
  it('round-trips the default rules', () => {
    const forms = DEFAULT_ALERT_RULES.map(ruleToForm);
    const gpuRule = forms.find((f) => f.kind === 'gpu-underused')!;
    expect(gpuRule.params).toEqual({ minutes: '15', belowPercent: '40', ownedOnly: true });
    const { rules, errors } = buildRules(forms);
    expect(errors.fields).toEqual({});
    expect(rules).toEqual(DEFAULT_ALERT_RULES.map((r) => ({ id: r.id, kind: r.kind, enabled: r.enabled, params: r.params })));
  });
  it('keeps a target scope and catches numbers that are not numbers', () => {
    const forms = DEFAULT_ALERT_RULES.map(ruleToForm);
    const i = forms.findIndex((f) => f.kind === 'cluster-unreachable');
    forms[i] = { ...forms[i]!, targetId: 't1', params: { minutes: 'soon' } };
    expect(buildRules(forms).errors.fields).toEqual({ [ruleField(i, 'minutes')]: 'enter a number' });
    forms[i] = { ...forms[i]!, params: { minutes: '7' } };
    expect(buildRules(forms).rules![i]).toEqual({ id: 'cluster-unreachable', kind: 'cluster-unreachable', enabled: true, targetId: 't1', params: { minutes: 7 } });
  });
  it('puts the core messages next to the rule fields', () => {
    const err = new ApiError(
      'INVALID_INPUT',
      'monitor.setRules: rules.3.params.minutes: the number of minutes is above 0; rules.4.targetId: too long; rules: two rules have the id "x"',
    );
    const out = ruleErrors(err);
    expect(out.fields).toEqual({ '3.minutes': 'the number of minutes is above 0', '4.targetId': 'too long' });
    expect(out.form).toBe('rules: two rules have the id "x"');
    expect(ruleErrors(new ApiError('UNAVAILABLE', 'down')).form).toBe('down');
  });
  it('new rule ids', () => {
    expect(newRuleId('gpu-idle', ['job-failed'])).toBe('gpu-idle');
    expect(newRuleId('gpu-idle', ['gpu-idle', 'gpu-idle-2'])).toBe('gpu-idle-3');
  });
});
