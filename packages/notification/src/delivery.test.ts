import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Mailer, OutgoingMail } from '@reauth/email';
import { DeferredError } from '@reauth/queues';
import { createDelivery, senderId } from './index.js';
import { useRedis } from './test-redis.js';

const client = useRedis();

/** A mailer whose sends finish only when the test says so: the window between "accepted" and "marked" held open. */
function heldMailer() {
  const started: OutgoingMail[] = [];
  const release: Array<() => void> = [];
  const mailer: Mailer = {
    send: (mail) => {
      started.push(mail);
      return new Promise((resolve) => release.push(() => resolve({ accepted: [mail.to.address] })));
    },
    verify: async () => undefined,
    close: () => undefined,
  };
  return { mailer, started, releaseAll: () => release.splice(0).forEach((r) => r()) };
}

const mail = (n: number): OutgoingMail => ({ to: { address: `u${n}@example.com` }, subject: 's', text: 't', html: 'h', messageId: `<n${n}@reauth>` });

describe('delivery', () => {
  it('keeps at most the pool size of messages in flight, and names the sender on each', async () => {
    const held = heldMailer();
    const delivery = createDelivery({ redis: client(), mailer: () => held.mailer, prefix: `t${randomUUID().slice(0, 8)}`, poolSize: 2 });
    const sends = Array.from({ length: 5 }, (_, n) => delivery.deliver(`n${n}`, 0, mail(n)));
    const until = async (count: number) => {
      while (held.started.length < count) await new Promise((r) => setImmediate(r));
    };
    await until(2);
    // Let the event loop run well past the two: nobody else may start while both permits are held.
    for (let i = 0; i < 50; i += 1) await new Promise((r) => setImmediate(r));
    expect(held.started).toHaveLength(2);
    held.releaseAll();
    await until(4);
    held.releaseAll();
    await until(5);
    held.releaseAll();
    expect(await Promise.all(sends)).toEqual([true, true, true, true, true]);
    expect(held.started.map((m) => m.headers?.['X-Reauth-Sender'])).toEqual(Array(5).fill(senderId));
  });

  it('sends a (notification, notice) once, and defers a second sender while the first holds the claim', async () => {
    const held = heldMailer();
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const [a, b] = [createDelivery({ redis: client(), mailer: () => held.mailer, prefix, poolSize: 5 }), createDelivery({ redis: client(), mailer: () => held.mailer, prefix, poolSize: 5 })];
    const first = a.deliver('n', 1, mail(1));
    while (held.started.length < 1) await new Promise((r) => setImmediate(r));
    await expect(b.deliver('n', 1, mail(1))).rejects.toBeInstanceOf(DeferredError);
    held.releaseAll();
    expect(await first).toBe(true);
    expect(await b.deliver('n', 1, mail(1))).toBe(false);
    expect(await a.sent('n', 1)).toBe(true);
    expect(await a.sent('n', 2)).toBe(false);
    expect(held.started).toHaveLength(1);
  });
});
