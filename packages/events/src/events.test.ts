import { describe, expect, it } from '@jest/globals';
import { nextWait } from './delivery.js';
import { payloadOf } from './payload.js';

describe('retry schedule', () => {
  const delays = [5_000, 300_000, 1_800_000];
  it('waits along the schedule, repeats its last wait, and stops at the horizon', () => {
    const queuedAt = 0;
    const horizon = 24 * 3_600_000;
    expect(nextWait(delays, 1, queuedAt, horizon, 1_000)).toBe(5_000);
    expect(nextWait(delays, 2, queuedAt, horizon, 10_000)).toBe(300_000);
    expect(nextWait(delays, 7, queuedAt, horizon, 3_600_000)).toBe(1_800_000);
    expect(nextWait(delays, 9, queuedAt, horizon, horizon - 60_000)).toBeUndefined();
  });
});

describe('payload', () => {
  it("is a notification event's data, from its outbox entry", () => {
    const step = JSON.stringify({ at: 1_700_000_000_000, kind: 'failed', detail: 'no contact found' });
    const flat = ['type', 'reauth.failed', 'id', 'n1', 'seq', '3', 'provider', 'tray', 'state', 'failed', 'reason', 'no-contact', 'ids', '{"authId":"a1"}', 'event', step];
    expect(payloadOf('1700000000123-0', flat)).toEqual({
      type: 'reauth.failed',
      timestamp: new Date(1_700_000_000_123).toISOString(),
      data: { provider: 'tray', notificationId: 'n1', sequence: 3, state: 'failed', reason: 'no-contact', ids: { authId: 'a1' }, at: new Date(1_700_000_000_000).toISOString(), detail: 'no contact found' },
    });
  });

  it("is a run's data for events that are not a notification's", () => {
    expect(payloadOf('5-0', ['type', 'sweep.completed', 'provider', 'journeyapps', 'data', '{"report":{"forced":2}}'])).toEqual({ type: 'sweep.completed', timestamp: new Date(5).toISOString(), data: { provider: 'journeyapps', report: { forced: 2 } } });
  });
});
