import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { RedisClient } from '@reauth/redis';
import type { Mailer, OutgoingMail } from '@reauth/email';
import { DeferredError } from '@reauth/queues';

/**
 * The idempotent send of one email of one notification, keyed by (notification, send number).
 *
 * - A sent marker is written right after SMTP accepts; a retried or re-delivered job that finds
 *   it sends nothing.
 * - A send claim (SET NX PX) is taken before sending: a job taken over while its first worker is
 *   still alive (a lock lost under load or in a Redis outage) waits for that worker's marker
 *   instead of sending again. No claim, no send.
 *
 * The window left open is SMTP-accepted-but-marker-not-written: a crash between two adjacent
 * awaits. It is bounded: a process holds at most `poolSize` messages (its SMTP pool's connections)
 * between "send started" and "marked sent", because claim → send → mark runs under a semaphore of
 * that size; while a marker cannot be written its permit is held, so no further send starts. The
 * Message-ID is deterministic and the `X-Reauth-Sender` header names the process, so a duplicate
 * from that window is recognisable and can be tied to the process that died holding it.
 */
export interface Delivery {
  sent(id: string, send: number): Promise<boolean>;
  /** Sends `mail` unless this (id, send) was sent already; resolves to whether it sent now. */
  deliver(id: string, send: number, mail: OutgoingMail): Promise<boolean>;
}

export interface DeliveryOptions {
  redis: RedisClient;
  mailer: () => Mailer;
  prefix: string;
  ttlSeconds?: number;
  /** How long the marker write keeps trying through a Redis outage before the job may fail. */
  markForMs?: number;
  claimMs?: number;
  /** SMTP_POOL_SIZE: how many messages may be in flight at once, and so in the window. */
  poolSize: number;
}

/** This process, as the claim and the `X-Reauth-Sender` header name it (no secret in it). */
export const senderId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

/** At most `size` holders at once; the rest wait in order. */
function semaphore(size: number) {
  let free = size;
  const waiting: Array<() => void> = [];
  return async <T>(run: () => Promise<T>): Promise<T> => {
    if (free > 0) free -= 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await run();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free += 1;
    }
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Deterministic per (notification, send): the first email `<id@reauth>`, reminders `<id.rN@reauth>`. */
export const messageIdOf = (id: string, send: number) => (send === 0 ? `<${id}@reauth>` : `<${id}.r${send}@reauth>`);

export function createDelivery(options: DeliveryOptions): Delivery {
  const { redis, prefix } = options;
  const ttl = options.ttlSeconds ?? 30 * 86_400;
  const markForMs = options.markForMs ?? 300_000;
  const claimMs = options.claimMs ?? 30_000;
  const suffix = (id: string, send: number) => (send === 0 ? id : `${id}.r${send}`);
  const markerKey = (id: string, send: number) => `${prefix}:sent:${suffix(id, send)}`;
  const claimKey = (id: string, send: number) => `${prefix}:sending:${suffix(id, send)}`;

  const has = async (id: string, send: number) => (await redis.exists(markerKey(id, send))) === 1;
  const gate = semaphore(options.poolSize);

  // The email has already left when this runs, so a failed write would turn a Redis blip into a
  // second email on the job's retry: keep trying for `markForMs` (a Redis restart takes seconds).
  const mark = async (id: string, send: number, detail: string) => {
    const giveUpAt = Date.now() + markForMs;
    for (let wait = 100; ; wait = Math.min(wait * 2, 1_000)) {
      try {
        await redis.set(markerKey(id, send), detail, 'EX', ttl);
        return;
      } catch (err) {
        if (Date.now() + wait > giveUpAt) throw err;
        await sleep(wait);
      }
    }
  };

  return {
    sent: has,
    async deliver(id, send, mail) {
      if (await has(id, send)) return false;
      return gate(async () => {
        // The claim is the gate: no claim written, no send started.
        if (!(await redis.set(claimKey(id, send), senderId, 'PX', claimMs, 'NX'))) {
          throw new DeferredError(Math.max(1, await redis.pttl(claimKey(id, send))), 'another worker is sending this email');
        }
        // The claim and the marker are checked back to back: a marker written since the first check wins.
        if (await has(id, send)) return false;
        try {
          await options.mailer().send({ ...mail, headers: { ...mail.headers, 'X-Reauth-Sender': senderId } });
        } catch (err) {
          await redis.del(claimKey(id, send)).catch(() => undefined);
          throw err;
        }
        // First thing after SMTP's 250: anything before it widens the window.
        await mark(id, send, mail.messageId);
        return true;
      });
    },
  };
}
