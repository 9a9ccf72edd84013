import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '@reauth/logger';
import { getDeadLetter, deadLetterId } from '@reauth/queues';
import { expectedSweep, mixedUsers, sessionsToForce, startFakeJourneyApps, userIdOf, type FakeJourneyApps } from '@reauth/testkit';
import type { SweepReport } from '@reauth/journeyapps';
import { formatReport, sweepNow } from '../journeyapps.js';
import { drained, eventually, finished, startStack, type Stack } from './stack.js';

// Real sweep and force workers, ingress, notify and the reminder scheduler, on real Redis and SMTP,
// against the fake Backend API over HTTP. The 2,500 users span 25 pages of mixed states and ages.
const USERS = 2_500;
const API_TOKEN = 'ja-named-token-0123456789';
const INTAKE_TOKEN = 'ja-intake-token-0123456789';
let stack: Stack;
let ja: FakeJourneyApps;
let sweeps = 0;

const forcedKeys = () => ja.reauthenticated.map((r) => `${r.userId}/${r.sessionId}`);

async function sweep(data: { dryRun?: boolean } = {}): Promise<{ state: string; report: SweepReport; jobId: string }> {
  const job = await stack.queues.get('journeyapps-sweep').add('journeyapps.sweep', { deployment: 'default', trigger: 'manual', ...data }, { jobId: `sweep-${(sweeps += 1)}` });
  const { job: done, state } = await finished(stack, 'journeyapps-sweep', job.id!);
  return { state, report: done.returnvalue as SweepReport, jobId: job.id! };
}

/** Every force job queued so far has finished (completed or failed for good). */
const forcingDone = () => drained(stack.queues, 'journeyapps-force');

const onDemand = (body: unknown, token = INTAKE_TOKEN) =>
  fetch(`${stack.ingressUrl}/webhooks/journeyapps/reauthenticate`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

beforeAll(async () => {
  ja = await startFakeJourneyApps({ token: API_TOKEN });
  ja.addUsers(mixedUsers(USERS));
  stack = await startStack({
    roles: ['ingress', 'notify', 'reminders', 'journeyapps-sweep', 'journeyapps-force'],
    env: {
      JOURNEYAPPS_API_URL: ja.url,
      JOURNEYAPPS_API_TOKEN: API_TOKEN,
      JOURNEYAPPS_INTAKE_TOKEN: INTAKE_TOKEN,
      JOURNEYAPPS_NOTIFY: 'true',
      JOURNEYAPPS_WARN_BEFORE: '3d',
      JOURNEYAPPS_RATE_LIMIT_RPS: '2000',
      METRICS_PORT: '0',
    },
  });
  for (let i = 0; i < USERS; i += 1) stack.contacts.set(userIdOf(i), { email: `${userIdOf(i)}@example.test` });
});

afterAll(async () => {
  await stack?.stop();
  await ja?.close();
});

describe('JourneyApps sweep', () => {
  it('forces exactly the old enrolled sessions of 2,500 users, warns those about to pass the limit, and reports it', async () => {
    const { state, report } = await sweep();
    expect(state).toBe('completed');
    expect(report).toMatchObject({ ...expectedSweep(USERS, true), pages: 25, completed: 0, failures: 0, outcome: 'completed', dryRun: false });
    await forcingDone();
    const forced = forcedKeys();
    expect(forced.sort()).toEqual(sessionsToForce(USERS).sort());

    // Each forced session is a notification; forced and warned sessions got the heads-up email.
    const expectedMails = expectedSweep(USERS, true).forced + expectedSweep(USERS, true).warned;
    await stack.smtp.waitFor(expectedMails, 45_000);
    expect(stack.smtp.messages[0]!.subject).toBe('You will be asked to sign in to the app again');
    const warnedUser = userIdOf(6);
    expect(stack.smtp.messages.some((m) => m.to.includes(`${warnedUser}@example.test`))).toBe(true);
    expect(forced.some((k) => k.startsWith(`${warnedUser}/`))).toBe(false);
    // The record moves just after SMTP has accepted the mail: wait for it, not for the mail.
    const tracked = await eventually('the forced session tracked as notified', async () => {
      const { items } = await stack.store.list({ provider: 'journeyapps', user_id: userIdOf(7) });
      return items.length === 1 && items[0]!.state === 'notified' ? items[0] : undefined;
    });
    expect(tracked).toMatchObject({ ids: { deployment: 'default', user_id: userIdOf(7), session_id: `${userIdOf(7)}-s0` } });

    // The history API and /metrics show the report.
    const [latest] = await stack.store.reports('journeyapps', 1);
    expect(latest).toMatchObject({ forced: report.forced, sessionsExamined: report.sessionsExamined });
    const metrics = await (await fetch(`${stack.running.metricsUrl}/metrics`)).text();
    expect(metrics).toContain(`reauth_sweep_sessions_total{provider="journeyapps",outcome="forced"} ${report.forced}`);
  });

  it('forces nothing twice when the same sweep runs again, and completes a session that signed in again', async () => {
    const before = ja.reauthenticated.length;
    const user = userIdOf(17);
    ja.reenrol(user, `${user}-s0`);
    const { report } = await sweep();
    await forcingDone();
    expect(ja.reauthenticated.length).toBe(before);
    expect(report.completed).toBe(1);
    const page = await stack.store.list({ provider: 'journeyapps', user_id: user });
    expect(page.items.map((n) => n.state)).toEqual(['completed']);
  });

  it('lists what a dry run would force, and forces nothing', async () => {
    const user = userIdOf(27);
    ja.reenrol(user, `${user}-s0`, '2020-01-01T00:00:00Z');
    const before = ja.reauthenticated.length;
    const [report] = await sweepNow(stack.config, stack.env, { dryRun: true, log: createLogger({ level: 'silent' }) });
    expect(report).toMatchObject({ dryRun: true, forced: 1, trigger: 'cli', wouldForce: [{ userId: user, sessionId: `${user}-s0`, lastAuthenticatedAt: '2020-01-01T00:00:00Z' }] });
    expect(formatReport(report!).join('\n')).toContain(`would force ${user} / ${user}-s0`);
    await forcingDone();
    expect(ja.reauthenticated.length).toBe(before);
    expect((await stack.store.list({ provider: 'journeyapps', user_id: user })).items.map((n) => n.state)).toEqual(['notified']);
  });

  it('forces every enrolled session of one user on demand, and refuses bad requests', async () => {
    ja.addUser({
      id: 'leaver',
      last_connected_at: '2026-12-01T00:00:00Z',
      enrolled: true,
      locked: false,
      sessions: ['phone', 'tablet'].map((id) => ({ id, state: 'ENROLLED' as const, last_authenticated_at: '2026-12-01T00:00:00Z', created_at: '2026-11-01T00:00:00Z', signed_out_at: null, last_connected_at: '2026-12-01T00:00:00Z' })),
    });
    expect((await onDemand({ user_id: 'leaver' }, 'wrong-token-0123456789')).status).toBe(401);
    expect((await onDemand({ user: 'leaver' })).status).toBe(400);
    expect((await onDemand({ user_id: 'leaver', deployment: 'elsewhere' })).status).toBe(404);
    const res = await onDemand({ user_id: 'leaver' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'queued' });
    await eventually('both sessions forced', async () => (forcedKeys().filter((k) => k.startsWith('leaver/')).length === 2 ? true : undefined));
    await forcingDone();
    expect(forcedKeys().filter((k) => k.startsWith('leaver/')).sort()).toEqual(['leaver/phone', 'leaver/tablet']);
    const tracked = await stack.store.list({ provider: 'journeyapps', user_id: 'leaver' });
    expect(tracked.items).toHaveLength(2);
    // On demand serves a leaver process: no heads-up email.
    expect(stack.smtp.messages.some((m) => m.to.includes('leaver'))).toBe(false);
  });

  it('dead-letters a sweep loudly when the token is refused', async () => {
    ja.setToken('rotated-token-0123456789');
    try {
      const { state, jobId } = await sweep();
      expect(state).toBe('failed');
      const entry = await eventually('the dead-letter copy', () => getDeadLetter(stack.queues, deadLetterId('journeyapps-sweep', jobId)));
      expect(entry).toMatchObject({ errorCode: 'journeyapps-token' });
      expect(entry?.reason).toContain('refused the API token');
      const [latest] = await stack.store.reports('journeyapps', 1);
      expect(latest).toMatchObject({ outcome: 'failed' });
      const metrics = await (await fetch(`${stack.running.metricsUrl}/metrics`)).text();
      expect(metrics).toContain('reauth_sweeps_total{provider="journeyapps",outcome="failed"} 1');
      expect(metrics).toMatch(/reauth_dead_letter_jobs [1-9]/);
    } finally {
      ja.setToken(API_TOKEN);
    }
  });
});
