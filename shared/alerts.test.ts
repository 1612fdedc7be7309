import { describe, expect, it } from 'vitest';
import { AlertEvent, AlertKind, AlertRule, AlertRules, DEFAULT_ALERT_RULES, alertSubject } from './alerts.js';

describe('alert rules', () => {
  it('has one enabled default rule per kind with the documented defaults', () => {
    expect(DEFAULT_ALERT_RULES.map((r) => r.id)).toEqual(AlertKind.options);
    expect(DEFAULT_ALERT_RULES.every((r) => r.enabled && r.targetId === undefined)).toBe(true);
    const params = Object.fromEntries(DEFAULT_ALERT_RULES.map((r) => [r.kind, r.params]));
    expect(params['gpu-idle']).toEqual({ minutes: 10, belowPercent: 5, ownedOnly: true });
    expect(params['gpu-underused']).toEqual({ minutes: 15, belowPercent: 40, ownedOnly: true });
    expect(params['cert-expiry']).toEqual({ days: 14 });
    expect(params['cluster-unreachable']).toEqual({ minutes: 5 });
    expect(params['window-restarted']).toEqual({ quietMinutes: 30 });
    expect(params['job-failed']).toEqual({ states: ['failed', 'timeout', 'out-of-memory', 'node-fail'] });
    expect(params['fleet-crashloop']).toEqual({});
  });

  it('fills in the parameters a rule leaves out', () => {
    const r = AlertRule.parse({ id: 'nrp-40', kind: 'gpu-underused', targetId: 'nrp', params: { belowPercent: 30 } });
    expect(r).toEqual({ id: 'nrp-40', kind: 'gpu-underused', enabled: true, targetId: 'nrp', params: { minutes: 15, belowPercent: 30, ownedOnly: true } });
  });

  it('rejects parameters of another kind, out-of-range thresholds and duplicate ids', () => {
    expect(AlertRule.safeParse({ id: 'a', kind: 'cert-expiry', params: { minutes: 3 } }).success).toBe(false);
    expect(AlertRule.safeParse({ id: 'a', kind: 'gpu-idle', params: { belowPercent: 0 } }).success).toBe(false);
    expect(AlertRule.safeParse({ id: 'a', kind: 'gpu-idle', params: { belowPercent: 101 } }).success).toBe(false);
    expect(AlertRule.safeParse({ id: 'a', kind: 'gpu-idle', params: { minutes: 0 } }).success).toBe(false);
    expect(AlertRule.safeParse({ id: 'a', kind: 'cert-expiry', params: { days: 1.5 } }).success).toBe(false);
    expect(AlertRule.safeParse({ id: 'a', kind: 'job-failed', params: { states: [] } }).success).toBe(false);
    expect(AlertRule.safeParse({ id: 'a b', kind: 'job-failed' }).success).toBe(false);
    const dup = AlertRules.safeParse([
      { id: 'x', kind: 'job-failed' },
      { id: 'x', kind: 'gpu-idle' },
    ]);
    expect(dup.success).toBe(false);
    expect(dup.error?.issues[0]?.message).toBe('two rules have the id "x"');
  });

  it('builds the subject keys', () => {
    expect(alertSubject.job('j1')).toBe('job:j1');
    expect(alertSubject.gpu('nrp', 'node-3', 2)).toBe('gpu:nrp/node-3/2');
    expect(alertSubject.window('c1', 1, 14)).toBe('window:c1/1/14');
    expect(alertSubject.fleet('f1', 'worker.3')).toBe('fleet:f1/worker.3');
    expect(alertSubject.cert('fah')).toBe('cert:fah');
    expect(alertSubject.target('hpc')).toBe('target:hpc');
  });

  it('validates an alert event', () => {
    const e = {
      id: 'gpu-idle:gpu:nrp/n1/0#1@0',
      ruleId: 'gpu-idle',
      kind: 'gpu-idle',
      subject: 'gpu:nrp/n1/0',
      title: 't',
      message: 'm.',
      severity: 'warning',
      firedAt: '2026-03-01T12:00:00.000Z',
      resolvedAt: null,
      link: { area: 'jobs', id: 'j1' },
    };
    expect(AlertEvent.parse(e)).toEqual(e);
    expect(AlertEvent.safeParse({ ...e, subject: 'pod:x' }).success).toBe(false);
    expect(AlertEvent.safeParse({ ...e, link: { area: 'nowhere', id: 'x' } }).success).toBe(false);
  });
});
