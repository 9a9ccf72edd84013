import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { deadLetterId, listDeadLetters } from '@reauth/queues';
import { replayEntry } from '@reauth/notification';
import { webhookSecret } from '@reauth/testkit';
import { eventually, finished, startStack, type Stack } from './stack.js';

// The customer's receiver verifies every event with standardwebhooks, as the README tells it to.
// Delays are seconds-long so the retry schedule and its horizon run inside the test.
const secret = webhookSecret();
const verifier = new Webhook(secret);
interface Received {
  id: string;
  type: string;
  data: { notificationId?: string; sequence?: number; state?: string; reason?: string; ids?: Record<string, string>; provider?: string };
}
const delivered: Received[] = [];
let failuresLeft = 0;
let failed = 0;
let hang = false;
let receiver: Server;
let stack: Stack;
let n = 0;

const eventsOf = (notificationId: string) => delivered.filter((e) => e.data.notificationId === notificationId);
/** True once events 1..n of a notification have all arrived (deliveries run in parallel and retry). */
function hasFirst(notificationId: string, n: number): boolean {
  const seen = new Set(eventsOf(notificationId).map((e) => e.data.sequence));
  return Array.from({ length: n }, (_, i) => i + 1).every((q) => seen.has(q));
}

function seed() {
  n += 1;
  const ids = { userId: `ev-user-${n}`, externalUserId: `ev-ext-${n}`, authId: `ev-auth-${n}` };
  stack.tray.addUser({ id: ids.userId, externalUserId: ids.externalUserId, name: `Events ${n}` });
  stack.tray.addInstance({ id: `ev-si-${n}`, name: `Sync ${n}`, owner: ids.userId, authValues: [{ externalId: 'crm', authId: ids.authId }] });
  stack.contacts.set(ids.externalUserId, { email: `ev${n}@example.test` });
  return { ...ids, webhook: { authentication_name: `CRM ${n}`, service_name: 'salesforce', user_id: ids.userId, authId: ids.authId, external_user_id: ids.externalUserId } };
}

async function accept(body: unknown): Promise<string> {
  const res = await stack.postWebhook(body);
  expect(res.status).toBe(200);
  return ((await res.json()) as { id: string }).id;
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (hang) return; // never answers: reauth's timeout ends the try
      const body = Buffer.concat(chunks).toString('utf8');
      let event: Received;
      try {
        event = { id: String(req.headers['webhook-id']), ...(verifier.verify(body, req.headers as Record<string, string>) as Omit<Received, 'id'>) };
      } catch {
        return void res.writeHead(401).end();
      }
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        failed += 1;
        return void res.writeHead(500).end();
      }
      delivered.push(event);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  stack = await startStack({
    roles: ['ingress', 'token-lookup', 'instance-mapping', 'notify', 'reminders', 'events'],
    env: {
      EVENTS_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/reauth-events`,
      EVENTS_SECRET: secret,
      EVENTS_RETRY_DELAYS: '1s',
      EVENTS_RETRY_HORIZON: '4s',
      EVENTS_TIMEOUT_MS: '300',
      TRAY_REMINDERS: '1s',
      ESCALATE_AFTER: '1s',
      ESCALATION_EMAIL: 'support@customer.test',
    },
  });
});

afterAll(async () => {
  await stack?.stop();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('lifecycle events', () => {
  it("deliver a notification's whole life, signed, in sequence, with the provider's ids and no secret", async () => {
    const user = seed();
    const id = await accept(user.webhook);
    await stack.smtp.waitFor(2, 20_000); // the first notice and its one reminder
    const [, reminder] = stack.smtp.messages.filter((m) => m.to.includes(`ev${n}@example.test`));
    const path = /http:\/\/reauth\.test(\/reauth\/[A-Za-z0-9_.-]+)/.exec(reminder!.text)![1]!;
    expect((await stack.pressButton(path)).status).toBe(302);
    await stack.store.move(id, { to: 'completed', reason: 'resolved by hand' });

    // Deliveries run in parallel: the life is complete once the completion and every sequence number before it are in.
    const life = await eventually('every event of the notification', async () => {
      const got = eventsOf(id);
      const last = got.find((e) => e.type === 'reauth.completed')?.data.sequence;
      return last !== undefined && got.length === last ? got : undefined;
    });
    // The sequence number orders them. ESCALATE_AFTER is 1 s here, so an
    // escalation may come between the reminder and the click; the rest of the life is fixed.
    const ordered = [...life].sort((a, b) => a.data.sequence! - b.data.sequence!);
    expect(ordered.map((e) => e.data.sequence)).toEqual(ordered.map((_, i) => i + 1));
    expect(ordered.map((e) => e.type).filter((t) => t !== 'notification.escalated')).toEqual(['notification.created', 'notification.sent', 'reminder.sent', 'link.opened', 'reauth.completed']);
    expect(life.at(-1)!.data).toMatchObject({ provider: 'tray', state: 'completed', ids: { authId: user.authId, userId: user.userId, externalUserId: user.externalUserId } });
    expect(new Set(life.map((e) => e.id)).size).toBe(life.length);
    const text = JSON.stringify(delivered);
    for (const secretValue of [stack.masterToken, stack.webhookToken, secret]) expect(text).not.toContain(secretValue);
  });

  it('escalate a notification whose last notice goes unanswered', async () => {
    const id = await accept(seed().webhook);
    const escalated = await eventually('the escalation and the events before it', async () => (hasFirst(id, 4) ? eventsOf(id).find((e) => e.type === 'notification.escalated') : undefined));
    expect(escalated.data).toMatchObject({ state: 'reminded' });
    expect([...eventsOf(id)].sort((a, b) => a.data.sequence! - b.data.sequence!).map((e) => e.type)).toEqual(['notification.created', 'notification.sent', 'reminder.sent', 'notification.escalated']);

    // The day's summary (its scheduler runs at 08:00 UTC; here the job is queued now), once a day.
    await stack.queues.get('notify').add('notification.escalation-summary', {}, { jobId: 'summary-1' });
    const [summary] = await eventually('the summary email', async () => {
      const mails = stack.smtp.messages.filter((m) => m.to.includes('support@customer.test'));
      return mails.length > 0 ? mails : undefined;
    });
    expect(summary!.subject).toMatch(/not reconnected/);
    expect(summary!.text).toContain(`ev-ext-${n}`);
    expect((await finished(stack, 'notify', 'summary-1')).state).toBe('completed');
    // A second run the same day (a retry, a second scheduler beat) sends nothing.
    await stack.queues.get('notify').add('notification.escalation-summary', {}, { jobId: 'summary-2' });
    expect((await finished(stack, 'notify', 'summary-2')).job.returnvalue).toMatchObject({ outcome: 'already-sent' });
    expect(stack.smtp.messages.filter((m) => m.to.includes('support@customer.test'))).toHaveLength(1);
  });

  it('reach a receiver that fails three times, losing nothing and sending each event once', async () => {
    failed = 0;
    failuresLeft = 3;
    const id = await accept(seed().webhook);
    await eventually('the notice and its reminder delivered', async () => (hasFirst(id, 3) ? true : undefined));
    expect(failed).toBe(3);
    // A retried event arrives after later ones: the per-notification sequence number puts them in order.
    const bySequence = [...eventsOf(id)].sort((a, b) => a.data.sequence! - b.data.sequence!);
    expect(bySequence.map((e) => e.type).slice(0, 3)).toEqual(['notification.created', 'notification.sent', 'reminder.sent']);
    expect(bySequence.map((e) => e.data.sequence).slice(0, 3)).toEqual([1, 2, 3]);
    const ids = eventsOf(id).map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('dead-letter an event the endpoint never answers, and deliver it from a replay', async () => {
    hang = true;
    const id = await accept(seed().webhook);
    let entryId = '';
    try {
      const entry = await eventually(
        'an undelivered event in the dead-letter queue',
        // Other notifications' events (escalations) may die meanwhile too: find this one's.
        async () =>
          (await listDeadLetters(stack.queues)).find(
            (e) => e.sourceQueue === 'events' && e.errorCode === 'events-undelivered' && (e.data as { event?: Received }).event?.data.notificationId === id,
          ),
        30_000,
      );
      entryId = entry.id;
      expect(entry.reason).toContain('EVENTS_RETRY_HORIZON');
      expect(entryId).toBe(deadLetterId('events', String(entry.jobId)));
    } finally {
      hang = false;
    }
    const webhookId = ((await listDeadLetters(stack.queues)).find((e) => e.id === entryId)!.data as { eventId: string }).eventId;
    await replayEntry(stack.queues, stack.store, entryId);
    const replayed = await eventually('the replayed event', async () => delivered.find((e) => e.id === webhookId));
    expect(replayed.data.notificationId).toBe(id);
    // The notification itself is untouched by its event's dead letter.
    expect((await stack.store.get(id))?.state).not.toBe('failed');
  });
});
