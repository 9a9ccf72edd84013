import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { SweepReport } from '@reauth/journeyapps';
import { startFakeJourneyApps, type FakeJourneyApps } from '@reauth/testkit';
import { eventually, finished, startStack, type Stack } from './stack.js';

// One session's whole life with ages in seconds: a 10-second limit with an 8-second warn window.
// Signed in 4 s ago, it is warned first (one heads-up email), forced once it passes the limit, and
// lapses when it has not signed in again within the limit after that.
const TOKEN = 'ja-lifecycle-token-0123456789';
const MAX_AGE_S = 10;
let stack: Stack;
let ja: FakeJourneyApps;
let n = 0;

async function sweep(): Promise<SweepReport> {
  const job = await stack.queues.get('journeyapps-sweep').add('journeyapps.sweep', { deployment: 'default', trigger: 'manual' }, { jobId: `life-${(n += 1)}` });
  return (await finished(stack, 'journeyapps-sweep', job.id!)).job.returnvalue as SweepReport;
}

beforeAll(async () => {
  ja = await startFakeJourneyApps({ token: TOKEN });
  stack = await startStack({
    roles: ['notify', 'reminders', 'journeyapps-sweep', 'journeyapps-force'],
    env: {
      JOURNEYAPPS_API_URL: ja.url,
      JOURNEYAPPS_API_TOKEN: TOKEN,
      JOURNEYAPPS_NOTIFY: 'true',
      JOURNEYAPPS_MAX_SESSION_AGE_DAYS: String(MAX_AGE_S / 86_400),
      JOURNEYAPPS_WARN_BEFORE: '8s',
    },
  });
  stack.contacts.set('ada', { email: 'ada@example.test', name: 'Ada' });
});

afterAll(async () => {
  await stack?.stop();
  await ja?.close();
});

it('warns, then forces once past the limit, then lapses without a new sign-in', async () => {
  const signedIn = new Date(Date.now() - 4_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  ja.addUser({ id: 'ada', last_connected_at: signedIn, enrolled: true, locked: false, sessions: [{ id: 'phone', state: 'ENROLLED', last_authenticated_at: signedIn, created_at: signedIn, signed_out_at: null, last_connected_at: signedIn }] });

  expect(await sweep()).toMatchObject({ warned: 1, forced: 0 });
  const [mail] = await stack.smtp.waitFor(1, 10_000);
  expect(mail!.subject).toBe('You will be asked to sign in to the app again');
  expect(ja.reauthenticated).toHaveLength(0);

  await eventually('a sweep to force the session once it is past the limit', async () => ((await sweep()).forced === 1 ? true : undefined));
  await eventually('the re-authenticate call', async () => (ja.reauthenticated.length === 1 ? true : undefined));
  const [record] = (await stack.store.list({ provider: 'journeyapps', user_id: 'ada' })).items;
  expect(record).toMatchObject({ state: 'notified', sends: 1 });

  const lapsed = await eventually('the notification to lapse', async () => {
    const detail = await stack.store.detail(record!.id);
    return detail?.state === 'lapsed' ? detail : undefined;
  }, 30_000);
  expect(lapsed.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['received', 'email-sent', 'forced', 'lapsed']));
  // One heads-up, never repeated by the force or a later sweep.
  expect(stack.smtp.messages.filter((m) => m.to.includes('ada@example.test'))).toHaveLength(1);
  expect(ja.reauthenticated.map((r) => r.sessionId)).toEqual(['phone']);
});
