import { describe, expect, it } from 'vitest';
import { isCeleryControlQueue, readBroker, totals, type BrokerQueue } from './snapshot.js';

const q = (name: string, messages: number, consumers: number | null): BrokerQueue => ({ name, vhost: null, messages, ready: messages, unacked: 0, consumers });

describe('broker snapshot totals', () => {
  it("recognises Celery's control and event queues", () => {
    expect(isCeleryControlQueue('celery@fire-13-00-gpu-3.celery.pidbox')).toBe(true);
    expect(isCeleryControlQueue('2b9f3c1e-0000.reply.celery.pidbox')).toBe(true);
    expect(isCeleryControlQueue('celeryev.4f1c')).toBe(true);
    expect(isCeleryControlQueue('celery')).toBe(false);
    expect(isCeleryControlQueue('colton')).toBe(false);
  });

  it('sums depth and consumers over work queues only', () => {
    expect(totals([q('celery', 4, 2), q('w1@h.celery.pidbox', 1, 1), q('gpu', 3, 1)])).toEqual({ queueDepth: 7, consumers: 3 });
    expect(totals([])).toEqual({ queueDepth: 0, consumers: 0 });
  });

  it('reports consumers as unknown when any work queue cannot tell', () => {
    expect(totals([q('celery', 4, null), q('gpu', 1, 1)])).toEqual({ queueDepth: 5, consumers: null });
  });
});

describe('readBroker', () => {
  it('validates the URL for the chosen kind before connecting', async () => {
    await expect(readBroker({ kind: 'redis', url: 'http://127.0.0.1:15672', username: 'guest' }, { timeoutMs: 100 })).rejects.toThrow(/redis:\/\//);
    await expect(readBroker({ kind: 'rabbitmq', url: 'redis://127.0.0.1:6379/0', username: 'guest' }, { timeoutMs: 100 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
