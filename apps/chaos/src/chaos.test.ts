import { describe, expect, it } from '@jest/globals';
import { chaosFailures, runChaos, verdict } from './chaos.js';
import { formatReport } from './report.js';

describe('chaos run (small)', () => {
  it('accounts for every accepted webhook as one email, one intended dead letter or one skip, through kills and restarts', async () => {
    const report = await runChaos({ webhooks: 250, duplicateRate: 0.25, workersPerRole: 1, sendRate: 40, killEveryMs: 3_000, trayRps: 60, timeoutMs: 60_000 });
    const table = formatReport(report);
    // The disruptions and faults really happened; otherwise a clean ledger would mean little.
    expect({ kills: report.kills.length > 0, redisRestarted: report.redisDownMs > 0, ingressRestarts: report.ingressRestarts }).toEqual({ kills: true, redisRestarted: true, ingressRestarts: 1 });
    expect(report.retriedDeliveries).toBeGreaterThan(0);
    expect(report.answeredDuplicate).toBeGreaterThan(0);
    expect(report.trayServerErrors).toBeGreaterThan(0);
    expect(report.ledger.deadLetterKinds).toMatchObject({ 'no-contact': 4, 'unknown-user': 4, bounce: 4, unintended: 0 });
    expect({ failures: chaosFailures(report), table }).toEqual({ failures: [], table });
    expect(verdict(report)).toMatch(/^chaos verdict: PASS/);
    expect(report.ledger.lost).toBe(0);
  }, 90_000);
});
